#!/usr/bin/env bash
# bench_gateway.sh: HTTP throughput and tail latency of the development TSA (cctsa-gateway in
# front of cctsa-node --dev, local signers, over a unix socket) under wrk at 16, 256 and 2048 connections, for GET /health (the
# baseline: the same server with no signing, measured in the same run), POST /tsa/classic and
# POST /tsa/hybrid; ratios are against /health at the same connection count. The signing queue
# is 4096 here so that every connection's request is admitted. Extra rows: 100 ms of simulated
# signing latency (cctsa-node --dev-sign-delay-ms, holding no thread), the shape of a threshold cluster;
# and the default queue (1024) at 2048 connections, where wrk, which ignores Retry-After, gets 503s.
# usage: bench/bench_gateway.sh [BIN_DIR] [--seconds S] [--conns "16 256 2048"] [--gateway PATH --plain]
#   --plain  do not pass the serving-limit options (for a gateway binary that predates them)
set -uo pipefail
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
BIN=build/bin SECS=5 CONNS="16 256 2048" GW= PLAIN=0
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --seconds) SECS=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    --gateway) GW=$2; shift ;;
    --plain) PLAIN=1 ;;
    -*) usage >&2; exit 2 ;;
    *) BIN=$1 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "bench_gateway: wrk not installed (make deps)"; exit 1; }
BIN=$(cd "$BIN" && pwd)
GW=${GW:-$BIN/cctsa-gateway}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/cctsa-gwbench-XXXXXX)
GW_PID= NODE_PID=
cleanup() {
  for p in $GW_PID $NODE_PID; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null

"$BIN/cctsa" ca init --dir "$WORK/ca" >/dev/null || exit 1
echo "cctsa gateway bench" >"$WORK/data"
openssl ts -query -data "$WORK/data" -sha256 -cert -out "$WORK/q.tsq" 2>/dev/null || exit 1

start_gw() { # extra gateway options... (node options in NODE_ARGS)
  local limits=()
  [ "$PLAIN" = 1 ] || limits=(--max-per-client 0 "$@")
  rm -f "$WORK/node.sock" "$WORK/node.out"
  "$BIN/cctsa-node" --dev --dev-ca "$WORK/ca" --listen "unix:$WORK/node.sock" "${NODE_ARGS[@]}" >"$WORK/node.out" 2>/dev/null &
  NODE_PID=$!
  for _ in $(seq 100); do grep -q 'listening on' "$WORK/node.out" 2>/dev/null && break; sleep 0.1; done
  "$GW" --node "unix:$WORK/node.sock" --listen 127.0.0.1:0 "${limits[@]}" >"$WORK/gw.out" 2>/dev/null &
  GW_PID=$!
  for _ in $(seq 100); do grep -q 'listening on' "$WORK/gw.out" 2>/dev/null && break; sleep 0.1; done
  PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/gw.out" | sed 's/.*://')
  [ -n "$PORT" ] || { echo "bench_gateway: gateway did not start"; exit 1; }
}
stop_gw() { kill "$GW_PID" "$NODE_PID"; wait "$GW_PID" "$NODE_PID" 2>/dev/null; GW_PID= NODE_PID=; }
NODE_ARGS=()

run() { # conns path body-file -> "req/s p50 p99 non2xx errors"
  local c=$1 path=$2 body=$3
  WRK_BODY=$body wrk -t 2 -c "$c" -d "${SECS}s" --timeout 10s -s "$HERE/wrk_report.lua" "http://127.0.0.1:$PORT$path" \
    2>/dev/null | sed -n 's/^RESULT //p'
}

row() { # label conns result baseline_rps
  read -r rps p50 p99 bad err <<<"$3"
  printf '%-34s %6s %10s %9s %9s %7s %6s' "$1" "$2" "$rps" "$p50" "$p99" "$bad" "$err"
  [ -n "${4:-}" ] && awk -v a="$rps" -v b="$4" 'BEGIN { if (b > 0) printf "   %.2fx /health", a / b }'
  echo
}

echo "gateway: $GW ($(nproc) cores, wrk 2 threads, ${SECS} s per row)"
echo "2xx/s counts successful answers; non-2xx (503 from a full signing queue) and errors"
echo "(connect/read/write/timeout) are counted apart; latency percentiles cover every answer."
printf '%-34s %6s %10s %9s %9s %7s %6s\n' "request" "conns" "2xx/s" "p50 ms" "p99 ms" "non-2xx" "errors"
start_gw --sign-queue 4096
for c in $CONNS; do
  base=$(run "$c" /health "")
  row "GET /health (baseline)" "$c" "$base"
  b=${base%% *}
  row "POST /tsa/classic" "$c" "$(run "$c" /tsa/classic "$WORK/q.tsq")" "$b"
  row "POST /tsa/hybrid" "$c" "$(run "$c" /tsa/hybrid "$WORK/q.tsq")" "$b"
done
stop_gw
if [ "$PLAIN" = 0 ]; then
  NODE_ARGS=(--dev-sign-delay-ms 100)
  start_gw --sign-queue 4096
  NODE_ARGS=()
  for c in $CONNS; do
    [ "$c" -ge 256 ] || continue
    row "POST /tsa/classic, 100 ms signer" "$c" "$(run "$c" /tsa/classic "$WORK/q.tsq")"
  done
  stop_gw
  case " $CONNS " in *" 2048 "*)
    start_gw
    row "POST /tsa/classic, queue 1024" 2048 "$(run 2048 /tsa/classic "$WORK/q.tsq")"
    stop_gw ;;
  esac
fi
