#!/usr/bin/env bash
# Cold-start benchmark of the CLI. Prints medians and ratios against `java -jar perfplan.jar --version`
# measured in the same run, alternating the commands so machine noise hits all of them alike.
#   bench/startup.sh [ROUNDS]      (default 11)
# Targets (issue 2): validate of a 200-step plan <= 2.0x; run of a 20-step plan of `exec true` <= 3.0x;
# engine overhead per step (excluding the child process) < 5 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-11}
[ -f target/perfplan.jar ] || mvn -q -B -DskipTests package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen() { # gen FILE STEPS
  { echo "plan: bench-$2"; echo "steps:"
    for i in $(seq 1 "$2"); do
      printf '  - id: s%d\n    action: exec\n    with: {command: ["true"]}\n' "$i"
    done; } > "$1"
}
gen "$work/p200.yaml" 200
gen "$work/p20.yaml" 20
gen "$work/p1.yaml" 1
db="jdbc:h2:file:$work/db/perfplan;AUTO_SERVER=TRUE"
# MODE=jar (default): plain `java -jar`; MODE=launcher: ./perfplan, with its class-data archive (as users run it)
if [ "${MODE:-jar}" = launcher ]; then
  jar=(./perfplan)
  ./perfplan --version >/dev/null; ./perfplan --version >/dev/null # make the archive
else
  jar=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar target/perfplan.jar)
fi
"${jar[@]}" run "$work/p1.yaml" --db "$db" >/dev/null # create the database once

ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
declare -a base val run20 run1
for r in $(seq 1 "$rounds"); do
  base+=("$(ms "${jar[@]}" --version)")
  val+=("$(ms "${jar[@]}" validate "$work/p200.yaml")")
  run20+=("$(ms "${jar[@]}" run "$work/p20.yaml" --db "$db")")
  run1+=("$(ms "${jar[@]}" run "$work/p1.yaml" --db "$db")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mb=$(median "${base[@]}"); mv=$(median "${val[@]}"); m20=$(median "${run20[@]}"); m1=$(median "${run1[@]}")
# the child's own time, as perfplan measured it (the median `wall` metric of the steps of one more
# 20-step run: from just before the spawn to the reaping wait), is excluded from engine overhead
"${jar[@]}" run "$work/p20.yaml" --db "$db" >/dev/null
child=$(median $("${jar[@]}" show last --json --db "$db" | awk -F: '/"wall"/ {w = 1} w && /"value"/ {gsub(/[ ,]/, "", $2); print $2; w = 0}'))
awk -v b="$mb" -v v="$mv" -v r20="$m20" -v r1="$m1" -v c="${child:-0}" -v n="$rounds" -v m="${MODE:-jar}" 'BEGIN {
  printf "mode: %s, rounds: %d (medians, ms)\n", m, n
  printf "%-34s %8.0f ms\n", "--version (reference)", b
  printf "%-34s %8.0f ms  %.2fx  (target <= 2.0x)\n", "validate, 200-step plan", v, v / b
  printf "%-34s %8.0f ms  %.2fx  (target <= 3.0x)\n", "run, 20 steps of exec true", r20, r20 / b
  per = (r20 - r1) / 19 - c
  printf "%-34s %8.2f ms  (target < 5 ms; %.2f ms per step in all, child wall %.2f ms excluded)\n", "engine overhead per step", per, (r20 - r1) / 19, c
}'
