#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on 127.0.0.1 for the tests and prints its JDBC URL.
# Installs Debian's postgresql when no server binary is present. Usage: url=$(.ci/start-postgres.sh)
set -euo pipefail
port=${PERFPLAN_TEST_PG_PORT:-55432}
# take the next free port when that one is in use (another server, a previous run)
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
bin=""
for c in "$(command -v postgres 2>/dev/null || true)" /usr/lib/postgresql/*/bin/postgres; do
  if [ -n "$c" ] && [ -x "$c" ]; then bin=$(dirname "$c"); break; fi
done
if [ -z "$bin" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  for c in /usr/lib/postgresql/*/bin/postgres; do bin=$(dirname "$c"); break; done
fi
dir=$(mktemp -d /tmp/perfplan-pg.XXXXXX)
chmod 755 "$dir"
user=$(id -un)
run() { "$@"; }
if [ "$(id -u)" = 0 ]; then # PostgreSQL refuses to run as root
  user=nobody
  chown nobody "$dir"
  run() { su -s /bin/sh nobody -c "$(printf '%q ' "$@")"; }
fi
run "$bin/initdb" -D "$dir/data" -U perfplan --auth=trust -E UTF8 >/dev/null
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
echo "jdbc:postgresql://127.0.0.1:$port/postgres?user=perfplan"
