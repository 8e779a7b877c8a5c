# cluster_lib.sh: sourced by the cluster tests (tests/cluster/*.sh). Five processes (node1..node5)
# on loopback: free TCP ports for the mesh, each process's logs in nodeI.out / nodeI.err of the
# current folder. Builds on tests/gateway/tsa_lib.sh (tsa_test_setup: BIN, WORK, PIDS killed on exit;
# check "what" command...).
#
#   cl_setup BIN_DIR NAME         tsa_test_setup, cd into WORK, a dev CA in ./ca, ./cluster.conf (sim
#                                 provider), cl_ports
#   cl_finish NAME                print the counts; on failure (or with CCTSA_KEEP_LOGS set) keep the logs
#                                 in /tmp/cctsa-NAME-last (WORK/log: each check with its second); exit 1 on failure
#   cl_ports                      MESH_PORT[1..5]: free loopback ports
#   cl_mesh_args I                the --name/--mesh/--peer arguments of node I
#   cl_start I PROG ARGS...       start PROG (cl_mesh_args I) ARGS..., logs nodeI.out/err; PID[I]
#   cl_stop I [SIGNAL]            signal node I (default TERM) and reap it (not for STOP, CONT, USR1)
#   cl_wait SECONDS CMD...        retry CMD every 0.2 s until it succeeds or SECONDS pass
#   cl_count FILE REGEX           lines of FILE matching the extended REGEX
#   cl_more FILE REGEX N          true if more than N lines of FILE match (for cl_wait)
#   cl_start_node I CONF [ARGS]   cctsa-node --cluster node I (config CONF, dev CA ./ca, socket ./nI.sock);
#                                 NODE_BIN overrides the binary (e.g. cctsa-node-faults)
#   cl_start_gateway [ARGS]       cctsa-gateway in front of the five sockets; sets URL, GW_PID
#   cl_health FIELD VALUE         the gateway's /health has "FIELD":"VALUE"
#   cl_ts PROFILE NAME            openssl ts -query | curl URL/tsa/PROFILE | openssl ts -verify (ECDSA root,
#                                 /certs as untrusted); files NAME.tsq NAME.tsr
. "$(dirname "${BASH_SOURCE[0]}")/../gateway/tsa_lib.sh"

CL_N=5
declare -a MESH_PORT PID

cl_ports() {
  local i=1 p
  for p in $(python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))'); do
    MESH_PORT[i]=$p
    i=$((i + 1))
  done
}

cl_mesh_args() {
  local i=$1 j
  printf '%s\n' --name "node$i" --mesh "tcp:127.0.0.1:${MESH_PORT[i]}"
  for j in $(seq $CL_N); do
    [ "$j" = "$i" ] || printf '%s\n' --peer "node$j=tcp:127.0.0.1:${MESH_PORT[j]}"
  done
}

cl_start() {
  local i=$1 prog=$2 args
  shift 2
  mapfile -t args < <(cl_mesh_args "$i")
  rm -f "node$i.out" "node$i.err" # before the background start: no check may read the old logs
  "$prog" "${args[@]}" "$@" >"node$i.out" 2>"node$i.err" &
  PID[i]=$!
  PIDS+=($!)
}

cl_stop() {
  local i=$1 sig=${2:-TERM}
  kill -"$sig" "${PID[i]}" 2>/dev/null
  case $sig in STOP | CONT | USR1) ;; *) wait "${PID[i]}" 2>/dev/null ;; esac
  return 0
}

cl_wait() {
  local secs=$1 end
  shift
  end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.2
  done
}

cl_count() {
  grep -Ec "$2" "$1" 2>/dev/null || true
}

cl_more() {
  [ "$(cl_count "$1" "$2")" -gt "$3" ]
}

cl_start_node() {
  local i=$1 conf=$2
  shift 2
  rm -f "n$i.sock"
  cl_start "$i" "${NODE_BIN:-$BIN/cctsa-node}" --cluster --config "$conf" --listen "unix:$PWD/n$i.sock" --dev-ca "$PWD/ca" "$@"
}

cl_start_gateway() {
  local i args=()
  for i in $(seq $CL_N); do args+=(--node "unix:$PWD/n$i.sock"); done
  "$BIN/cctsa-gateway" "${args[@]}" --listen 127.0.0.1:0 "$@" >gw.out 2>gw.err &
  GW_PID=$!
  PIDS+=($!)
  cl_wait 10 grep -q 'listening on' gw.out || { echo "the gateway did not start:"; cat gw.err; return 1; }
  URL=$(grep -o 'http://127.0.0.1:[0-9]*' gw.out | head -1)
}

cl_health() {
  curl -s "$URL/health" | grep -q "\"$1\":\"$2\""
}

cl_ts() {
  local profile=$1 name=$2
  echo "cl_ts $profile $name" >"$name.txt"
  openssl ts -query -data "$name.txt" -sha384 -cert -out "$name.tsq" 2>/dev/null &&
    curl -sf -H 'Content-Type: application/timestamp-query' --data-binary "@$name.tsq" "$URL/tsa/$profile" >"$name.tsr" &&
    curl -sf "$URL/certs" >"$name.certs.pem" &&
    openssl ts -verify -in "$name.tsr" -queryfile "$name.tsq" -CAfile ca/root-ecdsa.pem -untrusted "$name.certs.pem"
}

cl_setup() {
  tsa_test_setup "$1" "$2"
  cd "$WORK" || exit 1
  "$BIN/cctsa" ca init --dir ca >/dev/null 2>&1 || { echo "cannot make the dev CA"; exit 1; }
  printf 'attest.provider = sim\n' >cluster.conf
  cl_ports
}

cl_finish() {
  echo "$1: $pass passed, $fail failed (${SECONDS} s)"
  [ "$fail" -eq 0 ] && [ -z "${CCTSA_KEEP_LOGS:-}" ] && return 0
  rm -rf "/tmp/cctsa-$1-last" && cp -r "$WORK" "/tmp/cctsa-$1-last"
  echo "logs kept in /tmp/cctsa-$1-last"
  [ "$fail" -eq 0 ] || exit 1
}
