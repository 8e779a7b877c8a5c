#!/usr/bin/env bash
# test_clients.sh: the RFC 3161 clients people actually use, each installed from Debian (Makefile
# DEB_PACKAGES), against cctsa-gateway on 127.0.0.1 (a free port) with the dev CA and default
# settings: openssl ts -verify; Bouncy Castle (clients/TsVerify.java, one JVM for all tokens);
# jarsigner -tsa then -verify -strict; osslsigncode -ts on a minimal PE (clients/mkpe.mjs) then
# verify; Go (clients/tsverify: encoding/asn1 with digitorus/timestamp's TSTInfo types and
# fullsailor/pkcs7, built offline in GOPATH mode). Every client must accept classic and compat;
# for pq and hybrid the test asserts each client's exact refusal (docs/token-profiles.md). Also:
# POST /tsa without a policy gets compat; a second gateway with --gentime-precision ms and a
# 128-bit-arc --policy warns at startup, and Go refuses exactly those two things.
# usage: test_clients.sh BIN_DIR CLIENTS_DIR CACHE_DIR
set -uo pipefail
. "$(dirname "$0")/tsa_lib.sh"
tsa_test_setup "$1" clients # BIN, WORK, PIDS (killed on exit), pass/fail, check
CLIENTS=$(cd "$2" && pwd)
mkdir -p "$3" && CACHE=$(cd "$3" && pwd)
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect FILE "text": FILE contains the text (fixed string)
expect() { grep -qF -- "$2" "$1" || { bad "$1 lacks: $2"; sed 's/^/    /' "$1" | head -20 >&2; return 1; } && ok; }
for tool in openssl java javac jar jarsigner keytool osslsigncode go node; do
  command -v "$tool" >/dev/null || { echo "test_clients: $tool is missing (make deps installs it)"; exit 1; }
done
BC=/usr/share/java/bcprov.jar:/usr/share/java/bcpkix.jar:/usr/share/java/bcutil.jar
PKCS7=/usr/share/gocode/src/github.com/fullsailor/pkcs7
[ -f /usr/share/java/bcpkix.jar ] || { echo "test_clients: libbcpkix-java is missing"; exit 1; }
[ -d "$PKCS7" ] || { echo "test_clients: golang-github-fullsailor-pkcs7-dev is missing"; exit 1; }

# start_gateway NAME NODE-ARGS...: a node with the dev CA and a gateway in front; sets URL
start_gateway() { pushd "$WORK" >/dev/null && { start_tsa "$1" "$WORK/ca" "${@:2}" || exit 1; } && popd >/dev/null; }

cd "$WORK"
"$BIN/cctsa" ca init --dir ca >/dev/null || { echo "cctsa ca init failed"; exit 1; }
cat ca/root-ecdsa.pem ca/root-mldsa.pem >roots.pem
start_gateway gw
head -c 20000 /dev/urandom >data.bin
DEV=1.3.6.1.4.1.32473.3161
PROFILES=(classic pq hybrid compat)

# Build the Java and Go verifiers while nothing else runs (one javac JVM; Go offline, GOPATH mode).
check "javac TsVerify" javac -d java -cp "$BC" "$CLIENTS/TsVerify.java"
check "go build tsverify" env GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOPROXY=off GOCACHE="$CACHE/gocache" \
  go build -o tsverify "$CLIENTS/tsverify/main.go"

# Tokens: openssl ts -query (SHA-256, certReq) sent to each profile's path, and to /tsa (no policy).
check "openssl ts -query" openssl ts -query -data data.bin -sha256 -cert -out q.tsq
for p in "${PROFILES[@]}" default; do
  path=/tsa/$p
  [ "$p" = default ] && path=/tsa
  check "stamp $p" "$BIN/cctsa" stamp --request q.tsq --url "$URL$path" -o "r.$p.tsr"
done
openssl ts -reply -in r.default.tsr -text >default.txt 2>&1
expect default.txt "Policy OID: $DEV.4"

# OpenSSL 3.0.
for p in "${PROFILES[@]}"; do openssl ts -verify -queryfile q.tsq -in "r.$p.tsr" -CAfile roots.pem >"openssl.$p.txt" 2>&1; done
expect openssl.classic.txt "Verification: OK"
expect openssl.compat.txt "Verification: OK"
expect openssl.pq.txt "Verify error:unable to get local issuer certificate"
expect openssl.hybrid.txt "there must be one signer"

# Bouncy Castle 1.72: one JVM verifies all four.
java -cp "$BC:java" TsVerify roots.pem data.bin r.classic.tsr r.pq.tsr r.hybrid.tsr r.compat.tsr >bc.txt 2>&1
expect bc.txt "r.classic.tsr: OK policy=$DEV.1"
expect bc.txt "r.compat.tsr: OK policy=$DEV.4"
expect bc.txt "r.pq.tsr: REFUSED: IllegalArgumentException: Unknown signature type requested: SHA512WITH2.16.840.1.101.3.4.3.18"
expect bc.txt "r.hybrid.tsr: REFUSED: IllegalArgumentException: Time-stamp token signed by 2 signers, but it must contain just the TSA signature."

# Go 1.19, encoding/asn1 + fullsailor/pkcs7.
./tsverify roots.pem data.bin r.classic.tsr r.pq.tsr r.hybrid.tsr r.compat.tsr >go.txt 2>&1
expect go.txt "r.classic.tsr: OK policy=$DEV.1"
expect go.txt "r.compat.tsr: OK policy=$DEV.4"
for p in pq hybrid; do
  expect go.txt "r.$p.tsr: REFUSED: pkcs7: failed to verify certificate chain: x509: certificate signed by unknown authority (possibly because of \"x509: cannot verify signature: algorithm unimplemented\""
done

# Code signing: a self-signed P-256 code-signing certificate (openssl), as PKCS#12 for Java with
# the ECDSA dev root as the trusted TSA root.
check "code-signing key" openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout cs.key -out cs.pem \
  -days 2 -subj "/CN=cctsa test code signer" -addext extendedKeyUsage=codeSigning
check "PKCS#12 keystore" openssl pkcs12 -export -in cs.pem -inkey cs.key -name signer -out ks.p12 -passout pass:changeit
check "trust the TSA root" keytool -importcert -noprompt -keystore ks.p12 -storetype PKCS12 -storepass changeit -alias tsaroot \
  -file ca/root-ecdsa.pem
KS=(-keystore ks.p12 -storetype PKCS12 -storepass changeit)

# jarsigner: sign with -tsa, then -verify -strict.
echo "time-stamp me" >hello.txt
check "jar" jar cf app.jar hello.txt
for p in "${PROFILES[@]}"; do
  cp app.jar "app.$p.jar"
  jarsigner "${KS[@]}" -tsa "$URL/tsa/$p" "app.$p.jar" signer >"jarsign.$p.txt" 2>&1
  jarsigner -verify -strict -verbose "${KS[@]}" "app.$p.jar" >"jarverify.$p.txt" 2>&1
  echo "exit status $?" >>"jarverify.$p.txt"
done
for p in classic compat; do
  expect "jarverify.$p.txt" 'Timestamped by "O=cctsa development, CN=cctsa development TSA (ECDSA P-384)"'
  expect "jarverify.$p.txt" "jar verified."
  expect "jarverify.$p.txt" "exit status 0"
done
for p in pq hybrid; do
  expect "jarsign.$p.txt" "The TSA certificate chain is invalid. Reason: SHA512with2.16.840.1.101.3.4.3.18 Signature not available"
  expect "jarverify.$p.txt" "WARNING: Signature is either not parsable or not verifiable, and the jar will be treated as unsigned."
  expect "jarverify.$p.txt" "exit status 16"
done

# osslsigncode: Authenticode with an RFC 3161 time-stamp (-ts) on a minimal PE, then verify.
check "minimal PE" node "$CLIENTS/mkpe.mjs" a.exe
for p in "${PROFILES[@]}"; do
  check "osslsigncode sign $p" osslsigncode sign -certs cs.pem -key cs.key -ts "$URL/tsa/$p" -in a.exe -out "s.$p.exe"
  osslsigncode verify -CAfile cs.pem -TSA-CAfile ca/root-ecdsa.pem -in "s.$p.exe" >"osv.$p.txt" 2>&1
  echo "exit status $?" >>"osv.$p.txt"
done
for p in classic compat; do
  expect "osv.$p.txt" "Timestamp Server Signature verification: ok"
  expect "osv.$p.txt" "exit status 0"
done
# pq and hybrid: the time-stamp fails, yet verify says Succeeded (it falls back to the current time).
for p in pq hybrid; do
  expect "osv.$p.txt" "Timestamp Server Signature verification: failed"
  expect "osv.$p.txt" "exit status 0"
done

# What Go refuses: fractional seconds (--gentime-precision ms) and arcs over 31 bits (a 2.25 UUID
# policy, which the gateway warns about at startup).
UUID_ARC=2.25.104622740930165808608618531222640864576
start_gateway gw2 --gentime-precision ms --policy classic=$UUID_ARC.1
expect gw2.node.err "warning: the classic policy OID $UUID_ARC.1 has a 127-bit arc"
expect gw2.node.out "policy compat  $DEV.4 (DEVELOPMENT DEFAULT"
check "stamp long arc" "$BIN/cctsa" stamp --request q.tsq --url "$URL/tsa/classic" -o r.arc.tsr
check "cctsa stamp --policy asks for the configured OID" bash -c "'$BIN/cctsa' stamp data.bin --url '$URL/tsa' --policy $UUID_ARC.1 -o p.tsr && '$BIN/cctsa' inspect p.tsr | grep -q 'policy: $UUID_ARC.1'"
check "cctsa stamp --profile asks for the development OID, refused here" bash -c "! '$BIN/cctsa' stamp data.bin --url '$URL/tsa' --profile classic -o x.tsr 2>err.txt && grep -q unacceptedPolicy err.txt"
for i in 1 2 3; do # a whole second (1 in 1000) has no fraction: try again
  "$BIN/cctsa" stamp --request q.tsq --url "$URL/tsa/compat" -o r.ms.tsr >>log 2>&1
  openssl ts -reply -in r.ms.tsr -text 2>/dev/null | grep -q 'Time stamp: .*:[0-9][0-9]\.[0-9]' && break
done
./tsverify roots.pem data.bin r.arc.tsr r.ms.tsr >go2.txt 2>&1
expect go2.txt "r.arc.tsr: REFUSED: asn1: structure error: base 128 integer too large"
expect go2.txt "r.ms.tsr: REFUSED: asn1: time did not serialize back to the original value"
check "cctsa verify --policy names the configured policy" bash -c "'$BIN/cctsa' verify r.arc.tsr --data data.bin --ca ca/root-ecdsa.pem --policy classic=$UUID_ARC.1 | grep -q 'profile: classic;'"
check "without --policy it is a foreign policy" bash -c "'$BIN/cctsa' verify r.arc.tsr --data data.bin --ca ca/root-ecdsa.pem | grep -q 'profile: foreign policy;'"
# Configuration errors (of the node, which holds the policies): exit status 2 with the reason.
gw_refuses() { # gw_refuses "expected message" ARGS...
  local want=$1
  shift
  "$BIN/cctsa-node" --dev --dev-ca ca --listen unix:"$WORK/bad.sock" "$@" >/dev/null 2>gwbad.err
  [ $? = 2 ] && grep -qF -- "$want" gwbad.err
}
check "malformed --policy refused" gw_refuses "--policy takes PROFILE=OID" --policy classic=1.02
check "unknown profile in --policy refused" gw_refuses "--policy takes PROFILE=OID" --policy rsa=1.2.3
check "shared policy OID refused" gw_refuses "two profiles with the same policy OID" --policy classic=1.2.3 --policy pq=1.2.3
check "bad --gentime-precision refused" gw_refuses "--gentime-precision takes s or ms" --gentime-precision us
NODE_VERIFY="node $CLIENTS/../../interop/tsp_verify.mjs r.arc.tsr --data data.bin --ca ca/root-ecdsa.pem"
check "node --policy names the configured policy" bash -c "$NODE_VERIFY --policy classic=$UUID_ARC.1 | grep -q '\"profile\":\"classic\"'"
check "node without --policy: foreign policy" bash -c "$NODE_VERIFY | grep -q '\"profile\":\"$UUID_ARC.1\"'"
check "node --policy refuses a malformed one" bash -c "! $NODE_VERIFY --policy classic=1.02 2>/dev/null"
check "cctsa verifies the ms token" "$BIN/cctsa" verify r.ms.tsr --data data.bin --ca ca/root-ecdsa.pem --ca ca/root-mldsa.pem \
  --require both

for f in bc go jarverify.pq osv.pq; do echo "--- $f"; grep -v '^[0-9A-F]\{16\}:error' "$f.txt" | grep -i 'refused\|ok policy\|warning\|verification:' | head -6; done
[ "$fail" = 0 ] || { echo "--- command log"; tail -40 log; }
echo "test_clients: $pass passed, $fail failed"
[ "$fail" = 0 ]
