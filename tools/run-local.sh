#!/usr/bin/env bash
# `make run`: start what exists. Once cctsa-node exists this starts a local 5-node cluster with a
# gateway on 127.0.0.1; until then it starts the gateway in development mode (ephemeral in-memory
# TSA keys certified by a local development CA) and shows what else is built.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
run=${CCTSA_RUN_DIR:-run}
listen=${CCTSA_LISTEN:-127.0.0.1:8318}

echo "cctsa: built in $bin:"
for f in "$bin"/cctsa*; do [ -x "$f" ] && echo "  $(basename "$f")"; done
"$bin/cctsa" version | sed 's/^/  /'

if [ -x "$bin/cctsa-node" ]; then
  exec tools/cluster.sh start
fi
echo
echo "The 5-node threshold cluster (cctsa-node) is not built yet: threshold ML-DSA-65 and threshold"
echo "ECDSA P-384 exist as libraries with in-process drivers (see bench/: make bench)."
if [ ! -x "$bin/cctsa-gateway" ]; then
  echo "No gateway built yet; try: $bin/cctsa --help"
  exit 0
fi

mkdir -p "$run"
if [ ! -f "$run/ca/root-ecdsa.pem" ] && [ ! -f "$run/ca/root-mldsa.pem" ]; then
  echo "Creating a development CA in $run/ca (local use only)"
  "$bin/cctsa" ca init --dir "$run/ca"
fi
cas=$(ls "$run"/ca/root-*.pem | sed 's/^/--ca /' | tr '\n' ' ')
url="http://$listen/tsa"
cat <<MSG

Starting cctsa-gateway in DEVELOPMENT mode on http://$listen (Ctrl-C stops it).
Try, in another terminal:
  echo hello > /tmp/hello.txt
  $bin/cctsa stamp /tmp/hello.txt --url $url --profile hybrid -o /tmp/hello.tsr
  $bin/cctsa verify /tmp/hello.tsr --data /tmp/hello.txt $cas--require both
  $bin/cctsa inspect /tmp/hello.tsr
  openssl ts -query -data /tmp/hello.txt -sha384 -cert -out /tmp/q.tsq
  curl -s -H 'Content-Type: application/timestamp-query' --data-binary @/tmp/q.tsq $url/classic > /tmp/r.tsr
  openssl ts -reply -in /tmp/r.tsr -text

MSG
exec "$bin/cctsa-gateway" --dev-ca "$run/ca" --listen "$listen"
