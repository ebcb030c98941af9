#!/usr/bin/env bash
# One room across several nodes through Redis (--redis), measured with `dualchat bench relay`: latency and
# relayed lines/s with the senders on one node and the receivers on the others, against one node alone, with
# Redis's CPU time read from /proc/PID/stat. Loopback only; stops by itself; every process it starts is
# stopped by its PID.
#
# Usage (from anywhere in the repository, after `mvn -q package -DskipTests`; DUALCHAT_JAR=path for another jar):
#   bash bench/nodes.sh            3 runs of each case
#   bash bench/nodes.sh --quick    1 run, smaller loads: a smoke test, not figures
#   options: --runs N
#
# Cases (each: a fresh redis-server on a free port with no persistence, fresh nodes):
#   latency: 10 senders, 100 receivers, 1,000 msg/s in all for 10 s (100,000 deliveries/s):
#     local1        one node, no Redis: the baseline
#     redis1-stream one node with Redis, own messages through the stream (the default)
#     redis1-local  one node with Redis, own messages relayed at once (--redis-own local)
#     redis3        three nodes: senders on node 1, receivers on nodes 2 and 3
#   throughput: 10 senders, 100 receivers, as fast as possible, 20,000 messages (2,000,000 deliveries):
#     local1-max    one node, no Redis
#     redis3-max    three nodes: senders on node 1, receivers spread over nodes 1, 2 and 3
# Figures per case: median [min-max] of the runs for p50, p99 (ms), relayed lines/s received by all the
# receivers together, and Redis's CPU time per second of the run (user+system, as a share of one core).

set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=3
QUICK=0
while (($#)); do
    case $1 in
        --quick) QUICK=1; RUNS=1 ;;
        --runs) RUNS=$2; shift ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

JAR=${DUALCHAT_JAR:-chat-cli/target/dualchat.jar}
[ -f "$JAR" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "needs redis-server (apt-get install redis-server)" >&2; exit 1; }
LAT_COUNT=10000
MAX_COUNT=20000
if ((QUICK)); then LAT_COUNT=3000; MAX_COUNT=5000; fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_redis() {
    REDIS_PORT=$(free_port)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
        --logfile "$WORK/redis.log" --daemonize no &
    REDIS_PID=$!
    PIDS+=("$REDIS_PID")
    for _ in $(seq 100); do
        [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null || true)" = PONG ] && return
        python3 - "$REDIS_PORT" <<'PY' 2>/dev/null && return || sleep 0.1
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.sendall(b"PING\r\n"); assert s.recv(16).startswith(b"+PONG")
PY
    done
    echo "redis-server did not start" >&2; exit 1
}

# start_node NAME ARGS...: a node on a free TCP port; sets PORT_<NAME>.
start_node() {
    local name=$1; shift
    local port; port=$(free_port)
    java -Xmx512m -jar "$JAR" -b 127.0.0.1 -u 0 -t "$port" --rate 0 --max-connections-per-ip 10000 -q "$@" \
        > /dev/null 2> "$WORK/$name.err" &
    PIDS+=("$!")
    eval "PORT_$name=$port"
    eval "PID_$name=$!"
    for _ in $(seq 300); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=1).close()" 2>/dev/null
        then return; fi
        sleep 0.1
    done
    echo "node $name did not start: $(cat "$WORK/$name.err")" >&2; exit 1
}

stop_all() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}

# bench CASE RATE COUNT SENDER_PORT RECEIVER_PORTS...: one run, after a warm-up run of the same clients (the
# nodes' JIT); appends "case p50 p99 lines_s redis_cpu lost".
bench() {
    local case=$1 rate=$2 count=$3 sender=$4; shift 4
    local recv=()
    for p in "$@"; do recv+=(--receiver-port "$p"); done
    java -jar "$JAR" bench relay 127.0.0.1 -p "$sender" "${recv[@]}" -c 10 -R 100 -r 0 -n 2000 -d 30 --wait 20 \
        --kv > /dev/null
    local t0 c0=0 c1=0 t1
    t0=$(date +%s.%N)
    [ -n "${REDIS_PID:-}" ] && c0=$(cpu_ticks "$REDIS_PID")
    local line
    line=$(java -jar "$JAR" bench relay 127.0.0.1 -p "$sender" "${recv[@]}" -c 10 -R 100 -r "$rate" -n "$count" \
        -d 60 --wait 20 --kv)
    t1=$(date +%s.%N)
    [ -n "${REDIS_PID:-}" ] && c1=$(cpu_ticks "$REDIS_PID")
    local hz; hz=$(getconf CLK_TCK)
    local cpu; cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v t0="$t0" -v t1="$t1" \
        'BEGIN { printf "%.2f", (b - a) / hz / (t1 - t0) }')
    local p50 p99 rps lost
    p50=$(sed -n 's/.* p50_us=\([0-9]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.* p99_us=\([0-9]*\).*/\1/p' <<<"$line")
    rps=$(sed -n 's/.* received_per_s=\([0-9]*\).*/\1/p' <<<"$line")
    lost=$(sed -n 's/.* lost=\([0-9]*\).*/\1/p' <<<"$line")
    echo "$case ${p50:-0} ${p99:-0} ${rps:-0} $cpu ${lost:-?}" >> "$WORK/results"
    echo "  $case: p50 ${p50}us p99 ${p99}us, ${rps} lines/s, lost ${lost}, redis cpu ${cpu}" >&2
}

for run in $(seq "$RUNS"); do
    echo "run $run of $RUNS" >&2
    REDIS_PID=
    start_node a; bench local1 1000 "$LAT_COUNT" "$PORT_a"; bench local1-max 0 "$MAX_COUNT" "$PORT_a"; stop_all

    start_redis; R="redis://127.0.0.1:$REDIS_PORT"
    start_node a --redis "$R" --room r1s; bench redis1-stream 1000 "$LAT_COUNT" "$PORT_a"; stop_all
    start_redis; R="redis://127.0.0.1:$REDIS_PORT"
    start_node a --redis "$R" --room r1l --redis-own local; bench redis1-local 1000 "$LAT_COUNT" "$PORT_a"; stop_all

    start_redis; R="redis://127.0.0.1:$REDIS_PORT"
    start_node a --redis "$R" --room r3; start_node b --redis "$R" --room r3; start_node c --redis "$R" --room r3
    bench redis3 1000 "$LAT_COUNT" "$PORT_a" "$PORT_b" "$PORT_c"
    bench redis3-max 0 "$MAX_COUNT" "$PORT_a" "$PORT_a" "$PORT_b" "$PORT_c"
    stop_all
done

echo
echo "machine: $(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg); runs: $RUNS"
printf '%-14s %-22s %-22s %-26s %-18s %s\n' case "p50 ms" "p99 ms" "relayed lines/s" "redis cpu (cores)" lost
for c in local1 redis1-stream redis1-local redis3 local1-max redis3-max; do
    awk -v c="$c" '
        $1 == c { n++; p50[n] = $2 / 1000; p99[n] = $3 / 1000; rps[n] = $4; cpu[n] = $5; lost = lost " " $6 }
        function med(a, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return sprintf("%s [%s-%s]", a[int((n + 1) / 2)], a[1], a[n])
        }
        END { if (n) printf "%-14s %-22s %-22s %-26s %-18s%s\n", c, med(p50, n), med(p99, n), med(rps, n), med(cpu, n), lost }
    ' "$WORK/results"
done
