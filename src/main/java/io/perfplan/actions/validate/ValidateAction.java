package io.perfplan.actions.validate;

import io.perfplan.core.stats.ChangePoint;
import io.perfplan.core.stats.ChangePoints;
import io.perfplan.core.stats.GateSettings;
import io.perfplan.core.stats.LevelShifts;
import io.perfplan.core.stats.MetricDirection;
import io.perfplan.core.stats.QuantityUnit;
import io.perfplan.core.stats.RegressionGate;
import io.perfplan.core.stats.RegressionResult;
import io.perfplan.core.stats.Threshold;
import io.perfplan.core.stats.Verdict;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.RunHistory;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;
import io.perfplan.plan.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Gates a run on the metrics its earlier steps stored: thresholds, a statistical regression test
 * against a named baseline (core.stats {@link RegressionGate}, Holm-adjusted across the gated
 * metrics), and a change-point check at the newest runs of each metric's history. Prints a verdict
 * table, publishes each check as an output, and moves the baseline as {@code update_baseline} says.
 */
public final class ValidateAction implements Action<ValidateInputs> {

    /** Bootstrap seed: the same data always gives the same verdict. */
    private static final long SEED = 20_240_501L;
    private static final List<String> FINISHED = List.of("passed", "failed");
    /** Fewest runs (this one included) worth searching for change points. */
    private static final int MIN_HISTORY = 6;

    @Override
    public ActionSpec<ValidateInputs> spec() {
        return new ActionSpec<>("validate",
                "Gate the run: thresholds on metrics of earlier steps, a statistical regression test against a named "
                        + "baseline (Mann-Whitney U and a bootstrap interval on samples, a prediction interval over past "
                        + "runs for single values), and change points in recent history. Updates the baseline.",
                ValidateInputs.class,
                List.of(new ActionSpec.OutputSpec("checks", "Every check as {check, kind, observed, unit, limit, baseline, "
                                + "change, p_value, verdict, note}; verdict is pass, fail or inconclusive."),
                        new ActionSpec.OutputSpec("passed", "True when no check failed."),
                        new ActionSpec.OutputSpec("baseline", "The baseline's name and the run it points at after this step.")),
                List.of(new MetricSpec("checks.passed", Unit.COUNT, Direction.HIGHER_IS_BETTER, "Checks that passed."),
                        new MetricSpec("checks.failed", Unit.COUNT, Direction.LOWER_IS_BETTER, "Checks that failed."),
                        new MetricSpec("checks.inconclusive", Unit.COUNT, Direction.LOWER_IS_BETTER,
                                "Checks that could not decide (too little data, or a change that may exceed the tolerance).")),
                """
                - id: gate
                  action: validate
                  with:
                    thresholds: ["load.latency.p99 < 250ms", "load.error_rate < 0.5%"]
                    regression:
                      baseline: checkout
                      metrics: [load.latency.p99, load.throughput]
                      tolerance: 5%
                      alpha: 0.01
                      min_samples: 10
                      on_no_data: inconclusive
                    history: {window: 50, pvalue: 0.001}
                    update_baseline: on_pass
                """);
    }

    @Override
    public Optional<String> describe(ValidateInputs in) {
        List<String> parts = new ArrayList<>();
        if (!in.thresholds().isEmpty()) {
            parts.add("check " + String.join("; ", in.thresholds()));
        }
        if (in.regression() != null) {
            parts.add("compare " + String.join(", ", in.regression().metrics()) + " with baseline "
                    + (in.regression().baseline() == null ? "(the plan's name)" : in.regression().baseline()));
        }
        if (in.history() != null) {
            parts.add("look for change points in " + String.join(", ", in.historyMetrics()));
        }
        return Optional.of("would " + String.join(", ", parts));
    }

    @Override
    public Outcome execute(ValidateInputs in, StepContext ctx) {
        RunHistory history = ctx.history();
        long runId = Long.parseLong(ctx.runId());
        RunState run = new RunState(history, runId);
        List<Check> checks = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Threshold t : in.parsedThresholds()) {
            checks.add(threshold(t, run));
        }
        String baselineName = in.regression() != null && in.regression().baseline() != null
                ? in.regression().baseline() : ctx.planName();
        Optional<RunHistory.Baseline> baseline = history.baseline(baselineName);
        if (in.regression() != null) {
            checks.addAll(regression(in.regression(), baselineName, baseline, run, ctx, notes));
        }
        for (String metric : in.historyMetrics()) {
            checks.add(changePoint(in.history(), metric, run, ctx));
        }

        long failed = checks.stream().filter(Check::failed).count();
        long inconclusive = checks.stream().filter(c -> c.verdict().equals(Check.INCONCLUSIVE)).count();
        long passed = checks.size() - failed - inconclusive;
        ctx.metric("checks.passed", passed, Unit.COUNT, Direction.HIGHER_IS_BETTER);
        ctx.metric("checks.failed", failed, Unit.COUNT, Direction.LOWER_IS_BETTER);
        ctx.metric("checks.inconclusive", inconclusive, Unit.COUNT, Direction.LOWER_IS_BETTER);
        ctx.output("checks", checks.stream().map(Check::toOutput).toList());
        ctx.output("passed", failed == 0);

        boolean clean = checks.stream().noneMatch(c -> c.failed() || (c.verdict().equals(Check.INCONCLUSIVE) && !c.noData()));
        Map<String, Object> baselineOut = new LinkedHashMap<>();
        baselineOut.put("name", baselineName);
        baselineOut.put("run_id", baseline.map(RunHistory.Baseline::runId).orElse(null));
        updateBaseline(in, baselineName, baseline, clean, runId, ctx, notes, baselineOut);
        ctx.output("baseline", baselineOut);

        printTable(checks, ctx);
        notes.forEach(ctx::log);
        String summary = passed + " passed, " + failed + " failed, " + inconclusive + " inconclusive of " + checks.size() + " checks";
        ctx.log(summary);
        if (failed == 0) {
            return Outcome.pass(summary);
        }
        Check first = checks.stream().filter(Check::failed).findFirst().orElseThrow();
        String why = failed + " of " + checks.size() + " checks failed, first " + first.check() + ": " + first.note();
        if (!in.fail()) {
            return Outcome.pass(why + " (fail: false, so the step passes)");
        }
        return Outcome.fail(why);
    }

    // ---- thresholds

    private static Check threshold(Threshold t, RunState run) {
        for (String metric : t.metrics()) {
            run.require(metric, "threshold \"" + t + "\"");
        }
        Threshold.Evaluation e = t.evaluate(name -> run.metric(name)
                .map(m -> new Threshold.Measurement(m.value(), m.unit().symbol())));
        String verdict = e.passed() ? Check.PASS : Check.FAIL;
        if (e.comparisons().size() == 1) {
            Threshold.ComparisonResult c = e.comparisons().get(0);
            String limit = c.comparison().operator().symbol() + " " + Check.number(c.limit()) + unitSuffix(c.unit());
            String note = c.comparison().metric() + " = " + Check.number(c.observed()) + unitSuffix(c.unit())
                    + (c.passed() ? ", within " : ", not ") + limit;
            return new Check(t.toString(), "threshold", c.observed(), c.unit(), limit, Double.NaN, Double.NaN, Double.NaN,
                    verdict, false, note);
        }
        List<String> seen = new ArrayList<>();
        for (Threshold.ComparisonResult c : e.comparisons()) {
            seen.add(c.comparison().metric() + " = " + Check.number(c.observed()) + unitSuffix(c.unit())
                    + (c.passed() ? "" : " (not " + c.comparison().operator().symbol() + " "
                    + Check.number(c.limit()) + unitSuffix(c.unit()) + ")"));
        }
        return new Check(t.toString(), "threshold", Double.NaN, "", t.toString(), Double.NaN, Double.NaN, Double.NaN,
                verdict, false, String.join("; ", seen));
    }

    private static String unitSuffix(String unit) {
        if (unit == null || unit.isEmpty() || unit.equals("count")) {
            return "";
        }
        return unit.equals("%") || unit.startsWith("/") ? unit : " " + unit;
    }

    // ---- regression

    private static List<Check> regression(ValidateInputs.Regression reg, String baselineName, Optional<RunHistory.Baseline> baseline,
                                          RunState run, StepContext ctx, List<String> notes) {
        List<RunHistory.Metric> gated = new ArrayList<>();
        for (String name : reg.metrics()) {
            RunHistory.Metric m = run.require(name, "regression metric");
            if (m.direction() == Direction.NEUTRAL) {
                throw new IllegalArgumentException("regression metric '" + name + "' has no better direction (neither lower "
                        + "nor higher is better), so it cannot regress; gate it with a threshold instead");
            }
            gated.add(m);
        }
        if (baseline.isEmpty()) {
            notes.add("there is no baseline '" + baselineName + "' yet, so the regression checks pass; "
                    + "a run that passes with update_baseline: on_pass (or always) becomes it");
            List<Check> out = new ArrayList<>();
            for (RunHistory.Metric m : gated) {
                out.add(new Check(m.fullName() + " vs baseline", "regression", m.value(), m.unit().symbol(), null, Double.NaN,
                        Double.NaN, Double.NaN, Check.PASS, true, "no baseline '" + baselineName + "' yet; this is the first run"));
            }
            return out;
        }
        RunHistory.Baseline b = baseline.get();
        List<RunHistory.SampleSet> baselineSamples = run.history.samplesOfRun(b.runId());
        List<RegressionResult> results = new ArrayList<>();
        for (RunHistory.Metric m : gated) {
            MetricDirection direction = m.direction() == Direction.LOWER_IS_BETTER
                    ? MetricDirection.LOWER_IS_BETTER : MetricDirection.HIGHER_IS_BETTER;
            GateSettings settings = GateSettings.of(direction, reg.tolerance().fraction(), reg.alpha(), reg.minSamples(), SEED);
            Optional<RunHistory.SampleSet> mine = samplesFor(m, run.samples());
            Optional<RunHistory.SampleSet> theirs = samplesFor(m, baselineSamples);
            if (mine.isPresent() && theirs.isPresent()) {
                double[] base = convert(theirs.get().values(), theirs.get().unit(), mine.get().unit());
                results.add(RegressionGate.compareSamples(base, mine.get().values(), settings));
            } else {
                double[] window = window(reg, b, m, run.history, settings);
                results.add(RegressionGate.compareValue(window, m.value(), settings));
            }
        }
        List<RegressionResult> adjusted = RegressionGate.adjustAcrossMetrics(results);
        List<Check> out = new ArrayList<>();
        for (int i = 0; i < gated.size(); i++) {
            RunHistory.Metric m = gated.get(i);
            RegressionResult r = adjusted.get(i);
            String unit = r.evidence() == RegressionResult.Evidence.SAMPLES
                    ? samplesFor(m, run.samples()).map(s -> s.unit().symbol()).orElse(m.unit().symbol()) : m.unit().symbol();
            String against = " vs baseline " + b.name() + " (run " + b.runId() + (b.pinned() ? ", pinned" : "") + ")";
            String verdict;
            boolean noData = r.verdict() == Verdict.NO_DATA;
            String note = r.explanation();
            if (noData) {
                verdict = switch (reg.onNoData()) {
                    case FAIL -> Check.FAIL;
                    case PASS -> Check.PASS;
                    case INCONCLUSIVE -> Check.INCONCLUSIVE;
                };
                if (r.evidence() == RegressionResult.Evidence.SINGLE_VALUE && b.pinned()) {
                    note = "A pinned baseline holds one value of " + m.fullName() + " and single values need a window of "
                            + "min_samples " + reg.minSamples() + " runs; gate on samples or use an unpinned (rolling) baseline.";
                }
                note = note + " on_no_data: " + reg.onNoData().name().toLowerCase(Locale.ROOT) + ".";
            } else {
                verdict = r.verdict().name().toLowerCase(Locale.ROOT);
            }
            String limit = Double.isNaN(r.limit()) ? null
                    : (m.direction() == Direction.LOWER_IS_BETTER ? "<= " : ">= ") + Check.number(r.limit()) + unitSuffix(unit);
            double observed = noData ? m.value() : r.candidate();
            out.add(new Check(m.fullName() + against, "regression", observed, unit, limit, r.baseline(), r.change(),
                    r.pValue(), verdict, noData, note));
        }
        return out;
    }

    /**
     * Earlier single values to compare with: the pinned run's value, or the last {@code window}
     * passed runs up to the baseline's run since their last change point (so an accepted shift of
     * level does not linger in the window).
     */
    private static double[] window(ValidateInputs.Regression reg, RunHistory.Baseline b, RunHistory.Metric m,
                                   RunHistory history, GateSettings settings) {
        int reach = b.pinned() ? 1 : Math.max(reg.window(), ChangePoints.Settings.defaults().window());
        List<RunHistory.Point> points = new ArrayList<>();
        for (RunHistory.Point p : history.series(b.plan(), m.stepId(), m.name(), b.runId() + 1, FINISHED, reach * 2)) {
            if (p.runId() == b.runId() || (!b.pinned() && p.status().equals("passed"))) {
                points.add(p);
            }
        }
        if (points.size() > reach) {
            points = points.subList(points.size() - reach, points.size());
        }
        double[] values = new double[points.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = convert(points.get(i).value(), points.get(i).unit(), m.unit());
        }
        if (b.pinned() || values.length < 8) {
            return values;
        }
        double[] level = LevelShifts.currentLevel(values,
                ChangePoints.Settings.defaults().withMinMagnitude(settings.tolerance()));
        return level.length > reg.window() ? java.util.Arrays.copyOfRange(level, level.length - reg.window(), level.length) : level;
    }

    /** Samples of a metric: the set of the same name, else of its parent ({@code wall} for {@code wall.median}). */
    private static Optional<RunHistory.SampleSet> samplesFor(RunHistory.Metric m, List<RunHistory.SampleSet> sets) {
        String parent = m.name().contains(".") ? m.name().substring(0, m.name().lastIndexOf('.')) : null;
        Optional<RunHistory.SampleSet> exact = sets.stream()
                .filter(s -> s.stepId().equals(m.stepId()) && s.name().equals(m.name()) && s.values().length > 0).findFirst();
        if (exact.isPresent() || parent == null) {
            return exact;
        }
        return sets.stream().filter(s -> s.stepId().equals(m.stepId()) && s.name().equals(parent) && s.values().length > 0).findFirst();
    }

    // ---- change points

    private static Check changePoint(ValidateInputs.History h, String name, RunState run, StepContext ctx) {
        RunHistory.Metric m = run.require(name, "history metric");
        List<RunHistory.Point> earlier = run.history.series(ctx.planName(), m.stepId(), m.name(), run.runId, FINISHED, h.window() - 1);
        double[] series = new double[earlier.size() + 1];
        for (int i = 0; i < earlier.size(); i++) {
            series[i] = convert(earlier.get(i).value(), earlier.get(i).unit(), m.unit());
        }
        series[earlier.size()] = m.value();
        String check = name + " change point";
        String unit = m.unit().symbol();
        if (series.length < MIN_HISTORY) {
            return new Check(check, "history", m.value(), unit, null, Double.NaN, Double.NaN, Double.NaN, Check.PASS, true,
                    "Only " + series.length + (series.length == 1 ? " run" : " runs") + " of history; change points need at least "
                            + MIN_HISTORY + ".");
        }
        int permutations = (int) Math.min(100_000, Math.max(999, Math.ceil(1 / h.pvalue()) - 1));
        ChangePoints.Settings settings = new ChangePoints.Settings(h.window(), h.pvalue(), h.minMagnitude().fraction(),
                permutations, SEED);
        Optional<ChangePoint> shift = LevelShifts.confirmedByNewest(series, settings);
        if (shift.isEmpty()) {
            return new Check(check, "history", m.value(), unit, null, Double.NaN, Double.NaN, Double.NaN, Check.PASS, false,
                    "This run confirms no new change point in the last " + series.length + " runs.");
        }
        ChangePoint cp = shift.get();
        int runsAgo = series.length - 1 - cp.index();
        boolean worse = m.direction() == Direction.LOWER_IS_BETTER ? cp.change() > 0 : cp.change() < 0;
        String verdict = m.direction() == Direction.NEUTRAL ? Check.INCONCLUSIVE : worse ? Check.FAIL : Check.PASS;
        String when = runsAgo == 0 ? "this run" : runsAgo == 1 ? "the run before this one" : runsAgo + " runs before this one";
        String note = "This run confirms that the level shifted from a mean of " + Check.number(cp.meanBefore()) + " to " + Check.number(cp.meanAfter())
                + " (" + Check.percent(cp.change()) + ") starting " + when + ", p = " + Check.number(cp.pValue())
                + (verdict.equals(Check.FAIL) ? ": a regression." : verdict.equals(Check.PASS) ? ": an improvement." : ".");
        return new Check(check, "history", m.value(), unit, null, cp.meanBefore(), cp.change(), cp.pValue(), verdict, false, note);
    }

    // ---- baseline

    private static void updateBaseline(ValidateInputs in, String name, Optional<RunHistory.Baseline> baseline, boolean clean,
                                       long runId, StepContext ctx, List<String> notes, Map<String, Object> out) {
        ValidateInputs.UpdateBaseline rule = in.updateBaseline();
        if (rule == ValidateInputs.UpdateBaseline.NEVER) {
            return;
        }
        if (baseline.isPresent() && baseline.get().pinned()) {
            notes.add("baseline '" + name + "' is pinned to run " + baseline.get().runId() + ", so this run does not move it");
            return;
        }
        if (rule == ValidateInputs.UpdateBaseline.ON_PASS && !clean) {
            notes.add("baseline '" + name + "' stays at " + baseline.map(b -> "run " + b.runId()).orElse("nothing")
                    + " because a check failed or was inconclusive (update_baseline: on_pass)");
            return;
        }
        Integer window = in.regression() == null ? null : in.regression().window();
        ctx.history().setBaseline(name, baseline.map(RunHistory.Baseline::plan).orElse(ctx.planName()), runId, false, window);
        out.put("run_id", runId);
        notes.add("baseline '" + name + "' now points at this run (" + runId + ")");
    }

    // ---- output

    private static void printTable(List<Check> checks, StepContext ctx) {
        String[] header = {"CHECK", "OBSERVED", "LIMIT / BASELINE", "CHANGE", "P", "VERDICT"};
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        checks.forEach(c -> rows.add(c.row()));
        int[] width = new int[header.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], Math.min(60, r[i].length()));
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String cell = r[i].length() > 60 ? r[i].substring(0, 57) + "..." : r[i];
                line.append(i == r.length - 1 ? cell : String.format(Locale.ROOT, "%-" + width[i] + "s  ", cell));
            }
            ctx.log(line.toString().stripTrailing());
        }
        for (Check c : checks) {
            if (!c.verdict().equals(Check.PASS) || c.noData()) {
                ctx.log(c.verdict().toUpperCase(Locale.ROOT) + " " + c.check() + ": " + c.note());
            }
        }
    }

    // ---- units

    private static double convert(double value, Unit from, Unit to) {
        if (from == to) {
            return value;
        }
        QuantityUnit a = QuantityUnit.fromSymbol(from.symbol()).orElseThrow();
        QuantityUnit b = QuantityUnit.fromSymbol(to.symbol()).orElseThrow();
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("a metric was stored in " + from.symbol() + " before and in " + to.symbol()
                    + " now, which do not convert; use a new baseline (perfplan baseline delete)");
        }
        return a.convert(value, b);
    }

    private static double[] convert(double[] values, Unit from, Unit to) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = convert(values[i], from, to);
        }
        return out;
    }

    /** The current run as stored so far: its metrics, samples and step statuses, loaded once. */
    private static final class RunState {
        final RunHistory history;
        final long runId;
        private final Map<String, RunHistory.Metric> metrics = new LinkedHashMap<>();
        private final Map<String, String> steps;
        private List<RunHistory.SampleSet> samples;

        RunState(RunHistory history, long runId) {
            this.history = history;
            this.runId = runId;
            history.metricsOfRun(runId).forEach(m -> metrics.put(m.fullName(), m));
            this.steps = history.stepStatuses(runId);
        }

        Optional<RunHistory.Metric> metric(String fullName) {
            return Optional.ofNullable(metrics.get(fullName));
        }

        List<RunHistory.SampleSet> samples() {
            if (samples == null) {
                samples = history.samplesOfRun(runId);
            }
            return samples;
        }

        /** The metric, or an error that says why it is missing and what was meant. */
        RunHistory.Metric require(String fullName, String where) {
            RunHistory.Metric m = metrics.get(fullName);
            if (m != null) {
                return m;
            }
            String step = fullName.substring(0, fullName.indexOf('.'));
            String status = steps.get(step);
            if (status == null) {
                throw new IllegalArgumentException(where + ": no step '" + step + "' ran before this one"
                        + Suggestions.didYouMean(step, steps.keySet())
                        + (steps.isEmpty() ? "" : "; earlier steps: " + String.join(", ", steps.keySet())));
            }
            List<String> ofStep = metrics.keySet().stream().filter(n -> n.startsWith(step + ".")).toList();
            if (ofStep.isEmpty()) {
                throw new IllegalArgumentException(where + ": step '" + step + "' " + (status.equals("passed") ? "stored no metrics"
                        : "was " + status + " and stored no metrics") + ", so '" + fullName + "' has no value");
            }
            throw new IllegalArgumentException(where + ": step '" + step + "' has no metric '" + fullName.substring(step.length() + 1)
                    + "'" + Suggestions.didYouMean(fullName, ofStep).replace("'" + step + ".", "'" + step + ".")
                    + "; it measured: " + String.join(", ", ofStep));
        }
    }
}
