#!/usr/bin/env bash
# test_node_secrets.sh: the node's secret hygiene, observed from outside the process.
#   - /proc/PID/status VmLck > 0 (the keys' pages are locked) and /proc/PID/limits core size 0;
#   - run as an unprivileged user, the node is not dumpable: its /proc/PID files belong to root
#     (the kernel's sign of PR_SET_DUMPABLE 0) and that user cannot read /proc/PID/mem;
#   - cctsa-node-testkey (a test build whose ML-DSA seed the test knows) really signs with that
#     key (the public key in its certificate is the one `cctsa mldsa keygen --seed` derives), and
#     nothing the node writes (stdout, stderr, files in its folder) contains the seed or any
#     32-byte piece of the secret key, in binary or hex.
# usage: test_node_secrets.sh BIN_DIR
set -uo pipefail
. "$(dirname "$0")/../gateway/tsa_lib.sh"
tsa_test_setup "$1" secrets
cd "$WORK" || exit 1
"$BIN/cctsa" ca init --dir ca >/dev/null || { echo "cctsa ca init failed"; exit 1; }
chmod -R a+rX "$WORK"
chmod 1777 "$WORK"

wait_listening() { for _ in $(seq 100); do grep -q 'listening on' "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# 1. Locked memory, no core files.
"$BIN/cctsa-node" --dev --dev-ca ca --listen "unix:$WORK/a.sock" >a.out 2>a.err &
A=$!
PIDS+=($A)
check "node starts" wait_listening a.out
check "VmLck > 0" bash -c "awk '/^VmLck:/ {exit !(\$2 > 0)}' /proc/$A/status"
check "core file size limit 0" bash -c "grep -E '^Max core file size +0 +0 ' /proc/$A/limits"

# 2. Not dumpable (as nobody: /proc/PID owned by root, /proc/PID/mem unreadable for that user).
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/cctsa-node" --dev --dev-ca ca --listen "unix:$WORK/b.sock" \
    >b.out 2>b.err &
  B=$!
  PIDS+=($B)
  check "node starts as nobody" wait_listening b.out
  check "runs as uid 65534" bash -c "grep -E '^Uid:\s+65534' /proc/$B/status"
  check "not dumpable: /proc/PID/status owned by root" test "$(stat -c %u /proc/$B/status)" = 0
  check "not dumpable: its own user cannot read /proc/PID/mem" \
    bash -c "! setpriv --reuid=65534 --regid=65534 --clear-groups dd if=/proc/$B/mem bs=1 count=1 skip=4096 2>/dev/null"
  # Control: an ordinary process of that user is dumpable (its /proc files are the user's).
  setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30 &
  S=$!
  PIDS+=($S)
  sleep 0.2
  check "control: a dumpable process of nobody owns its /proc files" test "$(stat -c %u /proc/$S/status)" = 65534
else
  echo "test_node_secrets: not root or no setpriv: dumpability checks skipped"
fi

# 3. The test build's known key appears nowhere the node writes.
mkdir k
cd k || exit 1
"$BIN/cctsa-node-testkey" --dev --dev-ca ../ca --listen "unix:$WORK/k/k.sock" >k.out 2>k.err &
K=$!
PIDS+=($K)
cd "$WORK" || exit 1
check "test-key node starts" wait_listening k/k.out
SEED=$(printf 'cctsa-node-test-key\0\0\0\0' | sha256sum | cut -c1-64)
"$BIN/cctsa" mldsa keygen --seed "$SEED" --pk pk.bin --sk sk.bin >/dev/null 2>&1
"$BIN/cctsa-gateway" --node "unix:$WORK/k/k.sock" --listen 127.0.0.1:0 >g.out 2>g.err &
G=$!
PIDS+=($G)
check "gateway starts" wait_listening g.out
URL=$(grep -o 'http://127.0.0.1:[0-9]*' g.out)
echo "known key" >data.bin
check "pq token from the test-key node" "$BIN/cctsa" stamp data.bin --url "$URL/tsa" --profile pq -o pq.tsr
check "hybrid token from the test-key node" "$BIN/cctsa" stamp data.bin --url "$URL/tsa" --profile hybrid -o hy.tsr
kill -TERM "$G" "$K"
wait "$K" 2>/dev/null
wait "$G" 2>/dev/null
python3 - "$WORK" "$SEED" <<'PY'
import os, re, subprocess, sys
work, seed = sys.argv[1], bytes.fromhex(sys.argv[2])
def raw(p):
    b = open(p, "rb").read()
    try:
        t = b.decode().strip()
        if re.fullmatch(r"[0-9a-fA-F\s]+", t):
            return bytes.fromhex("".join(t.split()))
    except UnicodeDecodeError:
        pass
    return b
pk, sk = raw(os.path.join(work, "pk.bin")), raw(os.path.join(work, "sk.bin"))
ok = True
# The node signed with the known key: its pq token's certificate carries pk.
tok = subprocess.run(["openssl", "ts", "-reply", "-in", os.path.join(work, "pq.tsr"), "-token_out", "-out",
                      os.path.join(work, "pq.tok")], capture_output=True)
der = open(os.path.join(work, "pq.tok"), "rb").read() if os.path.exists(os.path.join(work, "pq.tok")) else b""
known = len(pk) == 1952 and pk in der
print(("ok   " if known else "FAIL ") + "the test-key node's ML-DSA certificate carries the known public key")
ok &= known
needles = [seed] + [sk[i:i + 32] for i in range(0, len(sk) - 31, 32)]
hits = []
kdir = os.path.join(work, "k")
for name in os.listdir(kdir):
    p = os.path.join(kdir, name)
    if not os.path.isfile(p):
        continue
    data = open(p, "rb").read()
    low = data.lower()
    for n in needles:
        if n in data or n.hex().encode() in low:
            hits.append(name)
            break
clean = not hits and len(sk) == 4032
print(("ok   " if clean else "FAIL ") + "no file the node wrote (%s) holds the seed or a piece of the secret key%s"
      % (", ".join(sorted(os.listdir(kdir))), (": " + ", ".join(hits)) if hits else ""))
ok &= clean
sys.exit(0 if ok else 1)
PY
if [ $? = 0 ]; then pass=$((pass + 2)); else fail=$((fail + 1)); fi
check "test-key node wiped and stopped" grep -q 'wiping keys and stopping' k/k.err
[ "$fail" = 0 ] || { echo "--- logs"; tail -n 20 a.err k/k.err log; }
echo "test_node_secrets: $pass passed, $fail failed"
[ "$fail" = 0 ]
