#!/bin/sh
# Compares perfplan's command measurement with hyperfine on the same commands, alternating rounds so
# machine load affects both alike, and measures what sampling a process every 100 ms costs.
# Usage: bench/profile-vs-hyperfine.sh [ROUNDS]   (run from the project root; needs a JDK and Maven)
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-7}
RUNS=10

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "installing hyperfine (Debian package)..."
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q hyperfine >/dev/null; else sudo apt-get install -y -q hyperfine >/dev/null; fi
fi
[ -d target/classes/io/perfplan/core/sampling ] && [ -d target/test-classes/io/perfplan/core/sampling ] || mvn -o -q test-compile
[ -f target/bench-classpath.txt ] || mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
CP="target/classes:$(cat target/bench-classpath.txt)"
JAVA=${JAVA:-java}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# OSHI logs every /proc read at DEBUG without a logging configuration; that would be measured too.
printf '<configuration><root level="WARN"/></configuration>\n' > "$TMP/logback.xml"
JOPTS="-Dlogback.configurationFile=$TMP/logback.xml -XX:TieredStopAtLevel=1"

echo "== mean wall time: perfplan vs hyperfine ($ROUNDS alternating rounds of $RUNS runs, 2 warm-up) =="
compare() {  # label, the command as hyperfine parses it (shell words), then the same command as argv
  label=$1; words=$2; shift 2
  p_sum=0; h_sum=0; r=1; : > "$TMP/ratios"; : > "$TMP/minratios"
  while [ "$r" -le "$ROUNDS" ]; do
    out=$("$JAVA" $JOPTS -cp "$CP" io.perfplan.core.sampling.ProfileBench command "$RUNS" 2 "$@")
    p=$(echo "$out" | sed -n 's/.*mean_ms=\([0-9.]*\).*/\1/p')
    pmin=$(echo "$out" | sed -n 's/.*min_ms=\([0-9.]*\).*/\1/p')
    hyperfine -N --style none --warmup 2 --runs "$RUNS" --export-json "$TMP/h.json" -- "$words" >/dev/null 2>&1
    h=$(tr -d ' \n' < "$TMP/h.json" | sed -n 's/.*"mean":\([0-9.e+-]*\),.*/\1/p' | awk '{printf "%.3f", $1 * 1000}')
    hmin=$(tr -d ' \n' < "$TMP/h.json" | sed -n 's/.*"min":\([0-9.e+-]*\),.*/\1/p' | awk '{printf "%.3f", $1 * 1000}')
    awk -v a="$pmin" -v b="$hmin" 'BEGIN{printf "%.4f\n", a/b}' >> "$TMP/minratios"
    echo "  $label round $r: mean perfplan ${p} ms, hyperfine ${h} ms, ratio $(awk -v a="$p" -v b="$h" 'BEGIN{printf "%.3f", a/b}'); min ${pmin} vs ${hmin} ms"
    awk -v a="$p" -v b="$h" 'BEGIN{printf "%.4f\n", a/b}' >> "$TMP/ratios"
    p_sum=$(awk -v a="$p_sum" -v b="$p" 'BEGIN{print a+b}'); h_sum=$(awk -v a="$h_sum" -v b="$h" 'BEGIN{print a+b}')
    r=$((r + 1))
  done
  median=$(sort -n "$TMP/ratios" | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  minmedian=$(sort -n "$TMP/minratios" | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  echo "  $label: mean ratio perfplan/hyperfine: median over rounds $median, of summed means $(awk -v a="$p_sum" -v b="$h_sum" 'BEGIN{printf "%.3f", a/b}') (target 0.95-1.05); min ratio median $minmedian"
}
LOOP='i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done'
PIPE='head -c 50000000 /dev/zero | cat > /dev/null'
compare "sleep 0.1" "sleep 0.1" sleep 0.1
compare "sh busy loop" "sh -c '$LOOP'" sh -c "$LOOP"
compare "pipe 50 MB" "sh -c '$PIPE'" sh -c "$PIPE"

echo "== cost of sampling one JVM process every 100 ms for 20 s =="
"$JAVA" -Xmx64m -cp target/test-classes io.perfplan.core.sampling.fixtures.HoldMemory 10 60000 >/dev/null &
TARGET=$!
sleep 1
"$JAVA" $JOPTS -cp "$CP" io.perfplan.core.sampling.ProfileBench sampling-cost 100 20 "$TARGET" \
  | sed 's/^/  /'
kill "$TARGET" 2>/dev/null || true
echo "  (target: sampler_thread_core_percent and jvm_core_percent - jvm_idle_core_percent under 1)"
