#!/bin/bash
# test_cluster_lifecycle.sh BIN: lifecycle gaps on five cctsa-node-faults processes (dev CA, sim
# attestation, audit logs), the measured configuration setting a 2 s culprit cool-down (8 s cap).
# Asserts:
#  - bad cluster.* settings stop the node with an error naming the key (range, order, unknown key);
#  - DKG abort: node5 (--cluster-fault dkg-abort) gives attempt 1 up right after commit-reveal;
#    every node ends that attempt well under the 60 s DKG round timeout (under 20 s), the others
#    naming the aborting party and its reason; in a later attempt node5 sends an abort with a
#    wrong session id: every other node logs it as ignored and the DKG reaches ACTIVE;
#  - renewal: after `renew-cert`, /certs serves new certificates and /binding a record that holds
#    them and `cctsa verify-binding` accepts (the first record held the old ones);
#  - retry: node1's first 3 binding jobs fail (--cluster-fault binding-fail=3): node1 logs the
#    retries with backoff and its /health says the record is pending, then it is made;
#  - cool-down: node5 corrupts its frames (armed fault rules): an honest node excludes it for 2 s,
#    then (named again on probation) for 4 s; the audit logs record the exclusions and the return
#    on probation; /health names node5 excluded, until when, and that a DKG waits for it.
set -u
. "$(dirname "$0")/cluster_lib.sh"
cl_setup "$1" cluster-lifecycle
C="$BIN/cctsa"
NODE_BIN=$BIN/cctsa-node-faults
"$C" operator keygen --alg ecdsa-p384 --out alice.key --pub alice.pub --name alice >>cluster.conf ||
  { echo "cannot make the operator key"; exit 1; }
printf 'cluster.exclude_min_seconds = 2\ncluster.exclude_max_seconds = 8\n' >>cluster.conf

# cluster.* settings are checked before the node starts.
bad_conf() { # NAME SETTINGS REGEX: the node exits non-zero and stderr matches REGEX
  local args
  printf 'attest.provider = sim\n%b' "$2" >"$1.conf"
  mapfile -t args < <(cl_mesh_args 1)
  ! timeout 30 "$NODE_BIN" "${args[@]}" --cluster --config "$1.conf" --listen "unix:$PWD/$1.sock" \
    --dev-ca "$PWD/ca" >"$1.out" 2>"$1.err" && grep -qE "$3" "$1.err"
}
check "cool-down of 0 s: refused, naming the key and range" \
  bad_conf zero 'cluster.exclude_min_seconds = 0\n' 'exclude_min_seconds.*1 to 86400'
check "a maximum below the minimum: refused" \
  bad_conf order 'cluster.exclude_min_seconds = 10\ncluster.exclude_max_seconds = 5\n' 'exclude_max_seconds \(5\) is below'
check "not a number: refused" bad_conf nan 'cluster.exclude_max_seconds = 2x\n' "exclude_max_seconds = '2x'"
check "an unknown cluster.* key: refused" bad_conf unknown 'cluster.exclude_minimum = 3\n' 'unknown setting cluster.exclude_minimum'

mkdir audit
cl_start_node 1 cluster.conf --audit-dir "$PWD/audit" --cluster-fault binding-fail=3
for i in 2 3 4; do cl_start_node "$i" cluster.conf --audit-dir "$PWD/audit"; done
cl_start_node 5 cluster.conf --audit-dir "$PWD/audit" --cluster-fault dkg-abort \
  --fault corrupt-body@node1,armed --fault corrupt-body@node2,armed \
  --fault corrupt-body@node3,armed --fault corrupt-body@node4,armed
cl_start_gateway || exit 1
"$BIN/cctsa-gateway" --node "unix:$PWD/n1.sock" --listen 127.0.0.1:0 >gw1.out 2>gw1.err &
PIDS+=($!)
cl_wait 10 grep -q 'listening on' gw1.out
GW1=$(grep -o 'http://127.0.0.1:[0-9]*' gw1.out | head -1)

# DKG abort
attempt1_done() { for i in 1 2 3 4 5; do grep -q 'DKG epoch 1 attempt 1 failed after' "node$i.err" || return 1; done; }
check "DKG attempt 1 fails on every node" cl_wait 240 attempt1_done
quick() { # every node's attempt 1 ended under 20 s (the DKG round timeout is 60 s)
  local i ms
  for i in 1 2 3 4 5; do
    ms=$(grep -o 'DKG epoch 1 attempt 1 failed after [0-9]*' "node$i.err" | head -1 | grep -o '[0-9]*$')
    echo "node$i: attempt 1 failed after ${ms:-?} ms"
    [ -n "$ms" ] && [ "$ms" -lt 20000 ] || return 1
  done
}
check "node5's abort ended attempt 1 on every node well under the round timeout" quick
named_abort() { for i in 1 2 3 4; do grep -q 'attempt 1 failed after [0-9]* ms: party [0-9] aborted the DKG: fault hook' "node$i.err" || return 1; done; }
check "the others name the aborting party and its reason" named_abort
check "the DKG reaches ACTIVE in a later attempt" cl_wait 300 cl_health key_state ACTIVE
forged_ignored() { for i in 1 2 3 4; do grep -q 'ignored a DKG abort from [0-9a-f]* for another session' "node$i.err" || return 1; done; }
check "node5's abort with a wrong session id: ignored by every other node" forged_ignored
check "node5 sent it (fault hook)" grep -q 'fault hook: sent an abort with a wrong session id' node5.err

# Renewal: the binding record follows the certificates.
check "token before the renewal" cl_ts classic t1
curl -sf "$URL/binding" -o b1.der
names_certs() { # DER PEM: the record holds every certificate of the PEM bundle
  python3 - "$1" "$2" <<'PY'
import base64, re, sys
der = open(sys.argv[1], "rb").read()
pems = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", open(sys.argv[2]).read(), re.S)
sys.exit(0 if pems and all(base64.b64decode("".join(p.split())) in der for p in pems) else 1)
PY
}
check "the first record holds the first certificates" names_certs b1.der t1.certs.pem
"$C" operator sign --key alice.key --command renew-cert --epoch 1 --out renew.cmd
check "renew-cert: node2 renews the certificates" "$C" operator send --node "unix:$PWD/n2.sock" renew.cmd
renewed() { curl -sf "$URL/certs" >r.certs.pem && ! cmp -s t1.certs.pem r.certs.pem; }
check "/certs serves the renewed certificates" cl_wait 60 renewed
pending() { curl -s "$GW1/health" | grep -q '"reason":"binding record pending: attempt [0-9] failed'; }
check "node1's /health: the binding record is pending (retried)" cl_wait 30 pending
check "node1 retries with backoff (2 s, then 4 s)" cl_wait 30 grep -q 'binding record attempt 2 failed: fault hook: binding attempt made to fail (retry in 4000 ms)' node1.err
binding_renewed() { curl -sf "$URL/binding" -o b2.der && names_certs b2.der r.certs.pem; }
check "/binding serves a record holding the renewed certificates" cl_wait 120 binding_renewed
check "the new record verifies (cctsa verify-binding)" "$C" verify-binding b2.der --ca ca/root-ecdsa.pem --ca ca/root-mldsa.pem --config cluster.conf
made1() { curl -sf "$GW1/binding" -o b3.der && names_certs b3.der r.certs.pem; }
check "node1 serves it too after its retries" cl_wait 60 made1
check "node1's /health no longer says pending" bash -c "! curl -s '$GW1/health' | grep -q 'binding record pending'"

# Culprit cool-down: 2 s, doubled when named again on probation.
key5=$(grep -ho 'node key [0-9a-f]*' node5.out node5.err | head -1 | cut -d' ' -f3)
check "node5 printed its node key" test -n "$key5"
cl_stop 5 USR1
check "node5's fault rules are armed" cl_wait 10 grep -q 'FAULT HOOK ARMED' node5.err
twice() { # traffic, then: one honest node excluded node5 for 2 s, and later for 4 s
  cl_ts classic w >/dev/null 2>&1
  local i
  for i in 1 2 3 4; do
    grep -q "node ${key5:0:16} excluded for 2 s (named 1 time;" "node$i.err" &&
      grep -q "node ${key5:0:16} excluded for 4 s (named 2 times;" "node$i.err" && return 0
  done
  return 1
}
check "node5 excluded for 2 s, then 4 s when named again" cl_wait 180 twice
in_health() { # traffic through all, node1's view of node5
  cl_ts classic h >/dev/null 2>&1
  curl -s "$GW1/health" | grep -q '"name":"node5"[^}]*"excluded":true[^}]*"reason":"[^"]*excluded until 20[0-9-]*T[0-9:]*Z ([0-9]* s more, named [0-9] times\?); a DKG waits for it'
}
check "/health names node5 excluded, until when, and that a DKG waits" cl_wait 120 in_health
audited() {
  cat audit/node[1-4].audit | grep -q '"event":"exclusion".*"node":"node5","result":"excluded","seconds":2,"strikes":1' &&
    cat audit/node[1-4].audit | grep -q '"event":"exclusion".*"node":"node5","result":"probation"'
}
check "audit: exclusion (2 s, strike 1) and the return on probation" cl_wait 30 audited
check "probation logged" grep -q "node ${key5:0:16} back on probation after its cool-down" node1.err node2.err node3.err node4.err
for i in 1 2 3 4 5; do cl_stop "$i"; done

cl_finish test_cluster_lifecycle
