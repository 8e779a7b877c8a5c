# prom_lib.sh: sourced by tests that run a real Prometheus (Debian `prometheus`) against a gateway.
# Needs WORK and PIDS (tsa_lib.sh's tsa_test_setup).
#
# start_prometheus RULES_FILE HOST:PORT: scrape the gateway every second and evaluate RULES_FILE
#   every second; storage in $WORK/tsdb, the API on a free loopback port (PROM_PORT), log prom.log.
# prom_query EXPR: the first sample's value, or "none".
# prom_wait EXPR VALUE: up to 30 s until prom_query EXPR prints VALUE.
start_prometheus() {
  PROM_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$WORK/prom.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$1"]
scrape_configs:
  - job_name: cctsa
    static_configs: [{targets: ["$2"]}]
YML
  prometheus --config.file="$WORK/prom.yml" --storage.tsdb.path="$WORK/tsdb" --web.listen-address="127.0.0.1:$PROM_PORT" \
    >"$WORK/prom.log" 2>&1 &
  PIDS+=($!)
}
prom_query() {
  curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")' 2>/dev/null
}
prom_wait() {
  for _ in $(seq 60); do [ "$(prom_query "$1")" = "$2" ] && return 0; sleep 0.5; done
  return 1
}
