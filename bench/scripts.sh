#!/usr/bin/env bash
# What Groovy extensions cost a CLI run. Prints medians of ROUNDS cold processes, alternating the
# commands so machine noise hits all of them alike, and ratios against a plan using built-ins only:
#   builtin   validate a 1-step exec plan in a project whose scripts/ holds the two example scripts
#             (scripts are not loaded: the plan uses no script action)
#   script    validate a 1-step plan using the `notify` script action (Groovy starts, the 3 files of scripts/ compile)
#   run       run a plan whose one step calls a script action that publishes a metric
# then, in one process, the cost of the first compile against a cache hit (ScriptCostProbe).
#   bench/scripts.sh [ROUNDS]      (default 9)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-9}
[ -f target/perfplan.jar ] || mvn -q -B -DskipTests package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plans" "$work/scripts"
cp scripts/notify.groovy scripts/trend-guard.groovy "$work/scripts/"
cat > "$work/scripts/mark.groovy" <<'G'
action {
    name 'mark'
    metric 'value', unit: 'ms', direction: 'lower'
    execute { ctx, inputs -> ctx.metric('value', 1.5) }
}
G
printf 'plan: builtin\nsteps:\n  - id: a\n    action: exec\n    with: {command: ["true"]}\n' > "$work/plans/builtin.yaml"
printf 'plan: script\nsteps:\n  - id: a\n    action: notify\n    with: {url: "http://127.0.0.1:9/", text: hi}\n' > "$work/plans/script.yaml"
printf 'plan: run\nsteps:\n  - id: a\n    action: mark\n' > "$work/plans/run.yaml"
db="jdbc:h2:file:$work/db/perfplan;AUTO_SERVER=TRUE"
jar=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$PWD/target/perfplan.jar")
(cd "$work" && "${jar[@]}" run plans/builtin.yaml --db "$db" >/dev/null) # create the database once

ms() { local t0 t1; t0=$(date +%s%N); (cd "$work" && "$@" >/dev/null 2>&1) || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
declare -a builtin script run
for r in $(seq 1 "$rounds"); do
  builtin+=("$(ms "${jar[@]}" validate plans/builtin.yaml)")
  script+=("$(ms "${jar[@]}" validate plans/script.yaml)")
  run+=("$(ms "${jar[@]}" run plans/run.yaml --db "$db")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mb=$(median "${builtin[@]}"); msc=$(median "${script[@]}"); mr=$(median "${run[@]}")
echo "rounds: $rounds (median wall time of a cold process)"
printf '%-44s %6s ms\n' "validate, built-in actions only" "$mb"
printf '%-44s %6s ms  (%.2fx)\n' "validate, a script action (3 files compiled)" "$msc" "$(echo "$msc / $mb" | bc -l)"
printf '%-44s %6s ms  (%.2fx)\n' "run, one script action step" "$mr" "$(echo "$mr / $mb" | bc -l)"
[ -d target/test-classes/io/perfplan/script ] || mvn -q -B -o test-compile
java -cp "target/perfplan.jar:target/test-classes" io.perfplan.script.ScriptCostProbe scripts/notify.groovy
