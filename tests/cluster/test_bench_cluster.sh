#!/usr/bin/env bash
# test_bench_cluster.sh: smoke test of bench/bench_cluster.sh (not a timed test): a tiny run (12
# requests, 3 clients, profiles classic and hybrid) must exit 0, and its machine-readable lines
# must parse: BOOT with two certificates, one RESULT per profile with sent = verified = 12 and
# failed = 0 (every token verified by the load client), CPU and mesh figures present, hybrid's
# ML-DSA signatures counted with a mean of at least 1 attempt, a BASELINE with 12 answers, a
# SUMMARY with ok=1; and the first DKG began within 20 s of the start (the nodes probe a peer's
# time as soon as it attests, not a 30 s probe period later: node_cluster.c probe_soon).
BIN=${1:-build/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp /tmp/cctsa-test-bench-XXXXXX)
trap 'rm -f "$OUT"' EXIT
pass=0 fail=0
check() { # what command...
  local what=$1
  shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
field() { # LINE-PREFIX [PROFILE] KEY: the value of KEY on the line
  local line
  line=$(grep "^$1 " "$OUT" | { [ -n "$2" ] && grep " profile=$2 " || cat; } | head -1)
  printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$3=//p"
}
bash "$HERE/../../bench/bench_cluster.sh" "$BIN" --requests 12 --clients 3 --profiles "classic hybrid" >"$OUT" 2>&1
rc=$?
check "the bench exits 0 (rc $rc)" [ "$rc" = 0 ]
check "BOOT names two certificates" [ "$(field BOOT '' certs)" = 2 ]
dkg_at=$(sed -n 's/^ *\[ *\([0-9.]*\) s\] key epoch DKG$/\1/p' "$OUT" | head -1)
check "the first DKG began within 20 s (at ${dkg_at:-never} s)" awk -v t="${dkg_at:-999}" 'BEGIN { exit !(t < 20) }'

for p in classic hybrid; do
  check "$p: 12 sent" [ "$(field RESULT "$p" sent)" = 12 ]
  check "$p: 12 verified" [ "$(field RESULT "$p" verified)" = 12 ]
  check "$p: 0 failed" [ "$(field RESULT "$p" failed)" = 0 ]
  check "$p: tokens/s > 0" awk -v r="$(field RESULT "$p" tokens_per_s)" 'BEGIN { exit !(r > 0) }'
  check "$p: CPU per party per token > 0" awk -v r="$(field RESULT "$p" cpu_ms_per_party_token)" 'BEGIN { exit !(r > 0) }'
  check "$p: mesh bytes per token > 0" awk -v r="$(field RESULT "$p" mesh_bytes_per_token)" 'BEGIN { exit !(r > 0) }'
done
check "classic: no ML-DSA signature" [ "$(field RESULT classic mldsa_signatures)" = 0 ]
check "hybrid: ML-DSA signatures counted" awk -v r="$(field RESULT hybrid mldsa_signatures)" 'BEGIN { exit !(r >= 12) }'
check "hybrid: attempts mean >= 1" awk -v r="$(field RESULT hybrid mldsa_attempts_mean)" 'BEGIN { exit !(r >= 1) }'
check "BASELINE answered 12" [ "$(field BASELINE '' answered)" = 12 ]
check "SUMMARY ok=1" [ "$(field SUMMARY '' ok)" = 1 ]
check "SUMMARY has both ratios" grep -q 'ratio_classic=[0-9.]* ratio_hybrid=[0-9.]*$' "$OUT"
echo "test_bench_cluster: $pass passed, $fail failed"
[ "$fail" = 0 ] || { cat "$OUT"; exit 1; }
