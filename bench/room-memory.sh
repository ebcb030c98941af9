#!/usr/bin/env bash
# What the room costs in memory and garbage, in measures that a busy machine does not skew much: what the
# server's heap retains per idle client (class histograms), what its event loops allocate per client and per
# relayed line (JFR's per-thread allocation counts), and how many GC pauses each JVM takes during a relay run.
# Loopback only; every load bounded; every process stopped by its PID.
#
# Usage: bash bench/room-memory.sh JAR [idle|relay|both] [SERVER-JVM-OPTIONS...]
#   idle   bench idle -c 10000 --hold 12: the server's heap by class with 0 and with 10,000 idle clients
#          (jcmd GC.class_histogram, each after a full GC), the difference per client, the bytes its event
#          loops allocated per client from connect to close, and KB each as room.sh counts it
#          ((VmHWM after - VmRSS before) / 10,000, but here after the first histogram's full GC)
#   relay  bench relay -R 100 -r 1000 -n 10000 (the generator from JAR, on its default collector unless
#          GEN_JVM says otherwise): latency, the server's and the generator's GC pauses once the run is under
#          way (how many, how many full, the longest), and the server's event loops' allocation per relayed line
# The server runs as `java OPTIONS -jar JAR server ...`; pass the launcher's options to measure the server as
# the README starts it, e.g.  -XX:+UseSerialGC -Xms8m -Xmx80m -XX:MinHeapFreeRatio=40 -XX:MaxHeapFreeRatio=60
# Needs jcmd and jfr (the JDK's), python3, and `ulimit -n` of at least 10,100 for idle.

set -euo pipefail
(($# >= 1)) || { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
JAR=$(realpath "$1"); WHAT=${2:-both}; shift; (($#)) && shift
SERVER_OPTS=("$@")
ulimit -n 20000 2>/dev/null || true
WORK=$(mktemp -d /tmp/dualchat-room-memory.XXXXXX)
PID=
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cat >"$WORK/alloc.jfc" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="allocation">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">1 s</setting></event>
</configuration>
EOF

start_server() {
    java "${SERVER_OPTS[@]}" -Xlog:gc:file="$WORK/server-gc.log" \
        -XX:StartFlightRecording=settings="$WORK/alloc.jfc",filename="$WORK/server.jfr",dumponexit=true \
        -jar "$JAR" server -t 0 -u 0 -b 127.0.0.1 --max-connections 10000 --max-connections-per-ip 10000 \
        >/dev/null 2>"$WORK/err.txt" &
    PID=$!
    for _ in $(seq 300); do grep -q 'Listening on UDP' "$WORK/err.txt" 2>/dev/null && break; sleep 0.1; done
    PORT=$(grep -m1 'Listening on UDP' "$WORK/err.txt" | sed -E 's/.*TCP [^ ]*:([0-9]+).*/\1/')
}
stop_server() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }

# The bytes all event loops had allocated at each second, from the JFR recording: python prints "first last busiest".
loop_alloc() {
    jfr print --events jdk.ThreadAllocationStatistics "$WORK/server.jfr" | python3 -c '
import collections, re, sys
ev = re.findall(r"startTime = (\S+)\s+allocated = ([\d.]+) (\w+)\s+thread = \"([^\"]+)\"", sys.stdin.read())
unit = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
at = collections.defaultdict(dict)
for t, v, u, th in ev:
    if "EventLoop" in th:
        at[t][th] = float(v) * unit[u]
last, series = {}, []
for t in sorted(at):
    last.update({th: max(last.get(th, 0), b) for th, b in at[t].items()})
    series.append(sum(last.values()))
steps = sorted((b - a for a, b in zip(series, series[1:])), reverse=True)
print(int(series[-1]) if series else 0, int(sorted(steps[:8])[len(steps[:8]) // 2]) if steps else 0)'
}

# GC pauses after the first N seconds of a -Xlog:gc file: count, full, longest.
pauses() {
    awk -v after="$2" '/Pause/ && substr($1, 2) + 0 > after { n++; if (/Full/) f++; ms = $NF; sub("ms", "", ms); if (ms + 0 > m) m = ms + 0 }
        END { printf "%d pauses (%d full), longest %.1f ms", n, f, m }' "$1"
}

idle() {
    start_server
    sleep 1
    jcmd "$PID" GC.class_histogram >"$WORK/h0.txt"
    local before; before=$(kb "$PID" VmRSS)
    java -jar "$JAR" bench idle 127.0.0.1 -p "$PORT" -c 10000 --hold 12 --wait 10 --kv >"$WORK/idle.txt" &
    local bench=$!
    for _ in $(seq 600); do (($(ls "/proc/$PID/fd" | wc -l) > 10000)) && break; sleep 0.1; done
    sleep 4
    jcmd "$PID" GC.class_histogram >"$WORK/h1.txt"
    wait "$bench"
    local hwm; hwm=$(kb "$PID" VmHWM)
    stop_server
    echo "idle: $(cat "$WORK/idle.txt")"
    echo "idle: KB each as room.sh counts it: $(((hwm - before) * 1024 / 10000 / 1000))"
    read -r total _ < <(loop_alloc)
    echo "idle: the event loops allocated $((total / 10000)) bytes per client, connect to close"
    python3 - "$WORK/h0.txt" "$WORK/h1.txt" <<'EOF'
import sys
def load(f):
    d = {}
    for line in open(f):
        p = line.split()
        if len(p) >= 4 and p[0].endswith(':') and p[0][:-1].isdigit():
            d[p[3]] = (int(p[1]), int(p[2]))
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
rows = sorted(((s - a.get(k, (0, 0))[1], n - a.get(k, (0, 0))[0], k) for k, (n, s) in b.items()), reverse=True)
print("idle: the heap retains %d bytes per idle client; by class (bytes per client, instances per client):"
      % (sum(r[0] for r in rows) / 10000))
for size, n, name in rows[:25]:
    print("  %7.1f  %5.2f  %s" % (size / 10000, n / 10000, name))
EOF
}

relay() {
    start_server
    java ${GEN_JVM:-} -Xlog:gc:file="$WORK/gen-gc.log" -jar "$JAR" bench relay 127.0.0.1 -p "$PORT" \
        -R 100 -r 1000 -n 10000 --kv >"$WORK/relay.txt"
    stop_server
    echo "relay: $(cat "$WORK/relay.txt")"
    # The generator's first 3 s, the server's first 5 s: start-up and connecting, before the messages.
    echo "relay: server GC once under way: $(pauses "$WORK/server-gc.log" 5); generator: $(pauses "$WORK/gen-gc.log" 3)"
    read -r _ busiest < <(loop_alloc)
    echo "relay: the server's event loops allocated $((busiest / 100000)) bytes per relayed line (median of its busiest seconds, 100,000 lines/s)"
}

case $WHAT in
    idle) idle ;;
    relay) relay ;;
    both) idle; relay ;;
    *) echo "room-memory.sh: idle, relay or both, not $WHAT" >&2; exit 2 ;;
esac
