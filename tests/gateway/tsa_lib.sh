# tsa_lib.sh: sourced by the gateway tests. Starts the two processes of a development TSA:
# cctsa-node (keys, dev CA) on a unix socket and cctsa-gateway (HTTP, no secret) in front of it.
# Needs BIN and a PIDS array in the caller (tsa_test_setup makes both).
#
# start_tsa NAME CA_DIR [NODE ARGS...] [-- GATEWAY ARGS...]
#   node:    logs NAME.node.out / NAME.node.err, socket NAME.sock (in the current folder)
#   gateway: logs NAME.out / NAME.err, a free port on 127.0.0.1
#   sets URL and URL_NAME, NODE_PID_NAME and GW_PID_NAME; appends both pids to PIDS.
start_tsa() {
  local name=$1 ca=$2 node_args=() gw_args=() port
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do node_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  gw_args=("$@")
  start_node "$name" "$ca" "${node_args[@]}" || return 1
  "$BIN/cctsa-gateway" --node "unix:$PWD/$name.sock" --listen 127.0.0.1:0 "${gw_args[@]}" >"$name.out" 2>"$name.err" &
  PIDS+=($!)
  printf -v "GW_PID_$name" '%s' "$!"
  for _ in $(seq 100); do grep -q 'listening on' "$name.out" 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o 'http://127.0.0.1:[0-9]*' "$name.out" | sed 's/.*://')
  [ -n "$port" ] || { echo "gateway $name did not start:"; cat "$name.err"; return 1; }
  URL=http://127.0.0.1:$port
  printf -v "URL_$name" '%s' "$URL"
}

# start_node NAME CA_DIR [NODE ARGS...]: only the node (sets NODE_PID_NAME).
start_node() {
  local name=$1 ca=$2
  shift 2
  rm -f "$name.sock"
  "$BIN/cctsa-node" --dev --dev-ca "$ca" --listen "unix:$PWD/$name.sock" "$@" >"$name.node.out" 2>"$name.node.err" &
  PIDS+=($!)
  printf -v "NODE_PID_$name" '%s' "$!"
  for _ in $(seq 100); do grep -q 'listening on' "$name.node.out" 2>/dev/null && break; sleep 0.1; done
  grep -q 'listening on' "$name.node.out" || { echo "node $name did not start:"; cat "$name.node.err"; return 1; }
}

# tsa_test_setup BIN_DIR NAME: BIN, WORK (a fresh folder, removed on exit), PIDS (killed on exit),
# the pass/fail counters and check "description" command... (output to $WORK/log).
tsa_test_setup() {
  BIN=$(cd "$1" && pwd)
  WORK=$(mktemp -d "/tmp/cctsa-$2-XXXXXX")
  PIDS=()
  pass=0
  fail=0
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT
}
check() {
  local what=$1
  shift
  if "$@" >>"$WORK/log" 2>&1; then
    pass=$((pass + 1))
    echo "[${SECONDS}s] ok: $what" >>"$WORK/log"
  else
    fail=$((fail + 1))
    echo "FAIL: $what" >&2
    echo "[${SECONDS}s] FAIL: $what" >>"$WORK/log"
  fi
}
