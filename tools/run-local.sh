#!/usr/bin/env bash
# `make run`: the local five-node threshold cluster through `cctsa up` (five cctsa-node --cluster
# processes with the sim attestation provider and a DKG on boot, the dev CA in $CCTSA_RUN_DIR/ca,
# cctsa-gateway on $CCTSA_LISTEN). It prints the URL and the verify commands once the key epoch is
# ACTIVE; Ctrl-C stops everything. CCTSA_RUN_DIR (default run/) keeps the CA, logs, certificates
# and the binding record.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
run=${CCTSA_RUN_DIR:-run}
listen=${CCTSA_LISTEN:-127.0.0.1:8318}

echo "cctsa: built in $bin:"
for f in "$bin"/cctsa*; do [ -x "$f" ] && echo "  $(basename "$f")"; done
"$bin/cctsa" version | sed 's/^/  /'
for b in cctsa cctsa-node cctsa-gateway; do
  [ -x "$bin/$b" ] || { echo "$b is not built; try: make build"; exit 1; }
done
exec "$bin/cctsa" up --dir "$run" --listen "$listen"
