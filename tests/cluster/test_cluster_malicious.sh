#!/bin/bash
# test_cluster_malicious.sh BIN: five cctsa-node-faults processes; node5 is a malicious node that,
# once the DKG is done (its "armed" fault rules start on SIGUSR1), flips a bit in the body of every
# frame it sends (mesh fault hook, corrupt-body). Asserts: the DKG reaches ACTIVE;
# the honest nodes name node5's node key as a culprit and keep it out (logged with the reason; each
# node excludes on its own evidence, so /health, one node's view, may not show it yet);
# every request through a gateway of the four honest nodes gets a token that openssl verifies.
set -u
. "$(dirname "$0")/cluster_lib.sh"
cl_setup "$1" cluster-malicious
NODE_BIN=$BIN/cctsa-node-faults
for i in 1 2 3 4; do cl_start_node "$i" cluster.conf; done
cl_start_node 5 cluster.conf --fault corrupt-body@node1,armed --fault corrupt-body@node2,armed \
  --fault corrupt-body@node3,armed --fault corrupt-body@node4,armed
cl_start_gateway || exit 1
check "the DKG reaches ACTIVE before node5 turns malicious" cl_wait 240 cl_health key_state ACTIVE
cl_stop 5 USR1 # arms its fault rules
check "node5's fault rules are armed" cl_wait 10 grep -q 'FAULT HOOK ARMED' node5.err
for k in $(seq 20); do cl_ts classic warm$k >/dev/null 2>&1; done # sessions with node5 in them
check "node5 corrupted frames (fault hook active)" grep -q 'fault: flipping a body bit' node5.err
key5=$(grep -ho 'node key [0-9a-f]*' node5.out node5.err | head -1 | cut -d' ' -f3)
check "node5 printed its node key" test -n "$key5"
named() { grep -q "node ${key5:0:16} excluded for [0-9]* s " node1.err node2.err node3.err node4.err; }
check "honest nodes name node5 (its node key) as a culprit and exclude it" cl_wait 30 named
"$BIN/cctsa-gateway" --node "unix:$PWD/n1.sock" --node "unix:$PWD/n2.sock" --node "unix:$PWD/n3.sock" \
  --node "unix:$PWD/n4.sock" --listen 127.0.0.1:0 >gw4.out 2>gw4.err &
PIDS+=($!)
cl_wait 10 grep -q 'listening on' gw4.out
URL=$(grep -o 'http://127.0.0.1:[0-9]*' gw4.out | head -1)
honest_all() { for k in $(seq 10); do cl_ts classic h$k || return 1; done; }
check "signing continues: 10 of 10 tokens through the honest nodes verify" honest_all

cl_finish test_cluster_malicious
