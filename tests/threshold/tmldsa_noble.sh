#!/usr/bin/env bash
# tmldsa_noble.sh: cross-check threshold ML-DSA-65 signatures with an independent verifier,
# @noble/post-quantum 0.7.1 (tests/interop/mldsa_verify.mjs). test_tmldsa_sign --emit writes one
# line per case "pk sig msg ctx expected": for each of the 10 signer sets a valid signature
# (expected ok), the signature with one bit flipped and the message with one bit flipped
# (expected bad). Every verdict of noble must match.
# Usage: tmldsa_noble.sh <path to test_tmldsa_sign> <tests/interop folder>
set -euo pipefail
bin=$1
interop=$2
if ! command -v node >/dev/null 2>&1; then
  echo "tmldsa_noble: node is not installed (make deps)" >&2
  exit 1
fi
if [ ! -d "$interop/node_modules/@noble/post-quantum" ]; then
  (cd "$interop" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout 300 "$bin" --emit "$work/cases.txt" >"$work/sign.log"
cut -d' ' -f1-4 "$work/cases.txt" | timeout 120 node "$interop/mldsa_verify.mjs" >"$work/verdicts.txt"
cut -d' ' -f5 "$work/cases.txt" >"$work/expected.txt"
n=$(wc -l <"$work/expected.txt")
ok=$(grep -c '^ok$' "$work/verdicts.txt" || true)
if [ "$n" -ne 30 ]; then
  echo "tmldsa_noble: expected 30 cases, got $n" >&2
  exit 1
fi
if ! diff "$work/expected.txt" "$work/verdicts.txt" >"$work/diff.txt"; then
  echo "tmldsa_noble: noble disagrees:" >&2
  cat "$work/diff.txt" >&2
  exit 1
fi
echo "tmldsa_noble: noble accepted $ok threshold signatures (10 signer sets) and rejected all $((n - ok)) tampered cases"
