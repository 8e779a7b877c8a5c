#!/bin/bash
# test_cluster_e2e.sh BIN: five cctsa-node --cluster processes + cctsa-gateway on loopback.
# Asserts: a node with a changed configuration (another measurement) keeps the DKG from starting
# and /health names it and the reason (and /metrics counts it); with all five equal, the DKG on boot reaches ACTIVE;
# `openssl ts -query | curl | openssl ts -verify` through the gateway (classic and compat, against
# the dev CA root and GET /certs); our verifier accepts a hybrid token with both roots; GET /binding
# serves a binding record that `cctsa verify-binding` accepts;
# SIGSTOP of 3 nodes: SUSPENDED and 503, SIGCONT: signing resumes with the
# same certificates; killing 1 then 2 nodes: DEGRADED then CRITICAL, tokens still issued; a 3rd:
# no signing and 503; the three restarted (no shares): LOST, a new DKG (epoch 2) with new
# certificates whose tokens verify, while an epoch-1 token still verifies under epoch 1's.
set -u
. "$(dirname "$0")/cluster_lib.sh"
cl_setup "$1" cluster-e2e
printf 'attest.provider = sim\n# changed\n' >changed.conf
for i in 1 2 3 4; do cl_start_node "$i" cluster.conf; done
cl_start_node 5 changed.conf
cl_start_gateway || exit 1

# A changed configuration: refused, no DKG, /health names the node and the reason.
names_refusal() { curl -s "$URL/health" | grep -q '"name":"node5"[^}]*"link":"refused"[^}]*"reason":"\(refused us: \)\?attestation: measurement'; }
check "health names node5 as refused for its measurement" cl_wait 30 names_refusal
check "/metrics counts the refused evidence by reason (measurement)" bash -c "curl -s '$URL/metrics' | grep -qE 'cctsa_attestation_failures_total\\{[^}]*reason=\"measurement\"[^}]*\\} [1-9]'"
check "no DKG starts with a refused node" bash -c "! grep -q 'DKG epoch 1 attempt' node1.err"
cl_stop 5
T0=$SECONDS
cl_start_node 5 cluster.conf
check "the DKG on boot reaches ACTIVE" cl_wait 240 cl_health key_state ACTIVE
echo "test_cluster_e2e: ACTIVE $((SECONDS - T0)) s after the fifth node started" | tee -a "$WORK/log"
check "HEALTHY with five nodes" cl_wait 10 cl_health availability HEALTHY
check "openssl ts round trip (classic)" cl_ts classic c1
check "openssl ts round trip (compat)" cl_ts compat c2
echo hybrid >h.txt
check "cctsa stamp + verify (hybrid, both roots)" bash -c "'$BIN/cctsa' stamp h.txt --url '$URL/tsa' --profile hybrid -o h.tsr && '$BIN/cctsa' verify h.tsr --data h.txt --ca ca/root-ecdsa.pem --ca ca/root-mldsa.pem --require both"
check "GET /binding serves a record that cctsa verify-binding accepts" bash -c "curl -sf '$URL/binding' -o binding.der && '$BIN/cctsa' verify-binding binding.der --ca ca/root-ecdsa.pem --ca ca/root-mldsa.pem --config cluster.conf"

# SIGSTOP three nodes: the two left see a partition (SUSPENDED); SIGCONT: the same key signs again.
for i in 3 4 5; do cl_stop "$i" STOP; done
check "three stopped nodes: SUSPENDED" cl_wait 30 cl_health availability SUSPENDED
check "SUSPENDED: a request is answered 503" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/timestamp-query' --data-binary @c1.tsq '$URL/tsa/classic')\" = 503 ]"
for i in 3 4 5; do cl_stop "$i" CONT; done
check "SIGCONT: HEALTHY again" cl_wait 60 cl_health availability HEALTHY
check "SIGCONT: signing resumes" cl_ts classic c3
check "SIGCONT: the same certificates" cmp c1.certs.pem c3.certs.pem

# Kill one, two, three nodes.
cl_stop 5 KILL
check "one node killed: DEGRADED" cl_wait 30 cl_health availability DEGRADED
check "DEGRADED: still issuing" cl_ts classic d1
cl_stop 4 KILL
check "two nodes killed: CRITICAL" cl_wait 30 cl_health availability CRITICAL
check "CRITICAL: still issuing" cl_ts compat d2
cl_stop 3 KILL
check "three nodes gone: not signing (SUSPENDED until they are seen restarted)" cl_wait 30 cl_health availability SUSPENDED
check "a request is answered 503" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/timestamp-query' --data-binary @c1.tsq '$URL/tsa/classic')\" = 503 ]"
# Restarted, they have no share: LOST, the epoch retires, a new DKG and new certificates follow.
for i in 3 4 5; do cl_start_node "$i" cluster.conf; done
check "restarted without shares: LOST (the epoch retires)" cl_wait 60 grep -qE 'availability LOST|\(LOST\)' node1.err
new_epoch() { curl -s "$URL/health" | grep -q '"key_epoch":2,"key_state":"ACTIVE"'; }
check "a new DKG: epoch 2 ACTIVE" cl_wait 240 new_epoch
check "epoch 2 issues tokens" cl_ts classic e2
check "epoch 2 has new certificates" bash -c '! cmp -s c1.certs.pem e2.certs.pem'
check "an epoch-1 token still verifies under the epoch-1 certificates" \
  openssl ts -verify -in d1.tsr -queryfile d1.tsq -CAfile ca/root-ecdsa.pem -untrusted d1.certs.pem

[ "$fail" -eq 0 ] || curl -s "$URL/health"
cl_finish test_cluster_e2e
