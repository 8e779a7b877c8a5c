#!/usr/bin/env bash
# `make run`: start a development TSA as two processes: cctsa-node (ephemeral in-memory keys
# certified by a local development CA, host clock) on a unix socket and cctsa-gateway (HTTP, no
# secret) in front of it. A later issue makes it five nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
run=${CCTSA_RUN_DIR:-run}
listen=${CCTSA_LISTEN:-127.0.0.1:8318}

echo "cctsa: built in $bin:"
for f in "$bin"/cctsa*; do [ -x "$f" ] && echo "  $(basename "$f")"; done
"$bin/cctsa" version | sed 's/^/  /'
for b in cctsa-node cctsa-gateway; do
  [ -x "$bin/$b" ] || { echo "$b is not built; try: $bin/cctsa --help"; exit 1; }
done

mkdir -p "$run"
run=$(cd "$run" && pwd)
if [ ! -f "$run/ca/root-ecdsa.pem" ] && [ ! -f "$run/ca/root-mldsa.pem" ]; then
  echo "Creating a development CA in $run/ca (local use only)"
  "$bin/cctsa" ca init --dir "$run/ca"
fi
sock="$run/node.sock"
"$bin/cctsa-node" --dev --dev-ca "$run/ca" --listen "unix:$sock" >"$run/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$run/node.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$run/node.log" || { echo "cctsa-node did not start:"; cat "$run/node.log"; exit 1; }
"$bin/cctsa-gateway" --node "unix:$sock" --listen "$listen" >"$run/gateway.log" 2>&1 &
gw_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$run/gateway.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$run/gateway.log" || { echo "cctsa-gateway did not start:"; cat "$run/gateway.log"; kill "$node_pid"; exit 1; }
echo "$node_pid" >"$run/node.pid"
echo "$gw_pid" >"$run/gateway.pid"

cas=$(ls "$run"/ca/root-*.pem | sed 's/^/--ca /' | tr '\n' ' ')
url="http://$listen/tsa"
cat <<MSG

Running in DEVELOPMENT mode (ephemeral keys in locked memory, dev CA $run/ca, host clock):
  cctsa-node     pid $node_pid  unix:$sock   log $run/node.log
  cctsa-gateway  pid $gw_pid  http://$listen  log $run/gateway.log
Stop both:
  kill $gw_pid $node_pid        (or: kill \$(cat $run/gateway.pid) \$(cat $run/node.pid))
Try:
  echo hello > /tmp/hello.txt
  $bin/cctsa stamp /tmp/hello.txt --url $url --profile hybrid -o /tmp/hello.tsr
  $bin/cctsa verify /tmp/hello.tsr --data /tmp/hello.txt $cas--require both
  $bin/cctsa inspect /tmp/hello.tsr
  openssl ts -query -data /tmp/hello.txt -sha384 -cert -out /tmp/q.tsq
  curl -s -H 'Content-Type: application/timestamp-query' --data-binary @/tmp/q.tsq $url/classic > /tmp/r.tsr
  openssl ts -reply -in /tmp/r.tsr -text
  curl -s http://$listen/health
MSG
