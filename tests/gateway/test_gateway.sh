#!/usr/bin/env bash
# test_gateway.sh: cctsa-gateway in front of a cctsa-node (two processes, a unix socket between
# them) end to end over HTTP on 127.0.0.1 (a free port picked by the kernel): dev CA from `cctsa ca init`, openssl ts -query requests answered and accepted by
# openssl ts -verify (classic, compat), `cctsa stamp` + `cctsa verify` for every profile with
# --require levels (pq: the all-ML-DSA chain gives post-quantum assurance), the TcbInfo
# measurement and --cert for a token without certificates, the Node verifier on the
# ML-DSA-rooted pq, hybrid and compat tokens, HTTP errors (404/405/413/415), a
# garbage query answered with badDataFormat that openssl decodes, /health, and a clean exit on
# SIGTERM.
# usage: test_gateway.sh BIN_DIR INTEROP_DIR
set -uo pipefail
. "$(dirname "$0")/tsa_lib.sh"
tsa_test_setup "$1" gw # BIN, WORK, PIDS (killed on exit), pass/fail, check
INTEROP=$(cd "$2" && pwd)
MEAS=$(printf 'ab%.0s' $(seq 48))

"$BIN/cctsa" ca init --dir "$WORK/ca" >/dev/null || { echo "cctsa ca init failed"; exit 1; }
cd "$WORK"
start_tsa gw "$WORK/ca" --default-profile hybrid --measurement "$MEAS" || exit 1
GW_PID=$GW_PID_gw
head -c 100000 /dev/urandom >data.bin
ROOTS=(--ca ca/root-ecdsa.pem --ca ca/root-mldsa.pem)

# openssl ts -query through HTTP, openssl ts -verify on the reply.
for p in classic compat; do
  for d in sha256 sha512; do
    check "openssl query $p $d" openssl ts -query -data data.bin -"$d" -cert -out "q.$p.$d.tsq"
    check "post query $p $d" "$BIN/cctsa" stamp --request "q.$p.$d.tsq" --url "$URL/tsa/$p" -o "r.$p.$d.tsr"
    check "openssl verify $p $d" bash -c "openssl ts -verify -queryfile q.$p.$d.tsq -in r.$p.$d.tsr -CAfile ca/root-ecdsa.pem | grep -q 'Verification: OK'"
  done
done
# The same query on pq: a valid token that OpenSSL 3.0 cannot verify (no ML-DSA), measured.
check "post query pq" "$BIN/cctsa" stamp --request q.classic.sha256.tsq --url "$URL/tsa/pq" -o r.pq.tsr
check "openssl cannot verify pq" bash -c "! openssl ts -verify -queryfile q.classic.sha256.tsq -in r.pq.tsr -CAfile ca/root-mldsa.pem"

# cctsa stamp / verify for each profile (and the default path = hybrid here).
for p in classic pq hybrid compat; do
  check "stamp $p" "$BIN/cctsa" stamp data.bin --url "$URL/tsa" --profile "$p" --hash sha3-384 -o "t.$p.tsr"
  check "verify $p" "$BIN/cctsa" verify "t.$p.tsr" --data data.bin "${ROOTS[@]}" --measurement "$MEAS"
  check "inspect $p" bash -c "'$BIN/cctsa' inspect t.$p.tsr | grep -q 'cctsa $p profile'"
done
check "default path is hybrid" bash -c "'$BIN/cctsa' stamp data.bin --url '$URL/tsa' -o t.default.tsr && '$BIN/cctsa' inspect t.default.tsr | grep -q 'cctsa hybrid profile'"
check "require both on hybrid" "$BIN/cctsa" verify t.hybrid.tsr --data data.bin "${ROOTS[@]}" --require both
check "require pq on compat" "$BIN/cctsa" verify t.compat.tsr --data data.bin "${ROOTS[@]}" --require pq
# The dev CA certifies the ML-DSA TSA key by its ML-DSA-65 root: post-quantum assurance.
check "require pq on pq, all-ML-DSA chain" bash -c "'$BIN/cctsa' verify t.pq.tsr --data data.bin ${ROOTS[*]} --require pq | grep -q 'post-quantum assurance: every signature on the chain'"
check "require pq on classic fails" bash -c "! '$BIN/cctsa' verify t.classic.tsr --data data.bin ${ROOTS[*]} --require pq"
check "require classic on pq fails" bash -c "! '$BIN/cctsa' verify t.pq.tsr --data data.bin ${ROOTS[*]} --require classic"
check "pq needs the ML-DSA root" bash -c "! '$BIN/cctsa' verify t.pq.tsr --data data.bin --ca ca/root-ecdsa.pem"
check "wrong measurement fails" bash -c "! '$BIN/cctsa' verify t.classic.tsr --data data.bin ${ROOTS[*]} --measurement $(printf 'cd%.0s' $(seq 48))"
check "wrong data fails" bash -c "head -c 10 /dev/urandom >other.bin; ! '$BIN/cctsa' verify t.classic.tsr --data other.bin ${ROOTS[*]}"
check "policy mismatch refused" bash -c "! '$BIN/cctsa' stamp data.bin --url '$URL/tsa/classic' --profile pq -o x.tsr 2>err.txt && grep -q unacceptedPolicy err.txt"
# Without certReq the TSA certificate must be supplied (--cert); taken here from a certReq token.
check "stamp without certReq" "$BIN/cctsa" stamp data.bin --url "$URL/tsa/classic" --no-cert -o nc.tsr
check "no cert, no --cert fails" bash -c "! '$BIN/cctsa' verify nc.tsr --data data.bin ${ROOTS[*]}"
check "extract TSA cert" bash -c "openssl ts -reply -in t.classic.tsr -token_out -out tok.der && openssl pkcs7 -inform DER -in tok.der -print_certs -out tsa.pem"
check "no cert, --cert works" "$BIN/cctsa" verify nc.tsr --data data.bin "${ROOTS[@]}" --cert tsa.pem
for p in pq hybrid compat; do
  check "node verifies $p" node "$INTEROP/tsp_verify.mjs" "t.$p.tsr" --data data.bin --ca ca/root-ecdsa.pem --ca ca/root-mldsa.pem
done

# HTTP-level errors and a garbage query (RFC 3161: still a TimeStampResp with HTTP 200).
cat >http.mjs <<'JS'
const [url, method, ctype, size] = process.argv.slice(2);
const body = method === 'POST' ? new Uint8Array(Number(size)).fill(0x30) : undefined;
const r = await fetch(url, { method, body, headers: ctype === '-' ? {} : { 'content-type': ctype }, signal: AbortSignal.timeout(10000) });
const buf = Buffer.from(await r.arrayBuffer());
process.stdout.write(`${r.status} ${r.headers.get('content-type')}\n`);
if (process.argv[6]) (await import('node:fs')).writeFileSync(process.argv[6], buf);
JS
check "health" bash -c "node http.mjs '$URL/health' GET - 0 health.json | grep -q '^200 application/json' && grep -q '\"status\":\"ok\"' health.json"
check "404" bash -c "node http.mjs '$URL/nope' POST application/timestamp-query 10 | grep -q '^404'"
check "404 profile" bash -c "node http.mjs '$URL/tsa/rsa' POST application/timestamp-query 10 | grep -q '^404'"
check "405" bash -c "node http.mjs '$URL/tsa' GET - 0 | grep -q '^405'"
check "415" bash -c "node http.mjs '$URL/tsa' POST text/plain 10 | grep -q '^415'"
# The media type must be exactly application/timestamp-query (parameters allowed), not a prefix.
check "415 on a longer media type" bash -c "node http.mjs '$URL/tsa' POST application/timestamp-query-evil 10 | grep -q '^415'"
check "415 on a media type suffix" bash -c "node http.mjs '$URL/tsa' POST application/timestamp-queryx 10 | grep -q '^415'"
check "media type parameters accepted" bash -c "node http.mjs '$URL/tsa' POST 'application/timestamp-query; charset=binary' 7 | grep -q '^200 application/timestamp-reply'"
# Client-controlled URL bytes (decoded %0a, ESC) must not forge log lines or reach the terminal.
check "no log forging" bash -c "node http.mjs '$URL/nope%0aFORGED-LOG-LINE%1b%5b31m' POST application/timestamp-query 10 | grep -q '^404' && node http.mjs '$URL/tsa/x%0dFORGED-LOG-LINE' GET - 0 | grep -q '^404' && grep -q 'nope?FORGED-LOG-LINE' gw.err && ! grep -q '^FORGED-LOG-LINE' gw.err && ! grep -q \$'\\x1b' gw.err && ! grep -q \$'\\r' gw.err"
check "413" bash -c "node http.mjs '$URL/tsa' POST application/timestamp-query 9000 | grep -q '^413'"
check "garbage -> badDataFormat" bash -c "node http.mjs '$URL/tsa' POST application/timestamp-query 7 bad.tsr | grep -q '^200 application/timestamp-reply' && openssl ts -reply -in bad.tsr -text | grep -q 'the data submitted has the wrong format'"

# SIGTERM: clean, prompt exit with status 0.
kill -TERM "$GW_PID"
for _ in $(seq 50); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$GW_PID" 2>/dev/null; then fail=$((fail + 1)); echo "FAIL: gateway still running after SIGTERM" >&2; else
  wait "$GW_PID"; rc=$?
  if [ "$rc" = 0 ] && grep -q 'stopped' gw.err; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: exit $rc after SIGTERM" >&2; fi
fi
[ "$fail" = 0 ] || { echo "--- gateway log"; cat gw.err; echo "--- command log"; tail -50 log; }
echo "test_gateway: $pass passed, $fail failed"
[ "$fail" = 0 ]
