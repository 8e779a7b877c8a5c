#!/bin/bash
# test_cluster_time.sh BIN: trusted time part 2 on five real cctsa-node-faults processes (host clock,
# time probes every second), one cctsa-gateway per node so tokens are requested through every
# node's endpoint. Faults (--fault time-offset, from the first ACTIVE epoch on):
#   phase 1: node5's clock +5 s for 25 s: node5 shows EXCLUDED (its /health), its peers see it not
#     reachable ("time not trusted") and measure its offset (~5 s, /metrics); node5 issues nothing
#     and counts its refusals; nodes 1-4 keep issuing; after the fault node5 rejoins and issues;
#   phase 2: nodes 3 and 4 +5 s (colluding, same side) for 25 s (from 50 s): both EXCLUDED, nodes 1, 2 and 5
#     keep issuing, 3 and 4 issue nothing; both rejoin after it.
# Every token issued by any node in any phase has a genTime within 1 s of this script's clock
# (whole-second genTime: reference - 1 <= genTime <= time of the answer + 1).
set -u
. "$(dirname "$0")/cluster_lib.sh"
tsa_test_setup "$1" cluster-time
cd "$WORK" || exit 1
"$BIN/cctsa" ca init --dir ca >/dev/null 2>&1 || { echo "cannot make the dev CA"; exit 1; }
printf 'attest.provider = sim\n' >cluster.conf
cl_ports
NODE_BIN=$BIN/cctsa-node-faults
for i in 1 2; do cl_start_node "$i" cluster.conf --time-probe-ms 1000; done
for i in 3 4; do cl_start_node "$i" cluster.conf --time-probe-ms 1000 --fault time-offset=5000:after=50:for=25; done
cl_start_node 5 cluster.conf --time-probe-ms 1000 --fault time-offset=5000:after=5:for=25

declare -a GW
for i in 1 2 3 4 5; do
  "$BIN/cctsa-gateway" --node "unix:$PWD/n$i.sock" --listen 127.0.0.1:0 >"gw$i.out" 2>"gw$i.err" &
  PIDS+=($!)
  cl_wait 10 grep -q 'listening on' "gw$i.out" || { echo "gateway $i did not start"; cat "gw$i.err"; exit 1; }
  GW[i]=$(grep -o 'http://127.0.0.1:[0-9]*' "gw$i.out" | head -1)
done

health_has() { curl -s "${GW[$1]}/health" | grep -q "$2"; }
excluded() { health_has "$1" '"node_state":"EXCLUDED"'; }
serving() { health_has "$1" '"node_state":"SERVING"'; }

# One request through node I; prints "granted" or "refused"; a granted token whose genTime is
# outside [reference - 1 s, answer + 1 s] is recorded in bad.txt.
N=0
stamp() {
  local i=$1 f t0 t1 gen
  N=$((N + 1))
  f=t$N
  echo "token $N via node$i" >"$f.txt"
  openssl ts -query -data "$f.txt" -sha384 -cert -out "$f.tsq" 2>/dev/null
  t0=$(date +%s)
  curl -s -H 'Content-Type: application/timestamp-query' --data-binary "@$f.tsq" "${GW[i]}/tsa/classic" >"$f.tsr"
  t1=$(date +%s)
  if ! openssl ts -reply -in "$f.tsr" -text 2>/dev/null | grep -q 'Status: Granted'; then
    echo refused
    return
  fi
  gen=$(date -u -d "$(openssl ts -reply -in "$f.tsr" -text | sed -n 's/^Time stamp: //p')" +%s)
  if [ "$gen" -lt $((t0 - 1)) ] || [ "$gen" -gt $((t1 + 1)) ]; then
    echo "node$i token $N: genTime $gen outside [$((t0 - 1)), $((t1 + 1))]" >>bad.txt
  fi
  echo granted
}
# How many of K requests through node I were granted.
granted() {
  local i=$1 k=$2 n=0 j
  for j in $(seq "$k"); do [ "$(stamp "$i")" = granted ] && n=$((n + 1)); done
  echo "$n"
}
: >bad.txt

check "the DKG on boot reaches ACTIVE" cl_wait 300 health_has 1 '"key_state":"ACTIVE"'
check "the development host clock is reported" health_has 1 '"time_source":"development"'

# Phase 1: node5 lies.
check "phase 1: node5 EXCLUDED in its own view" cl_wait 40 excluded 5
peer5_untrusted() { curl -s "${GW[1]}/health" | grep -q '"name":"node5"[^}]*"reachable":false[^}]*"reason":"time not trusted"'; }
check "phase 1: node1 sees node5 as not time-trusted" cl_wait 10 peer5_untrusted
offset5() { curl -s "${GW[1]}/metrics" | grep -E 'cctsa_node_peer_offset_seconds\{node="node1",peer="node5"\} (4\.|5\.)'; }
check "phase 1: node1 measures node5's offset (~5 s)" cl_wait 10 offset5
for i in 1 2 3 4; do
  check "phase 1: node$i keeps issuing" test "$(granted "$i" 2)" -eq 2
done
check "phase 1: the excluded node5 issues nothing" test "$(granted 5 3)" -eq 0
refused5() { curl -s "${GW[5]}/metrics" | grep -E 'cctsa_time_refusals_total\{node="node5",reason="not_synced"\} [1-9]'; }
check "phase 1: node5 counts its time refusals by reason" refused5
check "phase 1: node5 rejoins after the fault" cl_wait 80 serving 5
check "phase 1: node5 issues again" test "$(granted 5 2)" -eq 2

# Phase 2: nodes 3 and 4 lie together.
check "phase 2: node3 EXCLUDED" cl_wait 90 excluded 3
check "phase 2: node4 EXCLUDED" cl_wait 10 excluded 4
for i in 1 2 5; do
  check "phase 2: node$i keeps issuing" test "$(granted "$i" 2)" -eq 2
done
for i in 3 4; do
  check "phase 2: the excluded node$i issues nothing" test "$(granted "$i" 2)" -eq 0
done
check "phase 2: node3 rejoins after the fault" cl_wait 90 serving 3
check "phase 2: node4 rejoins after the fault" cl_wait 20 serving 4
for i in 3 4; do
  check "phase 2: node$i issues again" test "$(granted "$i" 1)" -eq 1
done

check "no issued token is out of tolerance" test ! -s bad.txt
cat bad.txt >&2
[ "$fail" -eq 0 ] || tail -n 20 node*.err >&2
cl_finish test_cluster_time
