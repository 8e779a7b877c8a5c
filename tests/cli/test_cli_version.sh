#!/usr/bin/env bash
# test_cli_version.sh: `cctsa version --json` reports the binary's own SHA-384 (checked against
# `openssl dgst -sha384` of the file), the source commit (checked against git when the source is a git
# checkout), a compiler and flags; a bad argument exits 2.
# Usage: test_cli_version.sh <cctsa binary> <source dir>
set -u
CCTSA=$1 SRC=$2
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1" >&2; fi; }

json=$("$CCTSA" version --json) || { echo "FAIL: version --json exited $?"; exit 1; }
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$json" "$1"; }
want=$(openssl dgst -sha384 -r "$CCTSA" | cut -d' ' -f1)
check "binary_sha384 equals openssl's SHA-384 of the file" '[ "$(field binary_sha384)" = "$want" ]'
if commit=$(git -C "$SRC" rev-parse HEAD 2>/dev/null); then
  check "source_commit names HEAD ($commit)" '[ "$(field source_commit | cut -d- -f1)" = "$commit" ]'
fi
check "compiler is named" '[ -n "$(field compiler)" ]'
check "flags name -Werror" 'field flags | grep -q -- -Werror'
check "plain output shows the same hash" '"$CCTSA" version | grep -q "SHA-384 $want"'
"$CCTSA" version --bogus >/dev/null 2>&1; rc=$?
check "unknown argument exits 2 (got $rc)" '[ "$rc" = 2 ]'
echo "test_cli_version: $pass passed, $fail failed"
[ "$fail" = 0 ]
