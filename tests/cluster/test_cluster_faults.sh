#!/bin/bash
# test_cluster_faults.sh BIN: five cctsa-node-faults processes (the same test binary, so one
# measurement) where node1 is a lying coordinator that puts genTime 5 s off (--cluster-fault
# gentime=5000) and node2 one that asks participants to sign bytes that do not rebuild
# (--cluster-fault tamper-tbs). Asserts: the DKG still reaches ACTIVE; a request through a gateway
# that only knows node1 (or node2) gets no token, and the honest participants log the refusal;
# tokens through the honest nodes (3, 4, 5) still verify with openssl.
set -u
. "$(dirname "$0")/cluster_lib.sh"
cl_setup "$1" cluster-faults
NODE_BIN=$BIN/cctsa-node-faults
cl_start_node 1 cluster.conf --cluster-fault gentime=5000
cl_start_node 2 cluster.conf --cluster-fault tamper-tbs
for i in 3 4 5; do cl_start_node "$i" cluster.conf; done
cl_start_gateway || exit 1
check "the DKG reaches ACTIVE with two lying coordinators among the five" cl_wait 240 cl_health key_state ACTIVE
ALL=$URL

# A gateway in front of one liar only: its request must not be signed.
one_gateway() {
  "$BIN/cctsa-gateway" --node "unix:$PWD/n$1.sock" --listen 127.0.0.1:0 >"gw$1.out" 2>"gw$1.err" &
  PIDS+=($!)
  cl_wait 10 grep -q 'listening on' "gw$1.out" && grep -o 'http://127.0.0.1:[0-9]*' "gw$1.out" | head -1
}
no_token() { # URL NAME
  echo "$2" >"$2.txt"
  openssl ts -query -data "$2.txt" -sha384 -cert -out "$2.tsq" 2>/dev/null
  code=$(curl -s -o "$2.tsr" -w '%{http_code}' -H 'Content-Type: application/timestamp-query' --data-binary "@$2.tsq" "$1/tsa/classic")
  echo "HTTP $code"
  [ "$code" != 200 ] || ! openssl ts -reply -in "$2.tsr" -text 2>/dev/null | grep -q 'Status: Granted'
}
U1=$(one_gateway 1)
U2=$(one_gateway 2)
check "genTime 5 s off: no token from the lying coordinator" no_token "$U1" liar1
check "an honest participant refused the genTime" cl_wait 10 grep -qE 'participant refused a token session|refused a START' node3.err node4.err node5.err
check "bytes that do not rebuild: no token from the lying coordinator" no_token "$U2" liar2
URL=$ALL
refusals() { [ "$(cat node3.err node4.err node5.err | grep -cE 'participant refused a token session|refused a START')" -ge 2 ]; }
check "honest participants refused both liars" cl_wait 10 refusals
# Honest coordinators still sign (a gateway with nodes 3..5 only).
"$BIN/cctsa-gateway" --node "unix:$PWD/n3.sock" --node "unix:$PWD/n4.sock" --node "unix:$PWD/n5.sock" --listen 127.0.0.1:0 >gw3.out 2>gw3.err &
PIDS+=($!)
cl_wait 10 grep -q 'listening on' gw3.out
URL=$(grep -o 'http://127.0.0.1:[0-9]*' gw3.out | head -1)
check "honest coordinators still issue tokens (openssl ts -verify)" cl_wait 20 cl_ts classic honest

cl_finish test_cluster_faults
