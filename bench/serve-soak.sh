#!/usr/bin/env bash
# Soak test of `perfplan serve` (issue 12): PLANS plans, each firing every INTERVAL seconds at its own
# offset (plan i at the seconds where epoch % INTERVAL == i % INTERVAL), for DURATION. Then, from the
# history database: every firing due in the window was recorded once (none missed, none run twice),
# every run passed, and how late firings started; from the JVM: heap in use after a full GC,
# sampled every SAMPLE seconds, first third vs last third (medians and their ratio).
# Exits 1 on a violation: a missed firing (more than MAX_MISSED), a duplicated run, a run that did not
# pass, or a heap ratio above HEAP_RATIO_MAX.
#   DURATION=5m PLANS=100 INTERVAL=5 bench/serve-soak.sh       (defaults shown; DURATION in s or m)
set -euo pipefail
cd "$(dirname "$0")/.."
plans=${PLANS:-100}
interval=${INTERVAL:-5}
duration=${DURATION:-5m}
sample=${SAMPLE:-10}
max_missed=${MAX_MISSED:-0}
heap_ratio_max=${HEAP_RATIO_MAX:-1.20}
case "$duration" in
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac
if (( 60 % interval != 0 )); then
  echo "INTERVAL must divide 60 (a Quartz seconds field of OFFSET/INTERVAL); got $interval" >&2
  exit 2
fi
[ -f target/perfplan.jar ] || mvn -q -B -DskipTests package
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
mkdir -p "$work/plans"
for i in $(seq 1 "$plans"); do
  printf 'plan: soak-%d\nschedule: {cron: "%d/%d * * * * ?"}\nsteps:\n  - {id: s, action: exec, with: {command: ["true"]}}\n' \
    "$i" $((i % interval)) "$interval" > "$work/plans/soak-$i.yaml"
done
db="jdbc:h2:file:$work/db/perfplan;AUTO_SERVER=TRUE"
java=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar target/perfplan.jar)
query() { "${java[@]}" query --csv --limit 100000 --db "$db" "$1" | tail -n +2 | tr -d '"\r'; }

# every full GC compacts the whole heap (Serial GC otherwise leaves up to 3 of 4 with dead objects in place,
# which read as a saw-tooth of several MB), so "used after GC.run" is the live heap
java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MarkSweepAlwaysCompactCount=1 -jar target/perfplan.jar \
  serve --plans "$work/plans" --db "$db" --grace 30s > "$work/serve.log" 2>&1 &
pid=$!
until grep -q "serving " "$work/serve.log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 3; }
  sleep 0.2
done
t0=$(( $(date +%s) + 2 ))   # the window starts once every plan is scheduled
t1=$(( t0 + seconds ))
echo "serve (pid $pid) firing $plans plans every ${interval}s for ${seconds}s; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

heap_used_kb() { # live heap in KB: Serial GC's full collection compacts what is alive into the tenured
  # generation; the young one refills with the next runs' garbage before heap_info looks, so it is left out
  jcmd "$pid" GC.run >/dev/null
  jcmd "$pid" GC.heap_info | awk '/tenured generation +total/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); kb += v}} END {print kb + 0}'
}
: > "$work/heap"
loads=()
while (( $(date +%s) < t1 )); do
  sleep "$sample"
  kill -0 "$pid" 2>/dev/null || { echo "serve died:" >&2; tail -20 "$work/serve.log" >&2; exit 1; }
  heap_used_kb >> "$work/heap"
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
done
kill -TERM "$pid"
wait "$pid" || { echo "serve exited with $?" >&2; tail -20 "$work/serve.log" >&2; exit 1; }
pid=""

ts() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S+00'; }
window="scheduled_at >= TIMESTAMP WITH TIME ZONE '$(ts "$t0")' AND scheduled_at < TIMESTAMP WITH TIME ZONE '$(ts "$t1")'"
# per plan: firings recorded in the window, and of them passed / skipped (overlap) / other, and distinct runs
query "SELECT plan, COUNT(*), SUM(CASE WHEN outcome = 'passed' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'skipped' THEN 1 ELSE 0 END),
       COUNT(DISTINCT run_id) FROM schedule_firings WHERE $window GROUP BY plan" > "$work/firings"
# scheduled runs that no firing claims, or that two firings claim (a firing run twice), over the whole soak
orphans=$(query "SELECT COUNT(*) FROM runs r WHERE r.run_trigger = 'schedule' AND NOT EXISTS (SELECT 1 FROM schedule_firings f WHERE f.run_id = r.id)")
shared=$(query "SELECT COUNT(*) FROM (SELECT run_id FROM schedule_firings WHERE run_id IS NOT NULL GROUP BY run_id HAVING COUNT(*) > 1) x")
not_passed=$(query "SELECT COUNT(*) FROM runs WHERE run_trigger = 'schedule' AND status <> 'passed'")
# what Quartz had not reached when serve stopped (a firing due then runs at the next start): each trigger's next fire time
query "SELECT TRIGGER_NAME, NEXT_FIRE_TIME FROM QRTZ_TRIGGERS" > "$work/next"
late=$(query "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY DATEDIFF('MILLISECOND', scheduled_at, fired_at)),
       PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY DATEDIFF('MILLISECOND', scheduled_at, fired_at)),
       MAX(DATEDIFF('MILLISECOND', scheduled_at, fired_at)) FROM schedule_firings WHERE $window")

# expected firings of plan i: seconds s in [t0, t1) with s % interval == i % interval, up to the trigger's next fire time
summary=$(awk -F, -v t0="$t0" -v t1="$t1" -v iv="$interval" -v n="$plans" '
  FNR == NR { next_s[$1] = int($2 / 1000); next }
  { got[$1] = $2; passed[$1] = $3; skipped[$1] = $4; runs[$1] = $5 }
  END {
    for (i = 1; i <= n; i++) {
      p = "soak-" i; want = 0; end = t1
      if ((p in next_s) && next_s[p] < end) { end = next_s[p]; if (t1 - end > behind) behind = t1 - end }
      for (s = t0; s < end; s++) if (s % iv == i % iv) want++
      e += want; g += got[p]; pa += passed[p]; sk += skipped[p]; r += runs[p]
      if (got[p] < want) { missed += want - got[p]; mp++ }
      if (got[p] > want) extra += got[p] - want
    }
    printf "%d %d %d %d %d %d %d %d %d", e, g, pa, sk, r, missed + 0, mp + 0, extra + 0, behind + 0
  }' "$work/next" "$work/firings")
read -r expected got passed skipped runs missed missed_plans extra behind <<< "$summary"

n=$(wc -l < "$work/heap")
third=$(( n / 3 > 0 ? n / 3 : 1 ))
median() { sort -n | awk '{a[NR] = $1} END {printf "%d\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
first=$(head -n "$third" "$work/heap" | median)
last=$(tail -n "$third" "$work/heap" | median)
ratio=$(awk -v a="$first" -v b="$last" 'BEGIN {printf "%.3f", b / a}')
load_median=$(printf '%s\n' "${loads[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')

echo "window: $(ts "$t0") .. $(ts "$t1") (${seconds}s); load average during the soak: median $load_median, last $(cut -d' ' -f1-3 /proc/loadavg)"
echo "firings: expected $expected, recorded $got (passed $passed, skipped for overlap $skipped), distinct runs $runs"
echo "missed: $missed (in $missed_plans plans); recorded beyond the cron: $extra; runs not claimed by a firing: $orphans; runs claimed twice: $shared; scheduled runs not passed: $not_passed"
echo "Quartz's progress at the stop: the furthest-behind trigger was ${behind}s behind the end of the window (its later firings are not expected)"
echo "lateness of firings (scheduled -> claimed): p50, p99, max ms: ${late//,/, }"
echo "heap used after full GC: $n samples every ${sample}s; first-third median $(awk -v k="$first" 'BEGIN {printf "%.1f", k / 1024}') MB, last-third median $(awk -v k="$last" 'BEGIN {printf "%.1f", k / 1024}') MB, ratio $ratio (max $heap_ratio_max)"
echo "heap samples (KB): $(tr '\n' ' ' < "$work/heap")"

fail=0
(( missed > max_missed )) && { echo "VIOLATION: $missed firings missed (allowed $max_missed)"; fail=1; }
(( behind > 60 )) && { echo "VIOLATION: a trigger was ${behind}s behind, more than the misfire threshold"; fail=1; }
(( extra > 0 || orphans > 0 || shared > 0 )) && { echo "VIOLATION: duplicated firings or runs"; fail=1; }
(( not_passed > 0 )) && { echo "VIOLATION: $not_passed scheduled runs did not pass"; grep -E 'could not|failed' "$work/serve.log" | head -5; fail=1; }
awk -v r="$ratio" -v m="$heap_ratio_max" 'BEGIN {exit !(r > m)}' && { echo "VIOLATION: heap grew by ${ratio}x"; fail=1; }
grep -qiE 'exception|could not' "$work/serve.log" && { echo "NOTE: serve reported problems:"; grep -iE 'exception|could not' "$work/serve.log" | head -5; }
(( fail == 0 )) && echo "OK"
exit "$fail"
