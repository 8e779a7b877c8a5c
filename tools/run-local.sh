#!/usr/bin/env bash
# `make run`: start what exists. Until the node and gateway exist this shows what is built and how
# to drive it; later it starts a local 5-node cluster with a gateway on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
if [ -x "$bin/cctsa-node" ] && [ -x "$bin/cctsa-gateway" ]; then
  exec tools/cluster.sh start
fi
echo "cctsa: the 5-node cluster and gateway are not built yet (issues to come)."
echo "Built so far in $bin:"
found=0
for f in "$bin"/*; do
  [ -x "$f" ] || continue
  case "$(basename "$f")" in test_*|fuzz_*) continue ;; esac
  echo "  $(basename "$f")"; found=1
done
[ "$found" = 1 ] || echo "  (nothing yet)"
if [ -x "$bin/cctsa" ]; then
  echo; "$bin/cctsa" version || true
  echo; echo "Try: $bin/cctsa --help"
fi
