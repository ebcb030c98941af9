#!/usr/bin/env bash
# The room's rows (issue 11), two servers on the same loads in the same run: a jar before a change and a
# jar after it. Loopback only; every load bounded in count and time; every process stopped by its PID.
#
# Usage: bash bench/room.sh BEFORE.jar AFTER.jar [--runs N] [--rows "latency fanout ..."] [--server launcher|java]
#        [--tcp-lines N] [--quick]
#   The load generator is always AFTER.jar's `dualchat bench` (it has every load), for both servers, with the
#   JVM's defaults and GEN_JVM (e.g. GEN_JVM=-XX:+UseZGC).
#   --runs N   runs of each row and jar, interleaved (default 3); the table gives medians [min-max]
#   --server   how the servers are started: `launcher` (default), as the README runs it: the jar as a program,
#              `sh JAR server ...`, which starts the JVM with the launcher's options (serial GC, 80 MB heap);
#              `java`: `java -jar JAR server ...`, the JVM's defaults (G1, a quarter of the RAM), the way this
#              script ran them before. A jar without the launcher is run with `java -jar` either way.
#              SERVER_JVM adds JVM options to the server in both cases.
#   --tcp-lines N  lines of the tcp1 and tcp100 rows (default 5,000,000, as in issue 11's own table; rounds
#              before 2026-12-03's fifteenth part ran 2,000,000, which on a fast machine is about a second,
#              inside a fresh JVM's compiles: the JIT's threads then take a third of the two cores)
#   --quick    smaller loads, 1 run: a smoke test, not figures
#
# Rows (the server: `JAR server -t 0 -u 0 --max-connections 10000 --max-connections-per-ip 10000`, stdout to a
# file, relay on unless the row says --no-relay):
#   latency    bench relay -R 100 -r 1000 -n 10000 --warmup 5: p50 and p99 relay latency, ms, of the run after
#              a warm-up of 5 s at the same rate (LAT_WARMUP=SECONDS; 0 for none, as before); the warm-up's own
#              p99 (a fresh server's and generator's first seconds); the GC pauses of the server and of the
#              load generator (-Xlog:gc) within the run (from the generator's collection after its warm-up to
#              its end; with LAT_WARMUP=0, over the server's whole life), how many and the longest;
#              the seconds the server's event loop ran and waited runnable for a CPU during warm-up and run
#              (/proc schedstat): a wait near the run time means the machine, not the server, made the tail
#   fanout     bench relay -R 100 -r 0 -n 100000: relayed lines read per second, all receivers together;
#              the % of relays the receivers missed; CPU seconds used by the server and by the load
#              generator (if the generator used most, the figure measures its receivers)
#   fanoutc    the same fan-out with a native load (bench/c/fanout.c, built with cc): 100 receivers and 4
#              senders writing 800,000 lines (64 B, 4 KB writes) at 200,000 lines/s, which asks for 20M relayed
#              lines/s, more than the server keeps up with here; one epoll thread; relayed lines the
#              receivers read per second; % missed; CPU s server / generator. Its receivers cost a fraction of
#              the server's CPU per line, so on a small machine this is the row that shows the server's fan-out
#   idle       bench idle -c 10000 --hold 8: seconds to connect them all; how many greeted within 10 s; the
#              greetings' median, 99th percentile and slowest, from each connect; KB of server memory each: at the peak ((VmHWM after - VmRSS before) / 10,000),
#              held while all are connected (VmRSS 2 s before they leave - VmRSS before, / 10,000), and per
#              further client (the peak's growth with 10,000 - the same on a fresh server with 5,000, / 5,000:
#              what does not grow with the crowd, such as the JIT's compiles of the connect and close paths,
#              drops out)
#   onewrite   bench tcp -c 1000 --batch 1 -n 1000000 (one line per write): lines printed of those
#              sent, and the server's peak RSS (VmHWM), MB
#   tcp1       bench tcp -c 1 -n 5000000 (--tcp-lines), relay on and --no-relay: printed lines/s, and on/off; the peak of the
#              kernel's TCP memory during each (/proc/net/sockstat, all sockets of the machine), MB
#   tcp100     bench tcp -c 100 --no-read -n 5000000 (connections that read nothing until every line is
#              counted), same
#   udp        bench udp -n 1000000 at full speed, relay on and --no-relay (each a fresh server; which goes first alternates from run to run, as in the tcp rows): % lost
# Needs `ulimit -n` of at least 10,100 for the idle row (the script raises the soft limit if it can).

set -euo pipefail

usage() { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; }
(($# >= 2)) || { usage >&2; exit 2; }
BEFORE=$(realpath "$1"); AFTER=$(realpath "$2"); shift 2
RUNS=3; QUICK=0; ROWS="latency fanout fanoutc idle onewrite tcp1 tcp100 udp"; SERVER_RUN=launcher
LAT_WARMUP=${LAT_WARMUP:-5}
while (($#)); do
    case $1 in
        --runs) RUNS=$2; shift ;;
        --server)
            SERVER_RUN=$2; shift
            [[ $SERVER_RUN == launcher || $SERVER_RUN == java ]] || { echo "room.sh: --server launcher|java" >&2; exit 2; } ;;
        --rows) ROWS=$2; shift ;;
        --tcp-lines) TCP_LINES=$2; shift
            [[ $TCP_LINES =~ ^[1-9][0-9]*$ ]] || { echo "room.sh: --tcp-lines takes a positive count" >&2; exit 2; } ;;
        --quick) QUICK=1; RUNS=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "room.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
for jar in "$BEFORE" "$AFTER"; do [[ -f $jar ]] || { echo "room.sh: no such jar: $jar" >&2; exit 2; }; done
if ((QUICK)); then
    LAT_N=3000; FAN_N=20000; FANC_N=200000; IDLE_N=2000; ONE_N=100000; TCP_N=300000; UDP_N=200000
else
    LAT_N=10000; FAN_N=100000; FANC_N=800000; IDLE_N=10000; ONE_N=1000000; TCP_N=5000000; UDP_N=1000000
fi
TCP_N=${TCP_LINES:-$TCP_N}
ulimit -n 20000 2>/dev/null || true
if (($(ulimit -n) < IDLE_N + 100)); then
    echo "room.sh: ulimit -n is $(ulimit -n); the idle row needs $((IDLE_N + 100))" >&2
    exit 2
fi

WORK=$(mktemp -d /tmp/dualchat-room.XXXXXX)
LOG=${ROOM_LOG:-$WORK.log}
SERVER_PID=
# Rows run in subshells: the server's PID is kept in a file, so that the script's exit stops it too.
cleanup() {
    local pid
    pid=$(cat "$WORK/server.pid" 2>/dev/null || true)
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ " $ROWS " == *" fanoutc "* ]]; then
    cc -O2 -o "$WORK/fanout" "$(dirname "$0")/c/fanout.c" || { echo "room.sh: cannot build bench/c/fanout.c" >&2; exit 1; }
fi

bench() { timeout 300 java ${GEN_JVM:-} -jar "$AFTER" bench "$@" | tee -a "$LOG"; }
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -1; }

# start_server JAR [ARGS...]: sets SERVER_PID, TCP_PORT, UDP_PORT; stdout to $WORK/out.txt.
start_server() {
    local jar=$1; shift
    : >"$WORK/out.txt"
    # Gone before the launch: the background redirection may truncate it only after the wait below reads.
    rm -f "$WORK/err.txt"
    local args=(server -t 0 -u 0 -b 127.0.0.1 --max-connections 10000 --max-connections-per-ip 10000 "$@")
    if [[ $SERVER_RUN == launcher && $(head -c 2 "$jar") == '#!' ]]; then
        # The launcher execs java in its own process: $! is the JVM. JAVA_OPTS comes after its options.
        JAVA_OPTS="${SERVER_JVM:-}" sh "$jar" "${args[@]}" >"$WORK/out.txt" 2>"$WORK/err.txt" &
    else
        java ${SERVER_JVM:-} -jar "$jar" "${args[@]}" >"$WORK/out.txt" 2>"$WORK/err.txt" &
    fi
    SERVER_PID=$!
    echo "$SERVER_PID" >"$WORK/server.pid"
    local line=
    for _ in $(seq 300); do
        line=$(grep -m1 'Listening on UDP' "$WORK/err.txt" 2>/dev/null || true)
        [[ -n $line ]] && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/err.txt" >&2; echo "room.sh: the server did not start" >&2; exit 1; }
        sleep 0.1
    done
    [[ -n $line ]] || { echo "room.sh: the server did not listen within 30 s" >&2; exit 1; }
    UDP_PORT=$(sed -E 's/.*UDP [^ ]*:([0-9]+) .*/\1/' <<<"$line")
    TCP_PORT=$(sed -E 's/.*TCP [^ ]*:([0-9]+).*/\1/' <<<"$line")
}

stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    rm -f "$WORK/server.pid"
}

# The kernel's TCP memory (/proc/net/sockstat's `mem`, pages, every socket of the machine: the server's and
# the load generator's), sampled every 50 ms from tcp_mem_watch until tcp_mem_peak, which prints the peak
# above the value at the start, in MB: what a load's sockets made the kernel hold. A member that never reads
# holds what the kernel takes for it unsent (--tcp-notsent-lowat) besides its own receive buffer.
tcp_mem_watch() {
    local base page; tcp_mem_read; base=$TCP_MEM; page=$(getconf PAGESIZE)
    # No process started per sample but sleep: the sampler should not cost the load a core's share.
    ( peak=$base; for ((i = 0; i < 2400; i++)); do
          tcp_mem_read; ((TCP_MEM > peak)) && peak=$TCP_MEM
          echo $(( (peak - base) * page / 1048576 )) >"$WORK/tcpmem"
          sleep 0.05
      done ) &
    MEM_PID=$!
}
# Sets TCP_MEM to the kernel's TCP memory now, in pages, without starting a process.
tcp_mem_read() {
    local proto rest
    while read -r proto rest; do [[ $proto == TCP: ]] && TCP_MEM=${rest##* }; done </proc/net/sockstat
}
tcp_mem_peak() {
    kill "$MEM_PID" 2>/dev/null || true; wait "$MEM_PID" 2>/dev/null || true
    cat "$WORK/tcpmem" 2>/dev/null || echo 0
}

# CPU seconds (user + system) a process has used so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# GC pauses in a -Xlog:gc file: how many, and the longest in ms. Not the collection bench relay asks for
# itself (System.gc()) between its warm-up and its run, outside what it measures. With FROM (and TO), wall-clock
# times as -Xlog's `time` decoration writes them (2026-12-01T21:38:45.297+0000, which sort as strings), only the
# pauses that ended in between.
gc_pauses() {
    local from=${2:-} to=${3:-9999}
    { grep 'Pause' "$1" 2>/dev/null || true; } | { grep -v 'System.gc()' || true; } \
        | awk -v from="$from" -v to="$to" '{ t = substr($1, 2, 28); if (t >= from && t <= to) print }' \
        | grep -o '[0-9.]*ms$' | tr -d 'ms' \
        | awk '{ n++; if ($1 > m) m = $1 } END { printf "%d/%.1fms", n, m }'
}

# Nanoseconds the event loop threads of process $1 have run, and waited runnable for a CPU, so far
# (/proc/PID/task/*/schedstat): waiting is what a machine shared with other work does to a latency.
loop_sched() {
    local t c w cpu=0 wait=0
    for t in /proc/"$1"/task/*; do
        [[ $(cat "$t/comm" 2>/dev/null) == multiThreadIoEv* ]] || continue
        read -r c w _ <"$t/schedstat" 2>/dev/null || continue
        cpu=$((cpu + c)); wait=$((wait + w))
    done
    echo "$cpu $wait"
}

proc_kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }

# idle_crowd JAR N: a fresh server, N idle clients held 8 s (bench idle), then closed. Sets IDLE_OUT (the bench
# line), GROW_KB (VmHWM after the crowd has gone - VmRSS before it came) and HELD_KB (VmRSS 2 s before the crowd
# began to leave, all of it connected and greeted, - VmRSS before it came), in kB.
idle_crowd() {
    start_server "$1"
    local before samples=$WORK/rss.samples
    before=$(proc_kb "$SERVER_PID" VmRSS)
    : >"$samples"
    # A sample every 0.25 s, without a process per sample; at most 5 minutes of them.
    ( for ((i = 0; i < 1200; i++)); do
          while read -r k v _; do if [[ $k == VmRSS: ]]; then echo "$v"; fi; done </proc/"$SERVER_PID"/status >>"$samples" || break
          sleep 0.25
      done ) &
    local sampler=$!
    IDLE_OUT=$(bench idle 127.0.0.1 -p "$TCP_PORT" -c "$2" --hold 8 --wait 10 --kv | tail -1)
    GROW_KB=$(( $(proc_kb "$SERVER_PID" VmHWM) - before ))
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    stop_server
    local n; n=$(wc -l <"$samples")
    HELD_KB=$(( $(sed -n "$((n > 8 ? n - 8 : 1))p" "$samples") - before ))
}

# The order of the two modes of the tcp and udp rows: relay on first in odd runs, --no-relay first in even ones,
# so that neither always meets the machine first.
mode_order() { if ((run % 2)); then echo on off; else echo off on; fi; }

# One figure per call, on stdout; the raw output goes to $WORK/log.
row() {
    local name=$1 jar=$2 r
    trap stop_server EXIT
    case $name in
        latency)
            # Both JVMs log their GC pauses: how much of the tail they can explain.
            rm -f "$WORK/server-gc.log" "$WORK/gen-gc.log"
            SERVER_JVM="-Xlog:gc:file=$WORK/server-gc.log:time" start_server "$jar"
            local sched0 sched1; sched0=$(loop_sched "$SERVER_PID")
            # GEN_JVM's own options kept: the log option comes on top.
            r=$(GEN_JVM="${GEN_JVM:-} -Xlog:gc:file=$WORK/gen-gc.log:time" bench relay 127.0.0.1 -p "$TCP_PORT" -R 100 \
                -r 1000 -n "$LAT_N" --warmup "$LAT_WARMUP" --kv | tail -1)
            local end; end=$(date +%Y-%m-%dT%H:%M:%S.%3N%z)
            sched1=$(loop_sched "$SERVER_PID")
            stop_server
            # The run starts once the generator's own System.gc() after the warm-up is over: count the pauses
            # from there (without a warm-up, over the server's whole life).
            local from; from=$({ grep -m1 'System.gc()' "$WORK/gen-gc.log" 2>/dev/null || true; } | cut -c2-29)
            local warm; warm=$(kv "$r" warmup_p99_us); warm=${warm:-0}
            echo "$(awk -v a="$(kv "$r" p50_us)" -v b="$(kv "$r" p99_us)" -v w="$warm" 'BEGIN{printf "%.2f/%.1f/%.1f", a/1000, b/1000, w/1000}')/$(gc_pauses "$WORK/server-gc.log" "$from" "$end")/$(gc_pauses "$WORK/gen-gc.log" "$from" "$end")/$(awk -v a="$sched0" -v b="$sched1" 'BEGIN{split(a, x, " "); split(b, y, " "); printf "%.1fs/%.1fs", (y[1] - x[1]) / 1e9, (y[2] - x[2]) / 1e9}')" ;;
        fanout)
            # The CPU each side used: if the load generator's receivers took most of it, the figure
            # measures them rather than the server.
            start_server "$jar"
            # The load generator's CPU: what this subshell's finished children used (cutime + cstime).
            local me=$BASHPID s0 t0 t1; s0=$(cpu_s "$SERVER_PID"); t0=$(awk '{ print $16 + $17 }' "/proc/$me/stat")
            r=$(bench relay 127.0.0.1 -p "$TCP_PORT" -R 100 -r 0 -n "$FAN_N" --wait 30 --kv | tail -1)
            local s1; s1=$(cpu_s "$SERVER_PID")
            t1=$(awk '{ print $16 + $17 }' "/proc/$me/stat")
            stop_server
            echo "$(kv "$r" received_per_s)/$(kv "$r" lost_pct)%/$(awk -v a="$s0" -v b="$s1" 'BEGIN{printf "%.1f", b - a}')s/$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b - a) / hz}')s" ;;
        fanoutc)
            start_server "$jar"
            local s0 s1; s0=$(cpu_s "$SERVER_PID")
            r=$(timeout 120 "$WORK/fanout" "$TCP_PORT" 100 4 "$FANC_N" 64 60 2000 200000 | tee -a "$LOG")
            s1=$(cpu_s "$SERVER_PID")
            stop_server
            echo "$(kv "$r" relayed_per_s)/$(kv "$r" missed_pct)%/$(awk -v a="$s0" -v b="$s1" 'BEGIN{printf "%.1f", b - a}')s/$(kv "$r" cpu_s)s" ;;
        idle)
            # A crowd of IDLE_N, then on a fresh server one of half as many: what a crowd costs at its peak
            # includes what does not grow with it (the JIT compiling the connect and close paths, the heap's
            # growth steps); the difference between the two crowds' peaks is what each further client costs.
            local half=$((IDLE_N / 2)) grow grow_half held
            idle_crowd "$jar" "$IDLE_N"; grow=$GROW_KB; held=$HELD_KB; r=$IDLE_OUT
            idle_crowd "$jar" "$half"; grow_half=$GROW_KB
            echo "$(kv "$r" connect_seconds)s/$(kv "$r" greeted)/$(kv "$r" greeting_p50_ms)ms/$(kv "$r" greeting_p99_ms)ms/$(kv "$r" slowest_greeting_ms)ms/$(awk -v g="$grow" \
                -v h="$held" -v gh="$grow_half" -v n="$IDLE_N" -v m="$half" \
                'BEGIN{printf "%.2fKB/%.2fKB/%.2fKB", g * 1.024 / n, h * 1.024 / n, (g - gh) * 1.024 / (n - m)}')" ;;
        onewrite)
            start_server "$jar"
            r=$(bench tcp 127.0.0.1 -p "$TCP_PORT" -c 1000 --batch 1 -n "$ONE_N" -d 300 --wait 60 --quiet-ms 5000 \
                --count-file "$WORK/out.txt" --kv | tail -1)
            local hwm; hwm=$(proc_kb "$SERVER_PID" VmHWM)
            stop_server
            echo "$(kv "$r" received)/$(kv "$r" sent)/$((hwm / 1024))MB" ;;
        tcp1|tcp100)
            local args=(-c 1); [[ $name == tcp100 ]] && args=(-c 100 --no-read)
            local on off mem_on mem_off mode mem
            for mode in $(mode_order); do
                if [[ $mode == on ]]; then start_server "$jar"; else start_server "$jar" --no-relay; fi
                tcp_mem_watch
                r=$(bench tcp 127.0.0.1 -p "$TCP_PORT" "${args[@]}" -n "$TCP_N" -d 60 --wait 30 --count-file "$WORK/out.txt" --kv | tail -1)
                mem=$(tcp_mem_peak); stop_server
                if [[ $mode == on ]]; then on=$(kv "$r" received_per_s) mem_on=$mem; else off=$(kv "$r" received_per_s) mem_off=$mem; fi
            done
            echo "$on/$off/$(awk -v a="$on" -v b="$off" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')/${mem_on}MB/${mem_off}MB" ;;
        udp)
            local on off mode
            for mode in $(mode_order); do
                if [[ $mode == on ]]; then start_server "$jar"; else start_server "$jar" --no-relay; fi
                r=$(bench udp 127.0.0.1 -p "$UDP_PORT" -n "$UDP_N" -d 30 --count-file "$WORK/out.txt" --kv | tail -1)
                stop_server
                if [[ $mode == on ]]; then on=$(kv "$r" lost_pct); else off=$(kv "$r" lost_pct); fi
            done
            echo "$on%/$off%" ;;
        *) echo "room.sh: unknown row $name" >&2; exit 2 ;;
    esac
}

# median [min-max] of each '/'-separated field of the figures, numbers only.
summarize() {
    python3 - "$@" <<'EOF'
import re, statistics, sys
runs = [a.split('/') for a in sys.argv[1:]]
out = []
for i in range(len(runs[0])):
    vals = [r[i] for r in runs]
    unit = re.sub(r'[0-9.\-]', '', vals[0])
    nums = [float(re.sub(r'[^0-9.\-]', '', v) or 'nan') for v in vals]
    fmt = lambda x: ('%.3g' % x) if abs(x) < 1000 else '{:,.0f}'.format(x)
    out.append('%s%s [%s-%s]' % (fmt(statistics.median(nums)), unit, fmt(min(nums)), fmt(max(nums))))
print(' / '.join(out))
EOF
}

declare -A FIG
for ((run = 1; run <= RUNS; run++)); do
    for name in $ROWS; do
        for which in before after; do
            jar=$BEFORE; [[ $which == after ]] && jar=$AFTER
            echo "run $run/$RUNS: $name, $which ($(uptime | sed 's/.*load average/load average/'))" | tee -a "$LOG" >&2
            FIG[$name.$which]+="$(row "$name" "$jar") "
        done
    done
done

echo
echo "Raw bench lines: $LOG"
echo "Medians of $RUNS run(s) [min-max]; before: $BEFORE, after: $AFTER; servers started with: $SERVER_RUN"
declare -A WHAT=(
    [latency]="relay -R 100 -r 1000: p50 / p99 ms after ${LAT_WARMUP} s warm-up / warm-up's p99 / GC pauses in the run / longest, server; same, generator / server loop CPU / run-queue wait (warm-up and run)"
    [fanout]="relay -R 100 -r 0: relayed lines read/s / missed / CPU s server / generator"
    [fanoutc]="native fan-out, 100 receivers, 4 senders: relayed lines read/s / missed / CPU s server / generator"
    [idle]="idle -c $IDLE_N: connect s / greeted / greeting p50 / p99 / slowest / KB each: peak / held / per further client"
    [onewrite]="tcp -c 1000 --batch 1: printed / sent / peak RSS"
    [tcp1]="tcp -c 1 -n $TCP_N: lines/s relay on / --no-relay / ratio / kernel TCP memory peak, on / off"
    [tcp100]="tcp -c 100 --no-read -n $TCP_N: lines/s on / off / ratio / kernel TCP memory peak, on / off"
    [udp]="udp full speed: lost on / off"
)
for name in $ROWS; do
    # shellcheck disable=SC2086
    printf '%-60s | before %s | after %s\n' "${WHAT[$name]}" "$(summarize ${FIG[$name.before]})" "$(summarize ${FIG[$name.after]})"
done
