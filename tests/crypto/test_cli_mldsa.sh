#!/usr/bin/env bash
# test_cli_mldsa.sh: drives `cctsa mldsa` end to end: keygen (files and hex), sign/verify round
# trips (pure, context, pre-hash, deterministic, hedged, --rnd), tampering detected (exit 1),
# input errors reported with exit 2, and the CLI's deterministic signature equal byte for byte to
# noble-post-quantum's for the same seed, message and context.
# Usage: test_cli_mldsa.sh <cctsa binary> <node binary> <tests/interop dir>
set -u
CCTSA=$1 NODE=${2:-node} INTEROP=${3:-}
WORK=$(mktemp -d /tmp/cctsa_cli_mldsa.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect STATUS DESCRIPTION -- command...
expect() {
    local want=$1 what=$2; shift 3
    timeout 60 "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, expected $want ($(head -c 300 "$WORK/err"))"; fi
}

SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
MSG=48656c6c6f2c2054534121
CTX=63637473612d74657374

expect 0 "help" -- "$CCTSA" mldsa --help
grep -q "cctsa mldsa sign" "$WORK/out" && ok || bad "help text missing usage"
expect 2 "no subcommand" -- "$CCTSA" mldsa
expect 2 "unknown subcommand" -- "$CCTSA" mldsa frobnicate

# keygen to files and as hex from the same seed agree
expect 0 "keygen files" -- "$CCTSA" mldsa keygen --seed $SEED --pk "$WORK/pk" --sk "$WORK/sk"
[ "$(stat -c %s "$WORK/pk")" = 1952 ] && [ "$(stat -c %s "$WORK/sk")" = 4032 ] && ok || bad "key file sizes"
[ "$(stat -c %a "$WORK/sk")" = 600 ] && ok || bad "secret key file is not mode 600"
expect 0 "keygen hex" -- "$CCTSA" mldsa keygen --seed $SEED
PKHEX=$(awk '$1 == "pk" {print $2}' "$WORK/out")
SKHEX=$(awk '$1 == "sk" {print $2}' "$WORK/out")
[ "$PKHEX" = "$(od -An -v -tx1 "$WORK/pk" | tr -d ' \n')" ] && ok || bad "hex pk differs from file pk"
[ ${#SKHEX} = 8064 ] && ok || bad "hex sk length"
expect 0 "random keygen" -- "$CCTSA" mldsa keygen
[ "$(awk '$1 == "pk" {print $2}' "$WORK/out")" != "$PKHEX" ] && ok || bad "random keygen repeated the seeded key"

# sign / verify round trips
expect 0 "sign det" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --ctx $CTX --deterministic -o "$WORK/sig"
[ "$(stat -c %s "$WORK/sig")" = 3309 ] && ok || bad "signature file size"
expect 0 "verify" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/sig" --msg $MSG --ctx $CTX
grep -qx valid "$WORK/out" && ok || bad "verify did not print valid"
expect 1 "verify wrong message" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/sig" --msg ${MSG}00 --ctx $CTX
expect 1 "verify wrong context" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/sig" --msg $MSG
expect 0 "sign det to stdout" -- "$CCTSA" mldsa sign --sk $SKHEX --msg $MSG --ctx $CTX --deterministic
SIGHEX=$(cat "$WORK/out")
[ "$SIGHEX" = "$(od -An -v -tx1 "$WORK/sig" | tr -d ' \n')" ] && ok || bad "deterministic signatures differ"
expect 0 "verify hex args" -- "$CCTSA" mldsa verify --pk $PKHEX --sig $SIGHEX --msg $MSG --ctx $CTX
# the same message from a file
printf 'Hello, TSA!' >"$WORK/msg.bin"
expect 0 "verify --in" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/sig" --in "$WORK/msg.bin" --ctx $CTX
# a message larger than the reader's first buffer, and a hex-text key file
head -c 100000 /dev/urandom >"$WORK/big.bin"
printf '%s\n' "$SKHEX" >"$WORK/sk.hex"
expect 0 "sign big --in with hex key file" -- "$CCTSA" mldsa sign --sk "$WORK/sk.hex" --in "$WORK/big.bin" -o "$WORK/big.sig"
expect 0 "verify big --in" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/big.sig" --in "$WORK/big.bin"
printf 'x' >>"$WORK/big.bin"
expect 1 "verify big --in changed" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/big.sig" --in "$WORK/big.bin"
# a flipped bit anywhere in the signature is rejected
TAMPERED=$(printf '%s' "$SIGHEX" | sed 's/^\(.\{2000\}\)./\1f/')
[ "$TAMPERED" != "$SIGHEX" ] || TAMPERED=$(printf '%s' "$SIGHEX" | sed 's/^\(.\{2000\}\)./\1e/')
expect 1 "tampered signature" -- "$CCTSA" mldsa verify --pk $PKHEX --sig $TAMPERED --msg $MSG --ctx $CTX
expect 1 "short signature" -- "$CCTSA" mldsa verify --pk $PKHEX --sig ${SIGHEX:0:6610} --msg $MSG --ctx $CTX
# hedged signatures differ from each other but verify; --rnd is reproducible
expect 0 "sign hedged" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG -o "$WORK/h1"
expect 0 "sign hedged 2" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG -o "$WORK/h2"
cmp -s "$WORK/h1" "$WORK/h2" && bad "hedged signatures are identical" || ok
expect 0 "verify hedged" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/h1" --msg $MSG
RND=$(printf 'ab%.0s' $(seq 32))
expect 0 "sign rnd" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --rnd $RND -o "$WORK/r1"
expect 0 "sign rnd 2" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --rnd $RND -o "$WORK/r2"
cmp -s "$WORK/r1" "$WORK/r2" && ok || bad "--rnd signatures differ"
# HashML-DSA
expect 0 "sign prehash" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --prehash SHA2-384 -o "$WORK/ph"
expect 0 "verify prehash" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/ph" --msg $MSG --prehash SHA2-384
expect 1 "verify prehash other alg" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/ph" --msg $MSG --prehash SHA3-384
expect 1 "verify prehash as pure" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/ph" --msg $MSG

# input errors: exit 2 with a message
expect 2 "sign without key" -- "$CCTSA" mldsa sign --msg $MSG
expect 2 "sign without message" -- "$CCTSA" mldsa sign --sk "$WORK/sk"
expect 2 "both --msg and --in" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --in "$WORK/msg.bin"
expect 2 "bad hex message" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg 4g
expect 2 "odd hex message" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg 123
expect 2 "context too long" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --ctx $(printf '00%.0s' $(seq 256))
grep -q "at most 255" "$WORK/err" && ok || bad "context error message"
expect 0 "context of 255 bytes" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --ctx $(printf '00%.0s' $(seq 255))
expect 2 "short secret key" -- "$CCTSA" mldsa sign --sk ${SKHEX:0:100} --msg $MSG
expect 2 "missing key file" -- "$CCTSA" mldsa sign --sk "$WORK/nonexistent" --msg $MSG
# s1 coefficient out of range (nibble 0xf at byte 128)
BADSK=${SKHEX:0:256}ff${SKHEX:258}
expect 2 "malformed secret key" -- "$CCTSA" mldsa sign --sk $BADSK --msg $MSG
grep -q "malformed" "$WORK/err" && ok || bad "malformed key message"
expect 2 "unknown option" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --frob
expect 2 "missing option value" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg
expect 2 "det and rnd" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --deterministic --rnd $RND
expect 2 "unknown prehash" -- "$CCTSA" mldsa sign --sk "$WORK/sk" --msg $MSG --prehash MD5
expect 2 "option for another subcommand" -- "$CCTSA" mldsa verify --pk "$WORK/pk" --sig "$WORK/sig" --msg $MSG --sk "$WORK/sk"
expect 2 "keygen pk without sk" -- "$CCTSA" mldsa keygen --pk "$WORK/x"
expect 2 "keygen short seed" -- "$CCTSA" mldsa keygen --seed 0011
expect 2 "verify short pk" -- "$CCTSA" mldsa verify --pk 00 --sig "$WORK/sig" --msg $MSG
expect 2 "keygen unwritable" -- "$CCTSA" mldsa keygen --pk "$WORK/no/such/dir/pk" --sk "$WORK/no/such/dir/sk"

# independent cross-check: noble's deterministic signature for the same seed/message/context
if [ -n "$INTEROP" ] && [ -d "$INTEROP/node_modules/@noble/post-quantum" ]; then
    NOBLE=$(cd "$INTEROP" && echo "$SEED $MSG $CTX det" | timeout 60 "$NODE" mldsa_sign.mjs)
    [ "${NOBLE%% *}" = "$PKHEX" ] && ok || bad "noble public key differs from ours"
    [ "${NOBLE#* }" = "$SIGHEX" ] && ok || bad "noble deterministic signature differs from the CLI's"
else
    bad "noble peer not installed in $INTEROP (run npm ci there; make deps does)"
fi

echo "test_cli_mldsa: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
