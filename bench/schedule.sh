#!/usr/bin/env bash
# Scheduler benchmark (issue 9): `perfplan serve` with 1,000 scheduled plans on H2.
# Prints the start-up time (first start, which stores 1,000 jobs, and a restart, which finds them
# current), the heap in use after a full GC, and the delay between a firing's scheduled time and
# the start of its run (p50, p99) for FAST plans that fire every second, over SECONDS seconds.
#   bench/schedule.sh [PLANS] [SECONDS] [FAST]      (defaults 1000, 20, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
plans=${1:-1000}
seconds=${2:-20}
fast=${3:-5}
[ -f target/perfplan.jar ] || mvn -q -B -DskipTests package
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
mkdir -p "$work/plans"
for i in $(seq 1 "$plans"); do # once a day, at times spread over the day
  printf 'plan: daily-%d\nschedule: {cron: "%d %d %d * * ?"}\nsteps:\n  - {id: s, action: exec, with: {command: ["true"]}}\n' \
    "$i" $((i % 60)) $(((i / 60) % 60)) $(((i / 3600) % 24)) > "$work/plans/daily-$i.yaml"
done
for i in $(seq 1 "$fast"); do
  printf 'plan: fast-%d\nschedule: {cron: "* * * * * ?", overlap: allow}\nsteps:\n  - {id: s, action: exec, with: {command: ["true"]}}\n' \
    "$i" > "$work/plans/fast-$i.yaml"
done
db="jdbc:h2:file:$work/db/perfplan;AUTO_SERVER=TRUE"
java=(java -XX:+UseSerialGC -jar target/perfplan.jar)

serve() { # serve LOG: starts serve, waits until it serves; sets pid and startup (ms)
  local t0 t1
  t0=$(date +%s%N)
  "${java[@]}" serve --plans "$work/plans" --db "$db" --grace 5s > "$1" 2>&1 &
  pid=$!
  until grep -q "serving " "$1" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$1" >&2; exit 3; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  startup=$(( (t1 - t0) / 1000000 ))
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }

serve "$work/first.log"; first=$startup
sleep 2
jcmd "$pid" GC.run >/dev/null
# Serial GC: the used sizes of the young and the tenured generation
heap=$(jcmd "$pid" GC.heap_info | awk '/generation/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); kb += v}} END {printf "%.1f MB", kb / 1024}')
sleep "$seconds"
stop
serve "$work/restart.log"; restart=$startup
stop

# steady state: the firings of the first 3 seconds (due while the folder was still loading) are left out
grep -o '([0-9]* ms after its time)' "$work/first.log" | tail -n +$((3 * fast + 1)) | tr -dc '0-9\n' | sort -n > "$work/delays"
n=$(wc -l < "$work/delays")
pct() { awk -v p="$1" '{a[NR]=$1} END {i = int(p * NR + 0.999); if (i < 1) i = 1; print a[i]}' "$work/delays"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "plans: $plans daily + $fast every second; firings measured: $n over ${seconds}s"
loaded() { grep -o 'loaded in [0-9]* ms' "$1" | tr -dc '0-9'; }
echo "start-up, first (stores the jobs):   $first ms (plans folder loaded and scheduled in $(loaded "$work/first.log") ms)"
echo "start-up, restart (jobs current):     $restart ms (plans folder loaded and checked in $(loaded "$work/restart.log") ms)"
echo "heap used after full GC:              $heap"
echo "scheduled -> run start delay:         p50 $(pct 0.5) ms, p99 $(pct 0.99) ms, max $(tail -1 "$work/delays") ms"
