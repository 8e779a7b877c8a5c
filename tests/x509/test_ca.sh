#!/usr/bin/env bash
# test_ca.sh: round trip of the development CA CLI (build/bin/cctsa ca ...), checked with the
# openssl command line as the independent verifier: roots, ECDSA and ML-DSA TSA certificates,
# CSRs from our `ca req` and from `openssl req`, the measurement, CSRs whose TcbInfo carries
# operational flags (refused), tampering and error exits.
# usage: test_ca.sh /path/to/cctsa
set -u
CCTSA=$(realpath "${1:?usage: test_ca.sh /path/to/cctsa}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/test_ca.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# check DESCRIPTION COMMAND...: the command must succeed.
check() { local d=$1; shift; if timeout 60 "$@" >"$WORK/out" 2>&1; then ok; else fail "$d"; cat "$WORK/out" >&2; fi; }
# refuse DESCRIPTION EXPECTED_STATUS COMMAND...: the command must fail with that status.
refuse() {
    local d=$1 want=$2; shift 2
    timeout 60 "$@" >"$WORK/out" 2>&1; local rc=$?
    if [ "$rc" = "$want" ]; then ok; else fail "$d (exit $rc, wanted $want)"; cat "$WORK/out" >&2; fi
}
contains() { if grep -q -- "$2" "$1"; then ok; else fail "$1 lacks '$2'"; fi; }

M1=$(printf '0123456789abcdef%.0s' 1 2 3 4 5 6)   # 96 hex digits
M2=$(printf 'fedcba9876543210%.0s' 1 2 3 4 5 6)

# --help says what this is for, and init creates both roots with private key files 0600.
check "help" "$CCTSA" ca --help
contains out "LOCAL DEVELOPMENT"
check "init" "$CCTSA" ca init --dir ca
for a in ecdsa mldsa; do
    [ -s "ca/root-$a.pem" ] && [ "$(stat -c %a "ca/root-$a.key")" = 600 ] && ok || fail "root-$a files/mode"
done
refuse "init twice must not overwrite" 1 "$CCTSA" ca init --dir ca
refuse "unknown alg" 2 "$CCTSA" ca init --dir ca2 --alg rsa

# The EC root is a proper self-signed CA for OpenSSL.
check "ec root text" openssl x509 -in ca/root-ecdsa.pem -noout -text
contains out "CA:TRUE"
contains out "Certificate Sign, CRL Sign"
check "ec root verifies" openssl verify -x509_strict -CAfile ca/root-ecdsa.pem ca/root-ecdsa.pem

# ECDSA TSA certificate from our CSR (measurement requested in the CSR).
check "req ecdsa" "$CCTSA" ca req --alg ecdsa --key-out ec.key --subject "CN=tsa ec,O=cctsa,C=DE" --measurement "$M1" -o ec.csr
check "openssl req -verify" openssl req -in ec.csr -verify -noout
[ "$(stat -c %a ec.key)" = 600 ] && ok || fail "ec.key mode"
check "openssl reads our key" openssl pkey -in ec.key -noout
check "sign ecdsa" "$CCTSA" ca sign --dir ca --csr ec.csr --days 7 -o ec.pem
check "openssl verify tsa" openssl verify -x509_strict -purpose timestampsign -CAfile ca/root-ecdsa.pem ec.pem
check "openssl x509 text" openssl x509 -in ec.pem -noout -text
contains out "Extended Key Usage: critical"
contains out "Time Stamping"
contains out "2.23.133.5.4.1"
contains out "Subject: CN = tsa ec, O = cctsa, C = DE"
check "our verify ecdsa" "$CCTSA" ca verify --dir ca --cert ec.pem
contains out "measurement: $M1"
# The certificate carries the key of the CSR.
openssl x509 -in ec.pem -noout -pubkey >cert.pub 2>/dev/null
openssl pkey -in ec.key -pubout >key.pub 2>/dev/null
cmp -s cert.pub key.pub && ok || fail "certificate key differs from the CSR key"

# A CSR made by openssl itself; --measurement supplies the TcbInfo.
check "openssl req -new" openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout o.key \
    -subj "/CN=openssl tsa" -sha384 -out o.csr
check "sign openssl csr" "$CCTSA" ca sign --dir ca --csr o.csr --measurement "$M2" -o o.pem
check "openssl verify openssl-csr cert" openssl verify -x509_strict -purpose timestampsign -CAfile ca/root-ecdsa.pem o.pem
check "our verify" "$CCTSA" ca verify --dir ca --cert o.pem
contains out "measurement: $M2"

# CSRs made by openssl req with a TcbInfo extension (DER built here): operational flags (debug,
# notConfigured+notSecure) are refused even with --measurement, a malformed TcbInfo too; clear
# flags are issued and `ca verify` prints them (also with --at in RFC 3339).
tcb() { # tcb FLAGS_FIELD_HEX: DiceTcbInfo { vendor "AMD", fwids { sha384 M1 }, flags } as hex
    local body="8003414d44a63f303d0609608648016503040202""0430$M1$1"
    printf '30%02x%s' $(( ${#body} / 2 )) "$body"
}
REQ=(openssl req -new -key o.key -sha384)
check "csr debug" "${REQ[@]}" -subj "/CN=debug tsa" -addext "2.23.133.5.4.1=DER:$(tcb 87020410)" -out dbg.csr
refuse "sign csr with debug flag" 1 "$CCTSA" ca sign --dir ca --csr dbg.csr -o dbg.pem
contains out "operational flags (debug)"
refuse "sign csr with debug flag and --measurement" 1 "$CCTSA" ca sign --dir ca --csr dbg.csr --measurement "$M2" -o dbg.pem
[ -e dbg.pem ] && fail "a certificate was written for the debug CSR" || ok
check "csr notSecure" "${REQ[@]}" -subj "/CN=insecure tsa" -addext "2.23.133.5.4.1=DER:$(tcb 870206c0)" -out ns.csr
refuse "sign csr with notConfigured,notSecure" 1 "$CCTSA" ca sign --dir ca --csr ns.csr -o ns.pem
contains out "notConfigured,notSecure"
check "csr bad flags" "${REQ[@]}" -subj "/CN=bad flags tsa" -addext "2.23.133.5.4.1=DER:$(tcb 87020800)" -out bad.csr
refuse "sign csr with malformed TcbInfo" 1 "$CCTSA" ca sign --dir ca --csr bad.csr -o bad.pem
contains out "TcbInfo"
check "csr clear flags" "${REQ[@]}" -subj "/CN=clear tsa" -addext "2.23.133.5.4.1=DER:$(tcb "")" -out clear.csr
check "sign csr with clear flags" "$CCTSA" ca sign --dir ca --csr clear.csr -o clear.pem
check "verify clear" "$CCTSA" ca verify --dir ca --cert clear.pem --at "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)"
contains out "measurement: $M1"
contains out "TcbInfo flags: none"
refuse "bad --at" 2 "$CCTSA" ca verify --dir ca --cert clear.pem --at "tomorrow"

# ML-DSA-65 TSA certificate: OpenSSL 3.0 parses it (unknown key algorithm); we verify it.
check "req mldsa" "$CCTSA" ca req --alg mldsa --key-out ml.key --subject "CN=tsa pq,O=cctsa" -o ml.csr
check "asn1parse csr" openssl asn1parse -in ml.csr
check "sign mldsa" "$CCTSA" ca sign --dir ca --csr ml.csr --measurement "$M1" -o ml.pem
check "asn1parse cert" openssl asn1parse -in ml.pem
contains out "2.16.840.1.101.3.4.3.18"
openssl x509 -in ml.pem -noout -text >out 2>/dev/null
contains out "Signature Algorithm: 2.16.840.1.101.3.4.3.18"
contains out "Time Stamping"
check "our verify mldsa" "$CCTSA" ca verify --dir ca --cert ml.pem
contains out "mldsa key, mldsa root"
contains out "measurement: $M1"
check "mldsa root text" openssl x509 -in ca/root-mldsa.pem -noout -subject
# The ML-DSA key file is PKCS#8 in the RFC 9881 seed form: id-ml-dsa-65 and a 34-byte OCTET STRING
# holding [0] seed(32).
check "asn1parse mldsa key" openssl asn1parse -in ml.key
contains out "2.16.840.1.101.3.4.3.18"
contains out "l=  34 prim: OCTET STRING"
[ "$(stat -c %a ml.key)" = 600 ] && ok || fail "ml.key mode"
# Without any measurement the certificate simply has no TcbInfo.
check "sign without measurement" "$CCTSA" ca sign --dir ca --csr ml.csr -o plain.pem
check "verify plain" "$CCTSA" ca verify --dir ca --cert plain.pem
if grep -q measurement out; then fail "unexpected measurement"; else ok; fi
openssl x509 -in plain.pem -noout -text >out 2>/dev/null
if grep -q 2.23.133.5.4.1 out; then fail "unexpected TcbInfo extension"; else ok; fi

# Outside the validity window, or with any byte changed, verification fails.
refuse "verify in 1970" 1 "$CCTSA" ca verify --dir ca --cert ml.pem --at 1000
refuse "verify after expiry" 1 "$CCTSA" ca verify --dir ca --cert ec.pem --at $(( $(date +%s) + 8 * 86400 ))
for cert in ec ml; do
    openssl x509 -in $cert.pem -outform DER -out $cert.der 2>/dev/null
    size=$(stat -c %s $cert.der)
    for off in 200 $((size / 2)) $((size - 10)); do
        cp $cert.der t.der
        b=$(od -An -tu1 -j $off -N1 t.der | tr -d ' ')
        printf "$(printf '\\%03o' $(( b ^ 1 )))" | dd of=t.der bs=1 seek=$off conv=notrunc status=none
        refuse "tampered $cert byte $off" 1 "$CCTSA" ca verify --dir ca --cert t.der
    done
done
# An ECDSA-signed certificate does not verify as if from the ML-DSA root and vice versa (wrong CA dir).
check "second ca" "$CCTSA" ca init --dir other --alg both
refuse "foreign root" 1 "$CCTSA" ca verify --dir other --cert ec.pem
refuse "foreign pq root" 1 "$CCTSA" ca verify --dir other --cert ml.pem

# Clear errors for bad input.
refuse "missing args" 2 "$CCTSA" ca sign --dir ca
refuse "bad measurement" 2 "$CCTSA" ca sign --dir ca --csr ec.csr --measurement abc -o x.pem
refuse "bad days" 2 "$CCTSA" ca sign --dir ca --csr ec.csr --days 0 -o x.pem
echo "garbage" >bad.csr
refuse "garbage csr" 1 "$CCTSA" ca sign --dir ca --csr bad.csr -o x.pem
contains out "cannot read CSR"
refuse "unknown subcommand" 2 "$CCTSA" ca frobnicate
refuse "bad subject" 2 "$CCTSA" ca req --alg ecdsa --key-out k2.key --subject "nonsense" -o k2.csr

echo "test_ca: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
