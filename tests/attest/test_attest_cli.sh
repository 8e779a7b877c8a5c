#!/bin/bash
# test_attest_cli.sh CCTSA FIXTURES BINDING_DIR: `cctsa attest report|verify` and `cctsa
# verify-binding` end to end: the real fixtures' verdicts through the CLI (text and JSON), the sim
# provider round trip with the trust choice coming only from the configuration file, the sev-snp
# provider on a machine without SEV-SNP, RFC 3339 --at, usage errors, and the binding record.
set -u
CCTSA=$1 FX=$2 BD=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $*" >&2; fi; }
# expect STATUS GREP_PATTERN cmd...: exit status and a line of output matching the pattern.
expect() {
  local want=$1 pat=$2; shift 2
  "$@" >"$T/out" 2>&1; local rc=$?
  if [ "$rc" = "$want" ] && grep -qE -- "$pat" "$T/out"; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL (rc $rc, want $want, /$pat/): $*" >&2; sed 's/^/  | /' "$T/out" >&2; fi
}

# --help on every new command.
expect 0 "cctsa attest report --nonce HEX" "$CCTSA" attest --help
expect 0 "cctsa verify-binding FILE --ca" "$CCTSA" verify-binding --help
expect 2 "usage" "$CCTSA" attest verify --report "$FX/virtee-milan-v2/report.bin"
expect 2 "--nonce takes" "$CCTSA" attest report --nonce xyz
expect 2 "--at takes an RFC 3339" "$CCTSA" attest verify --report "$FX/virtee-milan-v2/report.bin" \
  --certs "$FX/virtee-milan-v2/vcek.der" --at 2025-06-01
expect 2 "--provider takes" "$CCTSA" attest report --nonce 00 --provider tdx

# Real AMD-signed reports: accepted, with claims, at a fixed RFC 3339 time.
MILAN="$FX/roots/milan-vcek-ask-ark.pem"
expect 0 "^verdict: accepted" "$CCTSA" attest verify --report "$FX/virtee-milan-v2/report.bin" \
  --certs "$FX/virtee-milan-v2" --certs "$MILAN" --at 2026-06-01T00:00:00Z
expect 0 "measurement +5feee30d" "$CCTSA" attest verify --report "$FX/ccf-genoa-v3/report.bin" \
  --certs "$FX/ccf-genoa-v3/vcek.pem" --certs "$FX/roots/genoa-vcek-ask-ark.pem" --at 2026-06-01T02:00:00+02:00
expect 0 "^verdict: accepted" "$CCTSA" attest verify --report "$FX/azure-hcl-milan-v2/hcl-report.bin" \
  --certs "$FX/azure-hcl-milan-v2/vcek-ask-ark.pem" --at 2026-06-01T00:00:00Z
# Debug policy: rejected, the check named.
expect 1 "^FAILED check policy.debug" "$CCTSA" attest verify --report "$FX/gsg-milan-v2-debugpolicy/report.bin" \
  --certs "$FX/gsg-milan-v2-debugpolicy/vcek.der" --certs "$MILAN" --at 2026-06-01T00:00:00Z
expect 1 '"failed":\["policy.debug"\]' "$CCTSA" attest verify --json --report "$FX/gsg-milan-v2-debugpolicy/report.bin" \
  --certs "$FX/gsg-milan-v2-debugpolicy/vcek.der" --certs "$MILAN" --at 2026-06-01T00:00:00Z
# VLEK: VMPL 1 needs attest.max_vmpl = 1 in the configuration; valid before 2025-12-10 only.
printf 'attest.provider = sev-snp\nattest.max_vmpl = 1\n' >"$T/vmpl1.conf"
VLEK=(--report "$FX/trustee-milan-v3-vlek/report.bin" --certs "$FX/trustee-milan-v3-vlek/vlek.der"
      --certs "$FX/roots/milan-vlek-asvk-ark.pem")
expect 1 "FAILED check policy.vmpl" "$CCTSA" attest verify "${VLEK[@]}" --at 2025-06-01T00:00:00Z
expect 0 '"verdict":"accepted".*"signing_key":"VLEK"' "$CCTSA" attest verify --json "${VLEK[@]}" \
  --config "$T/vmpl1.conf" --at 2025-06-01T00:00:00Z
expect 1 "FAILED check chain.validity" "$CCTSA" attest verify "${VLEK[@]}" --config "$T/vmpl1.conf" \
  --at 2025-12-11T00:00:00Z
# Expected measurement and binding.
M=5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1
expect 1 "FAILED check measurement" "$CCTSA" attest verify --report "$FX/ccf-milan-v3/report.bin" \
  --certs "$FX/ccf-milan-v3/vcek.pem" --certs "$MILAN" --at 2026-06-01T00:00:00Z --measurement "${M%?}0"
expect 1 "FAILED check report_data" "$CCTSA" attest verify --report "$FX/ccf-milan-v3/report.bin" \
  --certs "$FX/ccf-milan-v3/vcek.pem" --certs "$MILAN" --at 2026-06-01T00:00:00Z --binding 01
# Wrong root and another chip's VCEK.
expect 1 "FAILED check chain.root" "$CCTSA" attest verify --report "$FX/virtee-milan-v2/report.bin" \
  --certs "$FX/virtee-milan-v2/vcek.der" --certs "$FX/roots/genoa-vcek-ask-ark.pem" --at 2026-06-01T00:00:00Z
expect 1 "FAILED check vcek.chip_id" "$CCTSA" attest verify --report "$FX/virtee-milan-v2/report.bin" \
  --certs "$FX/trustee-milan-v2/vcek.der" --certs "$MILAN" --at 2026-06-01T00:00:00Z

# sev-snp report generation on this machine (skipped on a real SNP guest).
if [ ! -e /dev/sev-guest ] && [ ! -d /sys/kernel/config/tsm/report ]; then
  "$CCTSA" attest report --nonce 00 >"$T/out" 2>&1; rc=$?
  ok [ "$rc" = 1 ]
  ok [ "$(cat "$T/out")" = "sev-snp: not available on this machine" ]
fi

# sim: report for a measured executable + configuration; trusted only when the configuration says so.
printf 'attest.provider = sim\n' >"$T/node.conf"
cp "$CCTSA" "$T/node"
expect 0 "^report \(sim" "$CCTSA" attest report --provider sim --nonce 0102 --exe "$T/node" --config "$T/node.conf" \
  --out "$T/sim.bin" --certs-out "$T/sim-certs.der"
ok [ "$(stat -c %s "$T/sim.bin")" = 1184 ]
expect 0 "^verdict: accepted" "$CCTSA" attest verify --report "$T/sim.bin" --certs "$T/sim-certs.der" \
  --config "$T/node.conf" --binding 0102
expect 1 "FAILED check chain.root" "$CCTSA" attest verify --report "$T/sim.bin" --certs "$T/sim-certs.der"
# The measurement is the sim measurement of those two files; a changed configuration differs.
SIMM=$(sed -n 's/^measurement *//p' "$T/out")
expect 0 "^verdict: accepted" "$CCTSA" attest verify --report "$T/sim.bin" --certs "$T/sim-certs.der" \
  --config "$T/node.conf" --measurement "$SIMM"
be64() { for i in 7 6 5 4 3 2 1 0; do printf "\\x$(printf %02x $((($1 >> (8 * i)) & 255)))"; done; }
REF=$( (printf 'cctsa-sim-measurement-v1'; be64 "$(stat -c %s "$T/node")"; cat "$T/node"
        be64 "$(stat -c %s "$T/node.conf")"; cat "$T/node.conf") | openssl dgst -sha384 -r | cut -d' ' -f1)
ok [ "$SIMM" = "$REF" ]
printf 'attest.provider = sim\n# edited\n' >"$T/node2.conf"
"$CCTSA" attest report --provider sim --nonce 0102 --exe "$T/node" --config "$T/node2.conf" --out "$T/sim2.bin" \
  --certs-out "$T/sim2-certs.der" >/dev/null
expect 1 "FAILED check measurement" "$CCTSA" attest verify --report "$T/sim2.bin" --certs "$T/sim2-certs.der" \
  --config "$T/node.conf" --measurement "$SIMM"

# Binding record (written by test_attest_binding).
CA=(--ca "$BD/ca-ecdsa.pem" --ca "$BD/ca-mldsa.pem")
expect 0 "^verdict: valid" "$CCTSA" verify-binding "$BD/binding.der" "${CA[@]}" --config "$BD/sim.conf"
expect 1 "^FAILED signature.mldsa" "$CCTSA" verify-binding "$BD/binding-bad.der" "${CA[@]}" --config "$BD/sim.conf"
expect 1 "^FAILED provider" "$CCTSA" verify-binding "$BD/binding.der" "${CA[@]}"
expect 1 "^FAILED certificates" "$CCTSA" verify-binding "$BD/binding.der" --ca "$BD/ca-ecdsa.pem" --config "$BD/sim.conf"
expect 1 "^FAILED format" "$CCTSA" verify-binding "$FX/virtee-milan-v2/report.bin" "${CA[@]}" --config "$BD/sim.conf"

echo "test_attest_cli: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
