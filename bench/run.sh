#!/usr/bin/env bash
# Relay benchmark: the same load against the fake upstream directly, through nginx, and through
# Relay, in one run, so the table reads as ratios rather than absolute times (shared 2-core
# machines drift). Not a test: it prints a table and exits.
#
#   bash bench/run.sh            # full matrix, 8 s per cell
#   BENCH_SECONDS=3 bash bench/run.sh   # quicker, noisier
#   BENCH_WARMUP=5                     # seconds of warm-up per target and body shape (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_CELL=${BENCH_SECONDS:-8}
WORK=$(mktemp -d /tmp/relay-bench.XXXXXX)
UPSTREAM_PORT=19101 NGINX_PORT=19102 RELAY_PORT=19100
ADMIN_TOKEN="bench-admin-$(date +%s%N)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2 (Debian package)"; apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx

echo "building (Release)…"
dotnet publish bench/Relay.Bench.Upstream -c Release -o "$WORK/upstream" --nologo -v q >/dev/null
dotnet publish src/Relay.Server -c Release -o "$WORK/relay" --nologo -v q >/dev/null

wait_for() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "not up: $1"; exit 1; }

"$WORK/upstream/Relay.Bench.Upstream" --urls "http://127.0.0.1:$UPSTREAM_PORT" >"$WORK/upstream.log" 2>&1 & PIDS+=($!)
sed -e "s#@WORK@#$WORK#g" -e "s#@UPSTREAM_PORT@#$UPSTREAM_PORT#g" -e "s#@NGINX_PORT@#$NGINX_PORT#g" bench/nginx.conf.template >"$WORK/nginx.conf"
mkdir -p "$WORK/nginx-body" "$WORK/nginx-proxy"
nginx -c "$WORK/nginx.conf" & PIDS+=($!)
# exec: the recorded PID is Relay's own, so cleanup stops it and /proc/PID reports its memory.
(cd "$WORK" && RELAY_URLS="http://127.0.0.1:$RELAY_PORT" RELAY_DATA_DIR="$WORK/data" RELAY_ADMIN_TOKEN="$ADMIN_TOKEN" \
  Logging__LogLevel__Default=Warning exec "$WORK/relay/relay" >"$WORK/relay.log" 2>&1) & PIDS+=($!)
RELAY_PROC=$!
wait_for "http://127.0.0.1:$RELAY_PORT/healthz"

api() { curl -fsS -H "Authorization: Bearer $ADMIN_TOKEN" -H "content-type: application/json" "$@"; }
api -X POST "http://127.0.0.1:$RELAY_PORT/api/accounts" \
  -d "{\"name\":\"bench\",\"baseUrl\":\"http://127.0.0.1:$UPSTREAM_PORT\",\"secret\":\"sk-ant-bench\"}" >/dev/null
KEY=$(api -X POST "http://127.0.0.1:$RELAY_PORT/api/keys" -d '{"name":"bench"}' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).key))')

# Bodies: "stream" right after "model" (the fake upstream looks at the first bytes only).
make_body() { # size-bytes stream(true|false) file
  node -e '
    const [size, stream, file] = process.argv.slice(1);
    const head = `{"model":"claude-sonnet-4-5","stream":${stream},"max_tokens":64,"messages":[{"role":"user","content":"`;
    const tail = `"}]}`;
    const pad = Math.max(0, Number(size) - head.length - tail.length);
    require("fs").writeFileSync(file, head + "x".repeat(pad) + tail);' "$1" "$2" "$3"
}
for size in 1024 512000; do for stream in false true; do make_body $size $stream "$WORK/body-$size-$stream.json"; done; done

# One wrk run → "p50_ms p99_ms rps errors"
run_wrk() { # url conns body
  local threads=1; [ "$2" -gt 1 ] && threads=2
  BENCH_BODY="$3" BENCH_KEY="$KEY" wrk -t"$threads" -c"$2" -d"${SECONDS_PER_CELL}s" --latency -s bench/post.lua "$1" 2>&1 | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    /Non-2xx/ { errs = $NF } /Socket errors/ { errs = errs "+sock" }
    END { printf "%.3f %.3f %.0f %s\n", p50, p99, rps, (errs == "" ? 0 : errs) }'
}

# Warm every target on every body shape: .NET compiles hot paths in tiers (with profile-guided
# optimisation), so the first seconds of a fresh process are not its steady state. nginx and the
# upstream get the same warm-up, so nothing is favoured.
echo "warming up…"
for url in "http://127.0.0.1:$UPSTREAM_PORT" "http://127.0.0.1:$NGINX_PORT" "http://127.0.0.1:$RELAY_PORT"; do
  for body in "$WORK"/body-*.json; do
    BENCH_BODY="$body" BENCH_KEY="$KEY" wrk -t2 -c64 -d"${BENCH_WARMUP:-3}s" -s bench/post.lua "$url/v1/messages" >/dev/null
  done
done

printf '\n| body | stream | conc | direct p50 / p99 ms | nginx p50 / p99 ms | relay p50 / p99 ms | relay added p50 / p99 ms | rps direct / nginx / relay | relay ÷ nginx rps | errors (d/n/r) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for size in 1024 512000; do
  for stream in false true; do
    for conns in 1 64; do
      body="$WORK/body-$size-$stream.json"
      read -r d50 d99 drps derr < <(run_wrk "http://127.0.0.1:$UPSTREAM_PORT/v1/messages" $conns "$body")
      read -r n50 n99 nrps nerr < <(run_wrk "http://127.0.0.1:$NGINX_PORT/v1/messages" $conns "$body")
      read -r r50 r99 rrps rerr < <(run_wrk "http://127.0.0.1:$RELAY_PORT/v1/messages" $conns "$body")
      label=$([ $size = 1024 ] && echo "1 KB" || echo "500 KB")
      awk -v l="$label" -v s="$stream" -v c="$conns" -v d50="$d50" -v d99="$d99" -v n50="$n50" -v n99="$n99" -v r50="$r50" -v r99="$r99" \
          -v drps="$drps" -v nrps="$nrps" -v rrps="$rrps" -v e="$derr/$nerr/$rerr" 'BEGIN {
        printf "| %s | %s | %s | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f | %+.3f / %+.3f | %d / %d / %d | %.2f× | %s |\n",
          l, s, c, d50, d99, n50, n99, r50, r99, r50-d50, r99-d99, drps, nrps, rrps, (nrps > 0 ? rrps/nrps : 0), e }'
    done
  done
done

if [ -n "${RELAY_PROC:-}" ] && [ -r "/proc/$RELAY_PROC/status" ]; then
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$RELAY_PROC/status"); hwm=$(awk '/VmHWM/ {print $2}' "/proc/$RELAY_PROC/status")
  printf '\nRelay working set: %d MB now, %d MB peak\n' $((rss/1024)) $((hwm/1024))
fi
reqs=$(api "http://127.0.0.1:$RELAY_PORT/api/usage" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).total.requests))' || echo "?")
echo "Usage events recorded by Relay during the run: $reqs"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo); $SECONDS_PER_CELL s per cell; wrk -t1 -c1 / -t2 -c64"
