#!/usr/bin/env bash
# check-no-ct-instrumentation.sh BINARY...: fails if any binary contains the constant-time
# instrumentation of CCTSA_CT_CHECKS (crypto/ct_check.h): the marker symbol
# cctsa_ct_checks_instrumented, or a valgrind client request (on x86-64 the magic preamble
# rol $3,%rdi; rol $13,%rdi; rol $61,%rdi; rol $51,%rdi before the request instruction).
# The shipped binaries (cctsa, cctsa-gateway, later cctsa-node) must pass; the CT test programs,
# which link the instrumented copies, must fail (the control registered beside this test).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BINARY..." >&2; exit 2; }
found=0
for bin in "$@"; do
  before=$found
  syms=$(nm "$bin" 2>/dev/null || true)
  code=$(objdump -d --no-show-raw-insn "$bin")
  if grep -qw cctsa_ct_checks_instrumented <<<"$syms"; then
    echo "$bin: contains the CCTSA_CT_CHECKS marker symbol" >&2
    found=1
  fi
  # grep -c reads all its input (grep -q could end the pipe early, which pipefail reports)
  if [ "$(grep -A1 -E 'rol +\$0x3,%rdi' <<<"$code" | grep -cE 'rol +\$0xd,%rdi' || true)" != 0 ]; then
    echo "$bin: contains a valgrind client request" >&2
    found=1
  fi
  [ "$found" = "$before" ] && echo "$bin: no constant-time instrumentation"
done
exit "$found"
