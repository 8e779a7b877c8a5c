#!/bin/bash
# test_deploy_units.sh: the systemd units in deploy/systemd pass `systemd-analyze verify` (with
# ExecStart pointed at the built binaries, since /usr/bin has none) and keep their hardening:
# LimitCORE=0, LimitMEMLOCK, NoNewPrivileges, a dedicated user, an empty capability set, and an
# offline `systemd-analyze security` exposure below 3.0; a unit with a typo fails verify (the
# check can fail); the sysusers file parses; the sample measured configuration parses with the
# node's own parsers (`cctsa operator check` reads its operator.* lines); the documented sim
# measurement computation matches the sim provider.
# usage: test_deploy_units.sh SOURCE_DIR BIN_DIR
set -u
SRC=$1 BIN=$(cd "$2" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze missing (apt-get install systemd)"; exit 1; }

for u in node gateway; do
  f="$SRC/deploy/systemd/cctsa-$u.service"
  sed "s#^ExecStart=/usr/bin/cctsa-$u#ExecStart=$BIN/cctsa-$u#" "$f" > "$T/cctsa-$u.service"
  out=$(systemd-analyze verify "$T/cctsa-$u.service" 2>&1); st=$?
  [ $st -eq 0 ] && [ -z "$out" ] && ok "verify cctsa-$u.service" || bad "verify cctsa-$u.service: $out"
  for want in '^LimitCORE=0$' '^LimitMEMLOCK=[0-9]+[KMG]?$' '^NoNewPrivileges=yes$' '^User=cctsa-' '^CapabilityBoundingSet=$' \
              '^ProtectSystem=strict$' '^SystemCallFilter=@system-service$'; do
    grep -qE "$want" "$f" && ok "cctsa-$u: $want" || bad "cctsa-$u lacks $want"
  done
  score=$(systemd-analyze security --offline=true "$T/cctsa-$u.service" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  [ -n "$score" ] && awk "BEGIN{exit !($score < 3.0)}" && ok "cctsa-$u exposure $score < 3.0" || bad "cctsa-$u exposure '$score'"
done
sed 's/^NoNewPrivileges=yes/NoNewPrivilege=yes/' "$T/cctsa-node.service" > "$T/cctsa-typo.service"
out=$(systemd-analyze verify "$T/cctsa-typo.service" 2>&1)
grep -q "Unknown key 'NoNewPrivilege'" <<<"$out" && ok "verify catches a typo" || bad "verify missed a typo: $out"

systemd-sysusers --dry-run "$SRC/deploy/systemd/cctsa.sysusers" 2>&1 | grep -q "Creating user 'cctsa-node'" \
  && ok "sysusers file" || bad "sysusers file"

# The sample configuration is read by the node's parsers: placeholders are valid pins.
echo x > "$T/cmd"
out=$("$BIN/cctsa" operator check --config "$SRC/deploy/cctsa-node.conf" --epoch 1 "$T/cmd" 2>&1)
grep -q "refused: malformed command envelope" <<<"$out" && ok "sample config parses (operator.*)" || bad "sample config: $out"
"$BIN/cctsa" ca init --dir "$T/ca" --alg ecdsa >/dev/null && head -c 1184 /dev/zero > "$T/report"
out=$("$BIN/cctsa" attest verify --report "$T/report" --certs "$T/ca/root-ecdsa.pem" --config "$SRC/deploy/cctsa-node.conf" 2>&1)
grep -q "^provider *sev-snp" <<<"$out" && ok "sample config parses (attest.*)" || bad "sample config attest: $out"

# docs/operations.md's way to compute the sim measurement of a node binary + configuration
# (Python, independent of the C code) equals what the sim provider reports.
"$BIN/cctsa" attest report --provider sim --nonce 00 --exe "$BIN/cctsa-node" --config "$SRC/deploy/cctsa-node.conf" \
  --out "$T/sim.bin" --certs-out "$T/sim.der" >/dev/null 2>&1 || bad "sim report"
echo "attest.provider = sim" > "$T/sim.conf"
got=$("$BIN/cctsa" attest verify --report "$T/sim.bin" --certs "$T/sim.der" --config "$T/sim.conf" --json 2>/dev/null |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["measurement"])')
want=$(python3 - "$BIN/cctsa-node" "$SRC/deploy/cctsa-node.conf" <<'PY'
import hashlib, struct, sys
exe, cfg = (open(p, "rb").read() for p in sys.argv[1:3])
print(hashlib.sha384(b"cctsa-sim-measurement-v1" + struct.pack(">Q", len(exe)) + exe + struct.pack(">Q", len(cfg)) + cfg).hexdigest())
PY
)
[ -n "$got" ] && [ "$got" = "$want" ] && ok "documented sim measurement = the provider's" || bad "sim measurement '$got' != '$want'"

[ "$fails" -eq 0 ] && echo "test_deploy_units: all passed" || echo "test_deploy_units: $fails failed"
exit $((fails > 0))
