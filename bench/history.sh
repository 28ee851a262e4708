#!/usr/bin/env bash
# History at scale (issue 11): 100,000 runs and 2,000,000 metric rows in H2; medians of
# `history --plan X --limit 50` and `trend X METRIC --last 1000` with JVM start excluded, and H2's
# query plans. The seeded database is kept in target/bench-history-db so later sessions skip seeding.
#   bench/history.sh [RUNS] [ROUNDS]      (defaults 100000 and 15)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -DskipTests test-compile
mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="target/classes:target/test-classes:$(cat target/bench.classpath)"
java -Xmx1g -cp "$CP" io.perfplan.cli.HistoryBench target/bench-history-db "${1:-100000}" "${2:-15}"
