#!/bin/bash
# test_cluster_malicious.sh BIN: five cctsa-node-faults processes; node5 is a malicious node that,
# after the DKG (its first 80 frames to each peer pass; the DKG takes about 40-60), flips a bit in
# the body of every frame it sends (mesh fault hook, corrupt-body). Asserts: the DKG reaches ACTIVE;
# the honest nodes name node5 as a culprit and keep it out (/health: excluded, with the reason);
# every request through a gateway of the four honest nodes gets a token that openssl verifies.
set -u
. "$(dirname "$0")/cluster_lib.sh"
tsa_test_setup "$1" cluster-malicious
cd "$WORK" || exit 1
"$BIN/cctsa" ca init --dir ca >/dev/null 2>&1 || { echo "cannot make the dev CA"; exit 1; }
printf 'attest.provider = sim\n' >cluster.conf
NODE_BIN=$BIN/cctsa-node-faults
cl_ports
for i in 1 2 3 4; do cl_start_node "$i" cluster.conf; done
cl_start_node 5 cluster.conf --fault corrupt-body@node1,after=80 --fault corrupt-body@node2,after=80 \
  --fault corrupt-body@node3,after=80 --fault corrupt-body@node4,after=80
cl_start_gateway || exit 1
check "the DKG reaches ACTIVE before node5 turns malicious" cl_wait 240 cl_health key_state ACTIVE
for k in $(seq 20); do cl_ts classic warm$k >/dev/null 2>&1; done # sessions with node5 in them
check "node5 corrupted frames (fault hook active)" grep -q 'fault: flipping a body bit' node5.err
named() { curl -s "$URL/health" | grep -qE '"name":"node5"[^}]*"excluded":true[^}]*"reason":"culprit: '; }
check "/health names node5 as an excluded culprit" cl_wait 30 named
"$BIN/cctsa-gateway" --node "unix:$PWD/n1.sock" --node "unix:$PWD/n2.sock" --node "unix:$PWD/n3.sock" \
  --node "unix:$PWD/n4.sock" --listen 127.0.0.1:0 >gw4.out 2>gw4.err &
PIDS+=($!)
cl_wait 10 grep -q 'listening on' gw4.out
URL=$(grep -o 'http://127.0.0.1:[0-9]*' gw4.out | head -1)
honest_all() { for k in $(seq 10); do cl_ts classic h$k || return 1; done; }
check "signing continues: 10 of 10 tokens through the honest nodes verify" honest_all

echo "test_cluster_malicious: $pass passed, $fail failed"
if [ "$fail" -ne 0 ]; then
  rm -rf /tmp/cctsa-test_cluster_malicious-last && cp -r "$WORK" /tmp/cctsa-test_cluster_malicious-last
  echo "logs kept in /tmp/cctsa-test_cluster_malicious-last"
  exit 1
fi
