#!/bin/bash
# test_cluster_ops.sh BIN: operations on a running 5-node cluster (dev CA, sim attestation), every
# node with --audit-dir. Asserts: JSON logs from node1 and the gateway (--log-format json); tokens
# issued; the audit chain heads get threshold-signed (--audit-head-seconds); a single-signed
# retire is refused (four-eyes) and recorded; a four-eyes retire sent to the five nodes retires
# epoch 1 and a new DKG brings epoch 2 ACTIVE with new certificates that issue tokens; the same
# command again is refused (replay); a four-eyes `compromised` halts signing at once (503);
# `cctsa audit verify` passes on the five logs with both epochs' certificates, and fails naming
# the node and record after one line is altered, and after a record is dropped.
set -u
. "$(dirname "$0")/cluster_lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
cl_setup "$1" cluster-ops
C="$BIN/cctsa"
{
  "$C" operator keygen --alg ecdsa-p384 --out alice.key --pub alice.pub --name alice
  "$C" operator keygen --alg ml-dsa-65 --out bob.key --pub bob.pub --name bob
} >>cluster.conf || { echo "cannot make the operator keys"; exit 1; }
mkdir audit
for i in 1 2 3 4 5; do
  extra=()
  [ "$i" = 1 ] && extra=(--log-format json)
  cl_start_node "$i" cluster.conf --audit-dir "$PWD/audit" --audit-head-seconds 3 "${extra[@]}"
done
cl_start_gateway --log-format json || exit 1
epoch_active() { curl -s "$URL/health" | grep -q "\"key_epoch\":$1,\"key_state\":\"ACTIVE\""; }
check "the DKG on boot reaches epoch 1 ACTIVE" cl_wait 300 epoch_active 1
check "node1 logs JSON (state change with epoch_state)" grep -q '^{"time":"[^"]*","level":"info","component":"cctsa-node","node":"node1".*"epoch_state":"ACTIVE"' node1.err
check "node2 logs text" grep -q '^cctsa-node: node2: epoch 1 ACTIVE' node2.err
check "the gateway logs JSON" grep -q '^{"time":.*"component":"cctsa-gateway".*listening on' gw.err
check "token 1 (classic)" cl_ts classic t1
check "token 2 (compat)" cl_ts compat t2
echo pq >p.txt
check "token 3 (pq)" "$C" stamp p.txt --url "$URL/tsa" --profile pq -o p.tsr
check "every node's log has a dkg record" bash -c 'for i in 1 2 3 4 5; do grep -q "\"event\":\"dkg\".*\"result\":\"ok\"" audit/node$i.audit || exit 1; done'
issued_serials() { # serials of the sign records, less those a refusal marks "not issued" (signed late, re-issued)
  local dropped
  dropped=$(grep -ho '"what":"token [0-9a-f]*","reason":"[^"]*not issued' audit/*.audit | sed 's/.*token \([0-9a-f]*\)".*/\1/')
  grep -ho '"event":"sign".*"serial":"[0-9a-f]*"' audit/*.audit | sed 's/.*"serial":"//; s/"$//' |
    grep -vxF -e "${dropped:-none}" | sort
}
token_serials() { # the serials of the three tokens handed out
  local f
  for f in t1.tsr t2.tsr p.tsr; do
    openssl ts -reply -in "$f" -text 2>/dev/null | sed -n 's/^Serial number: 0x//p' | tr 'A-F' 'a-f'
  done | sort
}
three_issued() { [ "$(token_serials | wc -l)" = 3 ] && [ "$(issued_serials)" = "$(token_serials)" ]; }
check "the coordinators logged three issued signings, the three tokens" three_issued
check "participants logged co-signings" grep -q '"event":"cosign"' audit/node1.audit audit/node2.audit audit/node3.audit audit/node4.audit audit/node5.audit
covered() { # every node's last record is a signed head (and there is one)
  local i
  for i in 1 2 3 4 5; do tail -1 "audit/node$i.audit" | grep -q '"event":"head"' || return 1; done
}
check "the chain heads get threshold-signed after the signings" cl_wait 60 covered

send_all() { # FILE: to every node; prints each answer; fails if one refuses
  local i rc=0
  for i in 1 2 3 4 5; do "$C" operator send --node "unix:$PWD/n$i.sock" "$1" || rc=1; done
  return $rc
}
# four-eyes: a single-signed retire is refused, and recorded.
"$C" operator sign --key alice.key --command retire --epoch 1 --out retire1.cmd
check "single-signed retire: refused" bash -c "! '$C' operator send --node 'unix:$PWD/n1.sock' retire1.cmd >single.out 2>&1"
check "single-signed retire: the answer says four-eyes" grep -qi 'two\|four' single.out
check "single-signed retire: epoch 1 still ACTIVE" epoch_active 1
check "the refusal is in node1's audit log" grep -q '"event":"operator".*"command":"retire".*"result":"refused"' audit/node1.audit
# four-eyes retire: epoch 1 RETIRED, a new DKG, epoch 2 ACTIVE with new certificates.
"$C" operator sign --key bob.key --in retire1.cmd --out retire2.cmd 2>/dev/null
check "four-eyes retire: accepted by the five nodes" send_all retire2.cmd
check "after retire: the DKG brings epoch 2 ACTIVE" cl_wait 300 epoch_active 2
# the first node to retire waits for the others to leave epoch 1, rather than take itself for a
# restarted node without a share (which left the others waiting a whole DKG round, 60 s)
check "after retire: no node took itself for one without a share" bash -c '! grep -l "without this node" node*.err'
check "epoch 2 issues tokens" cl_ts classic e2
check "epoch 2 has new certificates" bash -c '! cmp -s t1.certs.pem e2.certs.pem'
check "an epoch-1 token still verifies" openssl ts -verify -in t1.tsr -queryfile t1.tsq -CAfile ca/root-ecdsa.pem -untrusted t1.certs.pem
check "the retire is in every audit log" bash -c 'for i in 1 2 3 4 5; do grep -q "\"command\":\"retire\".*\"operators\":\"alice+bob\".*\"result\":\"done\"" audit/node$i.audit || exit 1; done'
# CERT_INSTALL (the node protocol): dispatched to the engine, which checks the certificates.
probe() { python3 "$HERE/cert_install_probe.py" "$PWD/n$1.sock" "${@:2}"; }
matches() { [[ $1 =~ $2 ]]; }
ci=$(probe 3 t1.certs.pem)
check "CERT_INSTALL of epoch 1's certificates in epoch 2: refused with a reason ($ci)" matches "$ci" '^refused: .'
ci=$(probe 3 e2.certs.pem --items 1)
check "CERT_INSTALL with one certificate: a protocol violation closes ($ci)" matches "$ci" '^(error 1: |closed)'
check "CERT_INSTALL: the installation attempt is in the audit log" grep -q '"event":"cert_install".*"result":"refused"' audit/node3.audit
check "the same command again: refused (replay)" bash -c "! '$C' operator send --node 'unix:$PWD/n2.sock' retire2.cmd"
check "epoch 2: the chain heads get threshold-signed" cl_wait 60 covered
# compromised: signing halts at once.
"$C" operator sign --key bob.key --command compromised --epoch 2 --out comp1.cmd
"$C" operator sign --key alice.key --in comp1.cmd --out comp2.cmd 2>/dev/null
check "four-eyes compromised: accepted by the five nodes" send_all comp2.cmd
code() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/timestamp-query' --data-binary @t1.tsq "$URL/tsa/classic"; }
after=$(code)
check "compromised: the next request is answered 503 (got $after)" test "$after" = 503
for i in 1 2 3 4 5; do cl_stop "$i"; done

# The five logs: chains, signed heads (both epochs' certificates), agreement on what was signed.
check "audit verify passes" "$C" audit verify audit --certs t1.certs.pem --certs e2.certs.pem
"$C" audit verify audit --certs t1.certs.pem --certs e2.certs.pem >verify.out 2>&1
cat verify.out >>"$WORK/log"
cp -r audit altered
line=$(grep -n '"event":"sign"' altered/node3.audit altered/node1.audit altered/node2.audit | head -1)
file=${line%%:*}
rest=${line#*:}
n=${rest%%:*}
sed -i "${n}s/\"profile\":\"[a-z]*\"/\"profile\":\"forged\"/" "$file"
node=$(basename "$file" .audit)
"$C" audit verify altered --certs t1.certs.pem --certs e2.certs.pem >altered.out 2>&1
check "an altered record: verify fails" test $? -ne 0
check "an altered record: verify names $node record $n" grep -q "$node.*record $n" altered.out
cp -r audit dropped
sed -i '4d' dropped/node5.audit
"$C" audit verify dropped --certs t1.certs.pem --certs e2.certs.pem >dropped.out 2>&1
check "a dropped record: verify fails" test $? -ne 0
check "a dropped record: verify names node5" grep -q 'node5' dropped.out

cl_finish test_cluster_ops
