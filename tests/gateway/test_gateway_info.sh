#!/usr/bin/env bash
# test_gateway_info.sh: the gateway's read-only endpoints in front of a development node:
#   - GET /certs: a PEM bundle of two certificates; tokens requested without certificates verify
#     with them (openssl ts -verify with the ECDSA one, cctsa verify with the ML-DSA one);
#   - GET /binding: 503 "not available" without a cluster;
#   - GET /attestation?nonce=: JSON whose report's REPORT_DATA is SHA-512("cctsa-node-attest-v1" ||
#     nonce) computed here with openssl; malformed nonces 400; beyond the rate 429 + Retry-After;
#   - GET /metrics: `promtool check metrics` passes; requests counted by profile, outcome and
#     failInfo; nodes configured/online; process_* present; the node killed: nodes_online 0;
#   - a real Prometheus (Debian package, loopback, temp dir) scraping the gateway with
#     deploy/prometheus/cctsa-rules.yml: cctsa_nodes_online is 1 through its HTTP API; the node
#     killed: 0, and CctsaNodeDown becomes active.
# usage: test_gateway_info.sh BIN_DIR RULES_FILE
set -uo pipefail
. "$(dirname "$0")/tsa_lib.sh"
. "$(dirname "$0")/prom_lib.sh"
tsa_test_setup "$1" gwinfo # BIN, WORK, PIDS (killed on exit), pass/fail, check
RULES=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
MEAS=$(printf 'ab%.0s' $(seq 48))
for t in promtool prometheus curl openssl python3; do
  command -v "$t" >/dev/null || { echo "test_gateway_info: $t is missing (make deps)"; exit 1; }
done
"$BIN/cctsa" ca init --dir "$WORK/ca" >/dev/null || { echo "cctsa ca init failed"; exit 1; }
cd "$WORK"
start_tsa gi "$WORK/ca" --measurement "$MEAS" -- --attest-per-minute 1 || exit 1
ROOTS=(--ca ca/root-ecdsa.pem --ca ca/root-mldsa.pem)
head -c 5000 /dev/urandom >data.bin
code() { curl -s -o "$2" -D "$2.hdr" -w '%{http_code}' "$URL$1"; }

# /certs
check "/certs 200 PEM" bash -c "test \"\$(curl -s -o certs.pem -w '%{http_code} %{content_type}' '$URL/certs')\" = '200 application/pem-certificate-chain'"
awk '/-----BEGIN/{n++} n{print > ("cert" n ".pem")}' certs.pem
check "/certs holds two certificates" test "$(grep -c 'BEGIN CERTIFICATE' certs.pem)" = 2
check "ECDSA first, ML-DSA second" bash -c "openssl x509 -in cert1.pem -noout -subject | grep -q ECDSA && openssl x509 -in cert2.pem -noout -subject | grep -q ML-DSA"
check "classic token without certs" bash -c "openssl ts -query -data data.bin -sha256 -out q.tsq && '$BIN/cctsa' stamp --request q.tsq --url '$URL/tsa/classic' -o nc.tsr"
check "openssl verifies it with /certs' ECDSA certificate" bash -c "openssl ts -verify -queryfile q.tsq -in nc.tsr -CAfile ca/root-ecdsa.pem -untrusted cert1.pem | grep -q 'Verification: OK'"
check "pq token without certs verifies with /certs' ML-DSA certificate" bash -c "'$BIN/cctsa' stamp data.bin --url '$URL/tsa/pq' --no-cert -o ncpq.tsr && '$BIN/cctsa' verify ncpq.tsr --data data.bin ${ROOTS[*]} --cert cert2.pem"
check "the wrong certificate fails" bash -c "! '$BIN/cctsa' verify ncpq.tsr --data data.bin ${ROOTS[*]} --cert cert1.pem"

# /binding
check "/binding 503 without a cluster" bash -c "test \"\$(curl -s -o b.txt -w '%{http_code}' '$URL/binding')\" = 503 && grep -q 'not available' b.txt"

# /attestation (burst 4, then 1 a minute)
NONCE=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
check "/attestation 200" test "$(code "/attestation?nonce=$NONCE" att.json)" = 200
python3 - "$NONCE" >att.parts <<'PY' 2>>"$WORK/log"
import json, sys
a = json.load(open("att.json"))
assert a["nonce"] == sys.argv[1], "nonce echoed"
print(a["report"][2 * 0x50:2 * 0x90])
PY
WANT=$( (printf 'cctsa-node-attest-v1'; printf '%s' "$NONCE" | xxd -r -p) | openssl dgst -sha512 -binary | od -An -tx1 | tr -d ' \n')
check "REPORT_DATA = SHA-512(label || nonce)" test "$(cat att.parts)" = "$WANT"
check "sim report verifies" bash -c "python3 -c 'import json; open(\"r.bin\",\"wb\").write(bytes.fromhex(json.load(open(\"att.json\"))[\"report\"]))' && test \$(stat -c %s r.bin) = 1184"
check "short nonce 400" test "$(code "/attestation?nonce=0011" x)" = 400
check "odd nonce 400" test "$(code "/attestation?nonce=${NONCE}0" x)" = 400
check "non-hex nonce 400" test "$(code "/attestation?nonce=${NONCE:2}zz" x)" = 400
check "65-byte nonce 400" test "$(code "/attestation?nonce=$(printf '00%.0s' $(seq 65))" x)" = 400
check "no nonce 400" test "$(code "/attestation" x)" = 400
for i in 1 2 3 4; do code "/attestation?nonce=$NONCE" "a$i" >"a$i.code"; done
check "rate limit: burst of 4, then 429 with Retry-After" bash -c "grep -q 200 a3.code && grep -q 429 a4.code && grep -qi '^Retry-After: [0-9]' a4.hdr"

# /metrics
for p in classic pq; do "$BIN/cctsa" stamp data.bin --url "$URL/tsa/$p" -o "t.$p.tsr" >/dev/null 2>&1; done
"$BIN/cctsa" stamp data.bin --url "$URL/tsa/classic" --profile pq -o x.tsr >/dev/null 2>&1 # unacceptedPolicy
check "/metrics 200 text" bash -c "test \"\$(curl -s -o m.txt -w '%{http_code} %{content_type}' '$URL/metrics')\" = '200 text/plain; version=0.0.4; charset=utf-8'"
check "promtool check metrics" bash -c "promtool check metrics <m.txt"
metric() { awk -v k="$1" '$1 == k {print $2}' m.txt; }
check "classic granted counted (2: the openssl query and this)" test "$(metric 'cctsa_requests_total{profile="classic",outcome="granted",fail="none"}')" = 2
check "pq granted counted" test "$(metric 'cctsa_requests_total{profile="pq",outcome="granted",fail="none"}')" = 2
check "rejection counted with its failInfo" bash -c "grep -q 'cctsa_requests_total{profile=\"[a-z]*\",outcome=\"rejected\",fail=\"unacceptedPolicy\"} 1' m.txt"
check "request histogram count 5" test "$(metric cctsa_request_duration_seconds_count)" = 5
check "signing histogram by alg" test "$(metric 'cctsa_signing_duration_seconds_count{alg="ml-dsa-65"}')" = 2
check "attempts histogram" test "$(metric 'cctsa_signing_attempts_bucket{le="1"}')" = 5
check "nodes configured 1, online 1" bash -c "grep -qx 'cctsa_nodes_configured 1' m.txt && grep -qx 'cctsa_nodes_online 1' m.txt && grep -qx 'cctsa_nodes_time_ok 1' m.txt"
check "error bound per node" grep -q "^cctsa_node_time_error_bound_seconds{node=\"unix:$WORK/gi.sock\"} " m.txt
check "certificate expiry" grep -q '^cctsa_cert_expiry_seconds{alg="earliest"} [0-9]' m.txt
check "process metrics" bash -c "for m in process_cpu_seconds_total process_resident_memory_bytes process_virtual_memory_bytes process_start_time_seconds process_open_fds process_max_fds; do grep -q \"^\$m [0-9]\" m.txt || exit 1; done"

# A real Prometheus scraping the gateway, with the alert rules.
start_prometheus "$RULES" "${URL#http://}"
check "prometheus: cctsa_nodes_online is 1" prom_wait cctsa_nodes_online 1
check "prometheus: no node-down alert" test "$(prom_query 'ALERTS{alertname="CctsaNodeDown"}')" = none
kill "$NODE_PID_gi"
check "prometheus: cctsa_nodes_online drops to 0" prom_wait cctsa_nodes_online 0
check "prometheus: CctsaNodeDown active" prom_wait 'count(ALERTS{alertname="CctsaNodeDown",severity="warning"})' 1
check "/certs 503 without a node" test "$(code /certs x)" = 503

[ "$fail" = 0 ] || { echo "--- gateway log"; tail -20 gi.err; echo "--- prometheus"; tail -5 prom.log; echo "--- command log"; tail -30 log; }
echo "test_gateway_info: $pass passed, $fail failed"
[ "$fail" = 0 ]
