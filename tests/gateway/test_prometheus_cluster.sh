#!/usr/bin/env bash
# test_prometheus_cluster.sh: a real Prometheus (Debian `prometheus`, loopback, temp dir) scraping
# the local five-node cluster started by `cctsa up` (the gateway with all five as --node), with
# deploy/prometheus/cctsa-rules.yml: once the key epoch is ACTIVE, cctsa_nodes_online is 5 and
# the cluster HEALTHY through Prometheus' HTTP API; one node killed: cctsa_nodes_online 4, the
# cluster DEGRADED, and CctsaNodeDown becomes active. Registered in CTest only once the cluster
# mode exists (src/node/mesh*.c); release build only.
# usage: test_prometheus_cluster.sh BIN_DIR RULES_FILE
set -uo pipefail
. "$(dirname "$0")/tsa_lib.sh"
. "$(dirname "$0")/prom_lib.sh"
tsa_test_setup "$1" promcluster # BIN, WORK, PIDS (killed on exit), pass/fail, check
RULES=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
for t in prometheus curl python3; do command -v "$t" >/dev/null || { echo "test_prometheus_cluster: $t is missing"; exit 1; }; done
cd "$WORK"
GWPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/cctsa" up --dir "$WORK/up" --listen "127.0.0.1:$GWPORT" >up.out 2>up.err &
UP_PID=$!
PIDS+=($UP_PID)
active() { curl -s "http://127.0.0.1:$GWPORT/health" | grep -q '"key_state":"ACTIVE"'; }
for _ in $(seq 120); do active && break; sleep 0.5; done
check "the cluster reaches ACTIVE within 60 s" active
start_prometheus "$RULES" "127.0.0.1:$GWPORT"
check "prometheus: cctsa_nodes_online is 5" prom_wait cctsa_nodes_online 5
check "prometheus: key state ACTIVE" prom_wait 'cctsa_key_state{state="ACTIVE"}' 1
check "prometheus: cluster HEALTHY" prom_wait 'cctsa_cluster_state{state="HEALTHY"}' 1
check "prometheus: no node-down alert" test "$(prom_query 'ALERTS{alertname="CctsaNodeDown"}')" = none
VICTIM=$(pgrep -P "$UP_PID" cctsa-node | head -1)
check "a node of cctsa up found" test -n "$VICTIM"
[ -n "$VICTIM" ] && kill "$VICTIM"
check "prometheus: cctsa_nodes_online drops to 4" prom_wait cctsa_nodes_online 4
check "prometheus: cluster DEGRADED" prom_wait 'cctsa_cluster_state{state="DEGRADED"}' 1
check "prometheus: CctsaNodeDown active" prom_wait 'count(ALERTS{alertname="CctsaNodeDown",severity="warning"})' 1
kill -INT "$UP_PID"
for _ in $(seq 100); do kill -0 "$UP_PID" 2>/dev/null || break; sleep 0.1; done
check "cctsa up stops on SIGINT" bash -c "! kill -0 $UP_PID 2>/dev/null"

[ "$fail" = 0 ] || { echo "--- cctsa up"; tail -30 up.err; echo "--- prometheus"; tail -5 prom.log; echo "--- command log"; tail -30 log; }
echo "test_prometheus_cluster: $pass passed, $fail failed"
[ "$fail" = 0 ]
