#!/usr/bin/env bash
# tmldsa_ctgrind.sh: constant-time check under valgrind memcheck. test_tmldsa_ctfloat --ct-check
# marks the sampler's secret randomness undefined; --ct-sign runs a signing attempt in which the
# library marks the partial secrets and the mask seed undefined (TMLDSA_SECRET) and declassifies
# only what the protocol publishes (w, the accept bits, accepted z). memcheck reports every
# conditional jump, move or memory address that depends on undefined data, and --error-exitcode
# makes any such report fail the test. --ct-selftest first proves the harness catches a
# deliberate secret-dependent branch.
# Usage: tmldsa_ctgrind.sh <path to test_tmldsa_ctfloat>
set -euo pipefail
bin=$1
if ! command -v valgrind >/dev/null 2>&1; then
  echo "tmldsa_ctgrind: valgrind is not installed (make deps)" >&2
  exit 1
fi
# the harness must catch a deliberate secret-dependent branch
set +e
timeout 300 valgrind --quiet --error-exitcode=3 "$bin" --ct-selftest >/dev/null 2>&1
rc=$?
set -e
if [ "$rc" -ne 3 ]; then
  echo "tmldsa_ctgrind: valgrind did not flag the deliberate secret branch (exit $rc)" >&2
  exit 1
fi
timeout 300 valgrind --quiet --error-exitcode=3 --track-origins=yes "$bin" --ct-check
# a whole signing attempt: secrets marked inside the library, declassified only where published
timeout 300 valgrind --quiet --error-exitcode=3 --track-origins=yes "$bin" --ct-sign
echo "tmldsa_ctgrind: no secret-dependent branch or address in the sampler or the signing rounds"
