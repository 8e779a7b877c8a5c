# cluster_lib.sh: sourced by the cluster tests (tests/cluster/*.sh). Five processes (node1..node5)
# on loopback: free TCP ports for the mesh, each process's logs in nodeI.out / nodeI.err of the
# current folder. Builds on tests/gateway/tsa_lib.sh (tsa_test_setup: BIN, WORK, PIDS killed on exit;
# check "what" command...).
#
#   cl_ports                      MESH_PORT[1..5]: free loopback ports
#   cl_mesh_args I                the --name/--mesh/--peer arguments of node I
#   cl_start I PROG ARGS...       start PROG (cl_mesh_args I) ARGS..., logs nodeI.out/err; PID[I]
#   cl_stop I [SIGNAL]            signal node I (default TERM) and reap it
#   cl_wait SECONDS CMD...        retry CMD every 0.2 s until it succeeds or SECONDS pass
#   cl_count FILE REGEX           lines of FILE matching the extended REGEX
#   cl_more FILE REGEX N          true if more than N lines of FILE match (for cl_wait)
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
  "$prog" "${args[@]}" "$@" >"node$i.out" 2>"node$i.err" &
  PID[i]=$!
  PIDS+=($!)
}

cl_stop() {
  local i=$1 sig=${2:-TERM}
  kill -"$sig" "${PID[i]}" 2>/dev/null
  [ "$sig" = STOP ] || [ "$sig" = CONT ] || wait "${PID[i]}" 2>/dev/null
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
