-- perfplan history, trend and report read a plan's newest runs by id: this index gives them in
-- order (queries say ORDER BY plan, id DESC so that H2 sees the index is sorted), and
-- `history --plan X --limit 50` and the series behind `trend` stop after the rows they need
-- instead of sorting every run of the plan (bench/history.sh: 100,000 runs, 2,000,000 metric rows).
CREATE INDEX runs_plan_id ON runs (plan, id DESC);
