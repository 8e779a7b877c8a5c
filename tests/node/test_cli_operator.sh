#!/bin/bash
# test_cli_operator.sh: `cctsa operator keygen | sign | check | send` end to end: keys of both
# algorithms pinned by the printed config lines; a four-eyes retire is refused with one signature
# and valid with two; a tampered file, an unpinned key, the wrong epoch, an expired and a
# certificate-swapped install-certs are refused; openssl reads the ECDSA public key and its
# SHA-256 matches the pinned fingerprint; send frames a CONTROL message that a Python fake node
# (independent parser of the frame layout) decodes, and prints the node's answer.
# usage: test_cli_operator.sh BIN_DIR
set -u
BIN=$1
C="$BIN/cctsa"
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
expect() { # NAME WANT_STATUS PATTERN cmd...
  local name=$1 want=$2 pat=$3 out st
  shift 3
  out=$("$@" 2>&1); st=$?
  if [ "$st" -eq "$want" ] && grep -qE -- "$pat" <<<"$out"; then ok "$name"; else bad "$name (status $st): $out"; fi
}

echo "attest.provider = sim" > "$T/node.conf"
"$C" operator keygen --alg ecdsa-p384 --out "$T/alice.key" --pub "$T/alice.pub" --name alice >> "$T/node.conf" || bad keygen
"$C" operator keygen --alg ml-dsa-65 --out "$T/bob.key" --pub "$T/bob.pub" --name bob >> "$T/node.conf" || bad keygen
"$C" operator keygen --alg ecdsa-p384 --out "$T/eve.key" --pub "$T/eve.pub" --name eve > /dev/null || bad keygen
grep -qE '^operator.key = alice [0-9a-f]{64}$' "$T/node.conf" && ok "keygen prints the pin line" || bad "pin line"
fp=$(openssl pkey -pubin -in "$T/alice.pub" -outform DER | openssl dgst -sha256 -r | cut -c1-64)
grep -q "alice $fp" "$T/node.conf" && ok "fingerprint = SHA-256 of the SPKI (openssl)" || bad "fingerprint"
[ "$(stat -c %a "$T/alice.key")" = 600 ] && ok "private key mode 0600" || bad "key mode"
expect "keygen never overwrites" 1 "must not exist" "$C" operator keygen --alg ecdsa-p384 --out "$T/alice.key" --pub "$T/x.pub"

"$C" operator sign --key "$T/alice.key" --command retire --epoch 3 --out "$T/retire1" || bad sign
expect "one signature is not four-eyes" 1 "needs two different operators" "$C" operator check --config "$T/node.conf" --epoch 3 "$T/retire1"
expect "co-sign shows the command" 0 "command=retire" "$C" operator sign --key "$T/bob.key" --in "$T/retire1" --out "$T/retire2"
expect "four-eyes retire is valid" 0 "^valid: retire for epoch 3 by alice\+bob" "$C" operator check --config "$T/node.conf" --epoch 3 "$T/retire2"
expect "wrong epoch" 1 "live epoch is 4" "$C" operator check --config "$T/node.conf" --epoch 4 "$T/retire2"
expect "third signature refused" 1 "cannot co-sign" "$C" operator sign --key "$T/eve.key" --in "$T/retire2" --out "$T/retire3"
"$C" operator sign --key "$T/eve.key" --in "$T/retire1" --out "$T/retire-eve" >/dev/null 2>&1
expect "unpinned co-signer" 1 "forged: signature 2 is by a key not pinned" "$C" operator check --config "$T/node.conf" --epoch 3 "$T/retire-eve"
sed 's/epoch=3/epoch=4/' "$T/retire2" > "$T/tampered"
expect "tampered command" 1 "forged: operator alice's signature does not verify" "$C" operator check --config "$T/node.conf" --epoch 4 "$T/tampered"
"$C" operator sign --key "$T/bob.key" --command renew-cert --epoch 3 --ttl 1 --out "$T/renew" || bad sign
expect "renew-cert needs one operator" 0 "^valid: renew-cert" "$C" operator check --config "$T/node.conf" --epoch 3 "$T/renew"
sleep 2
expect expired 1 "expired" "$C" operator check --config "$T/node.conf" --epoch 3 "$T/renew"
expect "ttl beyond a day" 2 "bad --command" "$C" operator sign --key "$T/bob.key" --command renew-cert --epoch 3 --ttl 90000 --out "$T/x"

"$C" ca init --dir "$T/ca" > /dev/null || bad "ca init"
"$C" operator sign --key "$T/alice.key" --command install-certs --epoch 3 --ec-cert "$T/ca/root-ecdsa.pem" --ml-cert "$T/ca/root-mldsa.pem" --out "$T/install" || bad sign
expect "install-certs with its certificates" 0 "^valid: install-certs" "$C" operator check --config "$T/node.conf" --epoch 3 "$T/install" --ec-cert "$T/ca/root-ecdsa.pem" --ml-cert "$T/ca/root-mldsa.pem"
expect "install-certs with other certificates" 1 "not the ones the operators signed" "$C" operator check --config "$T/node.conf" --epoch 3 "$T/install" --ec-cert "$T/ca/root-ecdsa.pem"

# send: a fake node on a unix socket decodes the frame with its own parser and answers.
cat > "$T/fake.py" <<'PY'
import os, socket, struct, sys
path, envfile, ecfile = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(1)
open(path + ".ready", "w").close()
for answer in (0, 1):
    c, _ = s.accept()
    hdr = b""
    while len(hdr) < 16: hdr += c.recv(16 - len(hdr))
    magic, ver, typ, flags, rid, blen = struct.unpack(">4sBBHII", hdr)
    body = b""
    while len(body) < blen: body += c.recv(blen - len(body))
    parts, off = [], 0
    for _ in range(3):
        n, = struct.unpack(">I", body[off:off + 4]); parts.append(body[off + 4:off + 4 + n]); off += 4 + n
    good = (magic == b"CCTN" and ver == 2 and typ == 7 and flags == 0 and off == blen and
            parts[0] == open(envfile, "rb").read() and parts[1] == (open(ecfile, "rb").read() if answer == 0 else b""))
    reason = (b"frame ok" if good else b"frame BAD") if answer == 0 else b"replayed: nonce already used"
    out = bytes([answer]) + reason
    c.sendall(struct.pack(">4sBBHII", b"CCTN", 2, 0x87, 0, rid, len(out)) + out)
    c.close()
PY
openssl x509 -in "$T/ca/root-ecdsa.pem" -outform DER -out "$T/ec.der"
python3 "$T/fake.py" "$T/node.sock" "$T/install" "$T/ec.der" & PID=$!
for _ in $(seq 50); do [ -e "$T/node.sock.ready" ] && break; sleep 0.1; done
expect "send: frame decoded by the fake node" 0 "^done: frame ok" "$C" operator send --node "unix:$T/node.sock" "$T/install" --ec-cert "$T/ca/root-ecdsa.pem"
expect "send: refusal printed" 1 "^refused: replayed" "$C" operator send --node "unix:$T/node.sock" "$T/renew"
wait "$PID"; PID=
expect "send: no node" 1 "operator send: unix:" "$C" operator send --node "unix:$T/none.sock" "$T/renew" --timeout 2
expect "help" 0 "usage: cctsa operator keygen" "$C" operator --help
expect "bad subcommand" 2 "unknown subcommand" "$C" operator frob

[ "$fails" -eq 0 ] && echo "test_cli_operator: all passed" || echo "test_cli_operator: $fails failed"
exit $((fails > 0))
