#!/usr/bin/env bash
# bench_cluster.sh: the local five-node threshold cluster (`cctsa up`, sim attestation) under load.
# Boot: seconds from start to key epoch ACTIVE (polling /health). Per profile: N requests from C
# concurrent keep-alive clients (cctsa-bench-load), every reply verified in-process (nonce, imprint,
# policy, tsp_verify against the dev roots and /certs): tokens/s, p50/p99 latency, mesh bytes per
# token (cctsa_mesh_bytes_total), ML-DSA attempts per signature (cctsa_mldsa_sign_attempts), CPU
# per party per token (utime+stime of the cctsa-node processes from /proc, until the nodes are idle
# again, over tokens x 3 parties). Baseline in the same run: `openssl ts -reply` with one local
# ECDSA P-384 key, N requests from C parallel processes; ratios cluster/baseline.
# usage: bench/bench_cluster.sh [BIN_DIR] [--requests N] [--clients C] [--profiles "classic pq hybrid compat"]
# Machine-readable lines: BOOT, RESULT (per profile), BASELINE, SUMMARY. Exit 1 if any token failed.
set -uo pipefail
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
BIN=build/bin N=400 C=16 PROFILES="classic pq hybrid compat"
while [ $# -gt 0 ]; do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --requests) N=${2:?}; shift ;;
    --clients) C=${2:?}; shift ;;
    --profiles) PROFILES=${2:?}; shift ;;
    -*) usage >&2; exit 2 ;;
    *) BIN=$1 ;;
  esac
  shift
done
case "$N$C" in *[!0-9]*) usage >&2; exit 2 ;; esac
BIN=$(cd "$BIN" && pwd) || exit 2
for p in cctsa cctsa-node cctsa-gateway cctsa-bench-load; do
  [ -x "$BIN/$p" ] || { echo "bench_cluster: $BIN/$p missing (build first)"; exit 2; }
done
WORK=$(mktemp -d /tmp/cctsa-clbench-XXXXXX)
UP_PID=
cleanup() {
  if [ -n "$UP_PID" ]; then
    kill -INT "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
  fi
  [ "${KEEP:-0}" = 1 ] && echo "bench_cluster: kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; } # seconds since START
TCK=$(getconf CLK_TCK)

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
echo "bench_cluster: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); N=$N requests, C=$C clients"

# ---- boot ----
t0=$(now)
"$BIN/cctsa" up --dir "$WORK/up" --listen "127.0.0.1:$PORT" >"$WORK/up.out" 2>&1 &
UP_PID=$!
last=
while :; do
  kill -0 "$UP_PID" 2>/dev/null || { echo "bench_cluster: cctsa up stopped:"; cat "$WORK/up.out"; exit 1; }
  h=$(curl -s --max-time 2 "$URL/health" || true)
  state=$(printf '%s' "$h" | grep -o '"key_state":"[A-Z_]*"' | cut -d'"' -f4)
  if [ -n "$state" ] && [ "$state" != "$last" ]; then
    printf '  [%5.1f s] key epoch %s\n' "$(since "$t0")" "$state"
    last=$state
  fi
  [ "$state" = ACTIVE ] && break
  [ "$(since "$t0" | cut -d. -f1)" -ge 600 ] && { echo "bench_cluster: not ACTIVE after 600 s"; exit 1; }
  sleep 0.1
done
BOOT=$(since "$t0")
curl -sf "$URL/certs" >"$WORK/certs.pem" && curl -sf "$URL/binding" >"$WORK/binding.der" ||
  { echo "bench_cluster: cannot fetch /certs and /binding"; exit 1; }
printf 'BOOT seconds=%.1f certs=%d binding_bytes=%d\n' "$BOOT" "$(grep -c 'BEGIN CERT' "$WORK/certs.pem")" \
  "$(stat -c %s "$WORK/binding.der")"

# The node processes (children of cctsa up) and their names.
declare -a NODE_PIDS NODE_NAMES
for pid in $(pgrep -P "$UP_PID" -x cctsa-node); do
  NODE_PIDS+=("$pid")
  NODE_NAMES+=("$(tr '\0' '\n' <"/proc/$pid/cmdline" | grep -A1 -x -- --name | tail -1)")
done
[ "${#NODE_PIDS[@]}" = 5 ] || { echo "bench_cluster: expected 5 cctsa-node processes, found ${#NODE_PIDS[@]}"; exit 1; }

ticks() { # utime+stime of each node (clock ticks), one per line
  local pid
  for pid in "${NODE_PIDS[@]}"; do
    sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'
  done
}
settle() { # wait (at most 60 s) until the nodes together use < 5 % of a core over 1 s
  local a b end=$((SECONDS + 60))
  a=$(ticks | awk '{ s += $1 } END { print s }')
  while [ $SECONDS -lt $end ]; do
    sleep 1
    b=$(ticks | awk '{ s += $1 } END { print s }')
    [ $((b - a)) -lt $((TCK / 20 + 1)) ] && return 0
    a=$b
  done
}
metric_sum() { # FILE NAME LABEL-FILTER: sum of the samples of NAME whose labels match the filter
  awk -v n="$2" -v f="$3" '$1 ~ "^"n"[{ ]" || $1 == n { if (f == "" || index($1, f)) s += $NF } END { printf "%.0f\n", s }' "$1"
}
snapshot() { # NAME: /metrics and the node CPU
  sleep 1.2 # the gateway asks every node for STATUS each second
  curl -sf "$URL/metrics" >"$WORK/$1.metrics" || : >"$WORK/$1.metrics"
  ticks >"$WORK/$1.ticks"
}

ALL_OK=1 TOTAL_FAILED=0
declare -A RATE
for prof in $PROFILES; do
  echo "profile $prof: $N requests, $C clients"
  settle
  snapshot before
  "$BIN/cctsa-bench-load" --port "$PORT" --profile "$prof" --requests "$N" --clients "$C" \
    --ca "$WORK/up/ca/root-ecdsa.pem" --ca "$WORK/up/ca/root-mldsa.pem" --cert "$WORK/certs.pem" >"$WORK/load.out"
  rc=$?
  res=$(sed -n 's/^RESULT //p' "$WORK/load.out")
  [ -n "$res" ] || { echo "bench_cluster: the load client printed no result (exit $rc)"; ALL_OK=0; continue; }
  settle # include the work the run left behind (presignature refills)
  snapshot after
  declare -A R=()
  for kv in $res; do R[${kv%%=*}]=${kv#*=}; done
  ok=${R[verified]}
  [ "$rc" = 0 ] && [ "$ok" = "$N" ] || ALL_OK=0
  TOTAL_FAILED=$((TOTAL_FAILED + R[failed]))
  RATE[$prof]=${R[tokens_per_s]}
  # CPU per party per token, total and per node
  cpu=$(paste "$WORK/before.ticks" "$WORK/after.ticks" | awk -v t="$TCK" -v k="$ok" '
    { d = $2 - $1; s += d; per = per sprintf(" %.1f", k ? d * 1000 / t / k : 0) }
    END { printf "%.2f%s\n", k ? s * 1000 / t / (k * 3) : 0, per }')
  read -r cpu_party cpu_nodes <<<"$cpu"
  mesh_out=$(($(metric_sum "$WORK/after.metrics" cctsa_mesh_bytes_total 'direction="out"') -
    $(metric_sum "$WORK/before.metrics" cctsa_mesh_bytes_total 'direction="out"')))
  att_n=$(($(metric_sum "$WORK/after.metrics" cctsa_mldsa_sign_attempts_count '') -
    $(metric_sum "$WORK/before.metrics" cctsa_mldsa_sign_attempts_count '')))
  att_s=$(($(metric_sum "$WORK/after.metrics" cctsa_mldsa_sign_attempts_sum '') -
    $(metric_sum "$WORK/before.metrics" cctsa_mldsa_sign_attempts_sum '')))
  dist=
  prev=0
  for le in 1 2 3 4 5 6 7 +Inf; do
    c=$(($(metric_sum "$WORK/after.metrics" cctsa_mldsa_sign_attempts_bucket "le=\"$le\"") -
      $(metric_sum "$WORK/before.metrics" cctsa_mldsa_sign_attempts_bucket "le=\"$le\"")))
    [ $((c - prev)) -gt 0 ] && dist="$dist ${le/+Inf/>7}:$((c - prev))"
    prev=$c
  done
  mesh_tok=$(awk -v b="$mesh_out" -v k="$ok" 'BEGIN { printf "%.0f", k ? b / k : 0 }')
  att_mean=$(awk -v s="$att_s" -v n="$att_n" 'BEGIN { printf "%.2f", n ? s / n : 0 }')
  printf '  %s tokens/s, p50 %s ms, p99 %s ms (max %s ms), %s of %s verified\n' "${R[tokens_per_s]}" "${R[p50_ms]}" \
    "${R[p99_ms]}" "${R[max_ms]}" "$ok" "$N"
  printf '  CPU per party per token %s ms (per node per token:%s ms: %s)\n' "$cpu_party" "$cpu_nodes" "${NODE_NAMES[*]}"
  printf '  mesh bytes sent per token %s; ML-DSA signatures %s, attempts mean %s, distribution attempts:count%s\n' \
    "$mesh_tok" "$att_n" "$att_mean" "${dist:- (none)}"
  echo "RESULT $res cpu_ms_per_party_token=$cpu_party mesh_bytes_per_token=$mesh_tok mldsa_signatures=$att_n" \
    "mldsa_attempts_mean=$att_mean"
done

# ---- baseline: openssl ts -reply, one local ECDSA P-384 key, C parallel processes ----
BL=$WORK/baseline
mkdir -p "$BL"
openssl ecparam -name secp384r1 -genkey -noout -out "$BL/key.pem" 2>/dev/null &&
  openssl req -new -x509 -key "$BL/key.pem" -subj /CN=bench-baseline-tsa -days 2 -sha384 \
    -addext "extendedKeyUsage=critical,timeStamping" -out "$BL/cert.pem" 2>/dev/null || { echo "bench_cluster: baseline key"; exit 1; }
echo "baseline: openssl ts -reply, $N requests, $C parallel processes (preparing requests)"
for i in $(seq "$N"); do
  echo "baseline $i $RANDOM" >"$BL/d$i"
  openssl ts -query -data "$BL/d$i" -sha256 -cert -out "$BL/q$i.tsq" 2>/dev/null
done
for w in $(seq "$C"); do
  printf '0%d\n' "$w" >"$BL/serial$w"
  cat >"$BL/tsa$w.cnf" <<EOF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = $BL/serial$w
crypto_device = builtin
signer_cert = $BL/cert.pem
signer_key = $BL/key.pem
signer_digest = sha384
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ess_cert_id_alg = sha256
EOF
done
bl_worker() { # W: requests W, W+C, W+2C, ...
  local i
  for ((i = $1; i <= N; i += C)); do
    openssl ts -reply -config "$BL/tsa$1.cnf" -queryfile "$BL/q$i.tsq" -out "$BL/r$i.tsr" 2>/dev/null
  done
}
b0=$(now)
BL_PIDS=()
for w in $(seq "$C"); do
  bl_worker "$w" &
  BL_PIDS+=($!)
done
wait "${BL_PIDS[@]}"
BL_SECS=$(since "$b0")
bl_ok=0
for i in $(seq "$N"); do
  [ -s "$BL/r$i.tsr" ] && bl_ok=$((bl_ok + 1))
done
openssl ts -verify -in "$BL/r1.tsr" -queryfile "$BL/q1.tsq" -CAfile "$BL/cert.pem" >/dev/null 2>&1 ||
  echo "bench_cluster: warning: the first baseline reply does not verify"
BL_RATE=$(awk -v k="$bl_ok" -v s="$BL_SECS" 'BEGIN { printf "%.2f", k / s }')
echo "  $BL_RATE tokens/s ($bl_ok of $N replies in $(printf '%.2f' "$BL_SECS") s)"
echo "BASELINE tool=openssl-ts-reply sent=$N answered=$bl_ok seconds=$BL_SECS tokens_per_s=$BL_RATE"

ratios=
for prof in $PROFILES; do
  [ -n "${RATE[$prof]:-}" ] && ratios="$ratios ratio_$prof=$(awk -v a="${RATE[$prof]}" -v b="$BL_RATE" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done
echo "ratios cluster/baseline tokens/s:$ratios"
echo "SUMMARY ok=$ALL_OK failed=$TOTAL_FAILED boot_seconds=$BOOT baseline_tokens_per_s=$BL_RATE ${ratios# }"
[ "$ALL_OK" = 1 ]
