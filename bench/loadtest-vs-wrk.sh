#!/usr/bin/env bash
# perfplan's load engine against wrk on the same loopback nginx, closed model, 64 connections.
# Alternates the two tools ROUNDS times (default 3) for DURATION seconds each (default 10) and prints
# the medians, the ratio perfplan/wrk and perfplan's peak RSS. Installs wrk and nginx from Debian's
# packages when missing. Traffic stays on 127.0.0.1.
#
# perfplan gets WARMUP seconds (default 2) before its measured DURATION so the JIT has compiled the
# hot path; wrk, a native program, needs none. Both measure DURATION seconds.
#
#   bench/loadtest-vs-wrk.sh            # ROUNDS=3 DURATION=10 CONNECTIONS=64 THREADS=2 WARMUP=2 PORT=18089
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18089}
WARMUP=${WARMUP:-2}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}

have_nginx() { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }
if ! command -v wrk >/dev/null || ! have_nginx; then
  echo "installing wrk and nginx from Debian packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d)
cleanup() {
  if [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/logs"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  server {
    listen 127.0.0.1:$PORT;
    location / { default_type text/plain; return 200 "hello from nginx\n"; }
  }
}
CONF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/"

echo "building test classes..."
mvn -o -q -DskipTests test-compile
mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="target/classes:target/test-classes:$(cat target/bench.classpath)"

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

WRK_RPS=()
PP_RPS=()
PP_RSS=()
for round in $(seq "$ROUNDS"); do
  w=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$URL" | awk '/Requests\/sec/ {print $2}')
  WRK_RPS+=("$w")
  line=$(java $JAVA_OPTS -cp "$CP" io.perfplan.core.load.ClosedLoadBench "$URL" "$CONNECTIONS" "$DURATION" "$THREADS" "$WARMUP" 2>/dev/null | grep '^requests=')
  p=$(sed -E 's/.*throughput=([0-9.]+).*/\1/' <<<"$line")
  rss=$(sed -E 's/.*rss_peak_mb=([0-9.]+).*/\1/' <<<"$line")
  PP_RPS+=("$p")
  PP_RSS+=("$rss")
  echo "round $round: wrk ${w} req/s | perfplan ${p} req/s (${line})"
done

if command -v h2load >/dev/null; then
  echo "h2load (HTTP/1.1): $(h2load --h1 -c"$CONNECTIONS" -t"$THREADS" -D "$DURATION" "$URL" | grep 'finished in')"
fi
if command -v autocannon >/dev/null; then
  echo "autocannon: $(autocannon -c "$CONNECTIONS" -d "$DURATION" "$URL" 2>&1 | grep -E 'requests in')"
fi

wrk_med=$(printf '%s\n' "${WRK_RPS[@]}" | median)
pp_med=$(printf '%s\n' "${PP_RPS[@]}" | median)
rss_max=$(printf '%s\n' "${PP_RSS[@]}" | sort -n | tail -1)
ratio=$(awk -v p="$pp_med" -v w="$wrk_med" 'BEGIN {printf "%.2f", p / w}')
echo
echo "median wrk:      ${wrk_med} req/s   (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds)"
echo "median perfplan: ${pp_med} req/s   (closed model, $CONNECTIONS connections, $THREADS event loops, ${WARMUP}s JIT warm-up not measured)"
echo "ratio perfplan/wrk: ${ratio}   (target >= 0.90)"
echo "perfplan peak RSS: ${rss_max} MB   (target < 300 MB, JAVA_OPTS=$JAVA_OPTS)"
