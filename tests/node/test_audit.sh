#!/bin/bash
# test_audit.sh: `cctsa audit verify` on five nodes' audit logs written by src/node/audit.c
# (test_audit_write): an intact directory passes; an altered, dropped or reordered record, a
# chain rewritten with fresh hashes (caught by the signed heads), heads checked against the wrong
# certificates, a truncated line and logs that disagree on a signing each fail with a line naming it.
# usage: test_audit.sh BIN_DIR
set -u
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }

"$BIN/cctsa" ca init --dir "$T/ca" >/dev/null || { echo "FAIL: ca init"; exit 1; }
"$BIN/cctsa" ca init --dir "$T/other" >/dev/null || { echo "FAIL: ca init"; exit 1; }
CERTS=(--certs "$T/ca/root-ecdsa.pem" --certs "$T/ca/root-mldsa.pem")
write() { mkdir -p "$T/$1" && "$BIN/test_audit_write" "$T/$1" "$T/ca/root-ecdsa.key" "$T/ca/root-mldsa.key" "$2"; }
write good ok || { echo "FAIL: writing the logs"; exit 1; }

# expect NAME DIR WANT_STATUS PATTERN [cert args...]
expect() {
  local name=$1 dir=$2 want=$3 pat=$4
  shift 4
  local out st
  out=$("$BIN/cctsa" audit verify "$dir" "$@" 2>&1); st=$?
  if [ "$st" -eq "$want" ] && grep -qE -- "$pat" <<<"$out"; then ok "$name"; else bad "$name (status $st): $out"; fi
}
copy() { rm -rf "$T/$1"; cp -r "$T/good" "$T/$1"; }

expect intact "$T/good" 0 "5 logs, [0-9]+ records, 11 signed heads, 2 signings cross-checked: OK" "${CERTS[@]}"
expect "uncovered tail noted" "$T/good" 0 "note: n1 records after 5 \(up to 7\) are not covered" "${CERTS[@]}"
[ "$(grep -c . "$T/good/n1.audit")" -eq 7 ] || bad "n1 has 7 records"
grep -q '"tstinfo":"2222' "$T/good/n1.audit" && ! grep -qi 'key' "$T/good/n1.audit" && ok "no key material in the log" || bad "log content"
grep -q 'policy.debug: \\"debug\\" set\\u000a' "$T/good/n3.audit" && ok "reasons are escaped" || bad "escaping"

copy alter; sed -i '2s/"result":"ok"/"result":"no"/' "$T/alter/n2.audit"
expect altered "$T/alter" 1 "n2 record 2 \(line 2\): altered" "${CERTS[@]}"

copy drop; sed -i '4d' "$T/drop/n3.audit"
expect dropped "$T/drop" 1 "n3 line 4: record 4 missing \(dropped\)" "${CERTS[@]}"

copy reorder; sed -i '4{h;d};5{G}' "$T/reorder/n2.audit"
expect reordered "$T/reorder" 1 "^FAIL: n2 line 4: record 4 out of order: it is at line 5, after record 5$" "${CERTS[@]}"

copy inserted; sed -n '5p' "$T/inserted/n5.audit" > "$T/line"; sed -i "6r $T/line" "$T/inserted/n5.audit"
expect inserted "$T/inserted" 1 "n5 line 7: record 5 out of order" "${CERTS[@]}"

copy moved; cp "$T/moved/n1.audit" "$T/moved/n9.audit"
expect "another node's log" "$T/moved" 1 "n9 record 1: written by node n1" "${CERTS[@]}"

# Rewrite n2's chain after an alteration with fresh hashes: only the signed heads catch it.
copy rehash
python3 - "$T/rehash/n2.audit" <<'PY'
import hashlib, re, sys
path = sys.argv[1]
lines = open(path).read().splitlines()
prev = "0" * 96
out = []
for i, l in enumerate(lines):
    body = l[: l.rindex(',"hash":')]
    if i == 1: body = body.replace('"result":"ok"', '"result":"no"')
    body = re.sub(r'"prev":"[0-9a-f]{96}"', '"prev":"%s"' % prev, body)
    if '"event":"head"' in body: body = re.sub(r'"head":"[0-9a-f]{96}"', '"head":"%s"' % prev, body)
    h = hashlib.sha384(b"cctsa-audit-record-v1\0" + body.encode()).hexdigest()
    out.append(body + ',"hash":"%s"}' % h)
    prev = h
open(path, "w").write("\n".join(out) + "\n")
PY
expect "rewritten chain" "$T/rehash" 1 "n2 record [0-9]+: the sig_ecdsa on the chain head does not verify" "${CERTS[@]}"
expect "rewritten chain (ML-DSA)" "$T/rehash" 1 "n2 record [0-9]+: the sig_mldsa on the chain head does not verify" "${CERTS[@]}"
expect "wrong certificates" "$T/good" 1 "the sig_ecdsa on the chain head does not verify" --certs "$T/other/root-ecdsa.pem" --certs "$T/other/root-mldsa.pem"
expect "missing certificate" "$T/good" 1 "no --certs certificate for its sig_mldsa" --certs "$T/ca/root-ecdsa.pem"

copy torn; printf '{"seq":8,"time":"x"' >> "$T/torn/n1.audit"
expect "torn last line" "$T/torn" 1 "n1 line 8: not a complete audit record" "${CERTS[@]}"
out=$("$BIN/test_audit_write" "$T/torn" "$T/ca/root-ecdsa.key" "$T/ca/root-mldsa.key" ok 2>&1)
[ $? -ne 0 ] && grep -q "incomplete or overlong line" <<<"$out" && ok "a torn log is not reopened" || bad "torn log reopened: $out"

write disagree disagree; expect disagree "$T/disagree" 1 "serial 0101: n1 \(record 4\) and n3 \(record 4\) disagree on gentime" "${CERTS[@]}"
write hidden hidden; expect hidden "$T/hidden" 1 "n4 \(record [0-9]+\) co-signed serial 0102 for n1, whose log has no such signing" "${CERTS[@]}"
write twice twice; expect "signed twice" "$T/twice" 1 "serial 0101 signed twice" "${CERTS[@]}"

# A head signer that writes to the log while signing: no deadlock, the head covers the record
# before the ones written meanwhile, and the log verifies.
write reentrant reentrant; expect "signer writes while signing" "$T/reentrant" 0 ": OK$" "${CERTS[@]}"
grep -q '"seq":4,.*"event":"head","prev":"[0-9a-f]*","head_seq":2,' "$T/reentrant/n1.audit" && ok "head covers the snapshot" || bad "reentrant head: $(sed -n 4p "$T/reentrant/n1.audit" | cut -c1-200)"

# Reopening a log continues its chain.
"$BIN/test_audit_write" "$T/good" "$T/ca/root-ecdsa.key" "$T/ca/root-mldsa.key" ok || bad "second run"
expect "continued chain" "$T/good" 1 "serial 0101 signed twice" "${CERTS[@]}"
grep -q '"seq":14,' "$T/good/n1.audit" && ! "$BIN/cctsa" audit verify "$T/good" "${CERTS[@]}" | grep -q "altered\|missing\|chain broken" && ok "reopened log continues the chain" || bad "reopened log"

"$BIN/cctsa" audit verify --help | grep -q "usage: cctsa audit verify" && ok help || bad help
"$BIN/cctsa" audit verify "$T/good" >/dev/null 2>&1; [ $? -eq 2 ] && ok "no --certs is a usage error" || bad "usage error"
"$BIN/cctsa" audit verify "$T/nonexistent" "${CERTS[@]}" >/dev/null 2>&1; [ $? -eq 2 ] && ok "missing dir" || bad "missing dir"

[ "$fails" -eq 0 ] && echo "test_audit: all passed" || echo "test_audit: $fails failed"
exit $((fails > 0))
