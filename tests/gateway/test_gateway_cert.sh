#!/usr/bin/env bash
# test_gateway_cert.sh: cctsa-node + cctsa-gateway and the TSA certificates' validity, with short-lived dev
# certificates (--dev-cert-seconds) instead of a fake clock:
#   - a certificate with fewer than 30 days left: /health says "warning"/"expiring", the log warns;
#   - once it has expired (--no-renew): requests get HTTP 503 with a systemFailure rejection
#     ("TSA certificate expired", read by cctsa inspect, cctsa stamp and openssl ts -reply),
#     /health 503;
#   - with renewal (the default in dev mode) the gateway re-certifies its keys from the dev CA
#     before expiry and keeps granting tokens that verify;
#   - a default (90-day) dev certificate: /health "ok".
# usage: test_gateway_cert.sh BIN_DIR
set -uo pipefail
. "$(dirname "$0")/tsa_lib.sh"
tsa_test_setup "$1" gwcert # BIN, WORK, PIDS (killed on exit), pass/fail, check
cd "$WORK" || exit 1
"$BIN/cctsa" ca init --dir ca >/dev/null || { echo "cctsa ca init failed"; exit 1; }
# start NAME NODE-ARGS...: a node with the dev CA and a gateway on a free port; its URL in URL_NAME.
start() { start_tsa "$1" ca "${@:2}" || exit 1; }
# post URL OUT: POST the query, print the HTTP status.
post() { curl -s -o "$2" -w '%{http_code}' -H 'Content-Type: application/timestamp-query' --data-binary @q.tsq "$1/tsa/classic"; }
health() { curl -s -o "$2" -w '%{http_code}' "$1/health"; }

echo "certificate validity" >data.bin
openssl ts -query -data data.bin -sha256 -cert -out q.tsq 2>/dev/null || { echo "openssl ts -query failed"; exit 1; }
start short --dev-cert-seconds 4 --no-renew
start renew --dev-cert-seconds 9
start normal
T0=$(date +%s)

check "short: health 200" test "$(health "$URL_short" h1.json)" = 200
check "short: health warns" grep -q '"status":"warning".*"state":"expiring"' h1.json
check "short: log warns" grep -q 'WARNING: a TSA certificate expires in 0 days' short.node.err
check "short: granted while valid" test "$(post "$URL_short" r1.tsr)" = 200
check "short: token verifies" "$BIN/cctsa" verify r1.tsr --data data.bin --ca ca/root-ecdsa.pem
check "normal: health ok" bash -c "test \"\$(curl -s -o h3.json -w '%{http_code}' '$URL_normal/health')\" = 200 && grep -q '\"status\":\"ok\".*\"state\":\"ok\"' h3.json"
check "normal: no warning logged" bash -c "! grep -q WARNING normal.node.err"

# Past the short certificate's notAfter (4 s) and the renewing gateway's first renewal (6 s of 9).
sleep $(( T0 + 11 - $(date +%s) ))
check "short: HTTP 503 once expired" test "$(post "$URL_short" r2.tsr)" = 503
check "short: systemFailure, certificate expired" bash -c "'$BIN/cctsa' inspect r2.tsr | grep -q 'failInfo systemFailure (\"TSA certificate expired\")'"
check "short: openssl reads the rejection" bash -c "openssl ts -reply -in r2.tsr -text | grep -q 'TSA certificate expired'"
check "short: cctsa verify reports the refusal" bash -c "out=\$('$BIN/cctsa' verify r2.tsr --data data.bin --ca ca/root-ecdsa.pem); [ \$? = 1 ] && grep -q 'did not grant.*systemFailure' <<<\"\$out\""
check "short: health 503, expired" bash -c "test \"\$(curl -s -o h2.json -w '%{http_code}' '$URL_short/health')\" = 503 && grep -q '\"state\":\"expired\"' h2.json"
check "short: log says it refuses" grep -q 'ERROR: a TSA certificate expired' short.node.err
check "short: cctsa stamp reports the rejection" bash -c "! '$BIN/cctsa' stamp data.bin --url '$URL_short/tsa/classic' -o x.tsr 2>err.txt && grep -q 'TSA certificate expired' err.txt"
check "renew: log says renewed" grep -q 'renewed the TSA certificates from the dev CA' renew.node.err
check "renew: still granted after the first certificate's expiry" test "$(post "$URL_renew" r3.tsr)" = 200
check "renew: token verifies" "$BIN/cctsa" verify r3.tsr --data data.bin --ca ca/root-ecdsa.pem
check "renew: openssl accepts it" bash -c "openssl ts -verify -queryfile q.tsq -in r3.tsr -CAfile ca/root-ecdsa.pem | grep -q 'Verification: OK'"

[ "$fail" = 0 ] || { for n in short renew normal; do echo "--- $n logs"; cat "$n.node.err" "$n.err"; done; echo "--- command log"; tail -40 log; }
echo "test_gateway_cert: $pass passed, $fail failed"
[ "$fail" = 0 ]
