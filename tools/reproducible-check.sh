#!/usr/bin/env bash
# reproducible-check.sh: builds the shipped binaries of the committed HEAD twice, in two fresh clones
# at different paths (different depth and name) and at different times, and compares their bytes.
# Exit 0 only if every shipped binary is byte-identical. Used by `make reproducible-check` and CI.
#   tools/reproducible-check.sh [--keep]    --keep leaves the temp folder for inspection
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0
case "${1:-}" in
  --keep) keep=1 ;;
  -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "reproducible-check: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
targets=(cctsa cctsa-gateway cctsa-node)
tmp=$(mktemp -d /tmp/cctsa-repro.XXXXXX)
[ "$keep" = 1 ] || trap 'rm -rf "$tmp"' EXIT
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "reproducible-check: note: uncommitted changes are not part of the check (it builds HEAD)"
fi
build_one() { # $1 = folder to clone into
  local dir=$1
  git clone -q . "$dir"
  cmake -S "$dir" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  local present=()
  for t in "${targets[@]}"; do
    grep -q "^$t:" <(cmake --build "$dir/build" --target help | sed -n 's/^\.\.\. \([^ ]*\).*/\1:/p') \
      && present+=("$t")
  done
  cmake --build "$dir/build" -j"$jobs" --target "${present[@]}" >"$dir/build.log" 2>&1 \
    || { tail -30 "$dir/build.log"; echo "reproducible-check: build in $dir failed" >&2; exit 1; }
  printf '%s\n' "${present[@]}" >"$dir/targets"
}
echo "reproducible-check: building $(git rev-parse --short HEAD) in $tmp/a/src"
build_one "$tmp/a/src"
sleep 1
echo "reproducible-check: building it again in $tmp/second-build/deeper/cctsa"
mkdir -p "$tmp/second-build/deeper"
build_one "$tmp/second-build/deeper/cctsa"
fail=0
while read -r t; do
  h1=$(sha256sum <"$tmp/a/src/build/bin/$t" | cut -d' ' -f1)
  h2=$(sha256sum <"$tmp/second-build/deeper/cctsa/build/bin/$t" | cut -d' ' -f1)
  if [ "$h1" = "$h2" ]; then
    echo "  identical  $t  sha256 $h1"
  else
    echo "  DIFFERENT  $t  $h1 vs $h2"; fail=1
  fi
done <"$tmp/a/src/targets"
if [ "$fail" = 0 ]; then
  echo "reproducible-check: passed: the shipped binaries are byte-identical"
else
  echo "reproducible-check: FAILED (rerun with --keep and compare with diffoscope or readelf)" >&2
  exit 1
fi
