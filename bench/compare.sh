#!/usr/bin/env bash
# dualchat against the receivers a user would pick instead, on the same loads, in the same run, on one
# machine, over loopback only. Stops by itself; every process it starts is stopped by its PID.
#
# Usage (from anywhere in the repository):
#   bash bench/compare.sh            3 runs of every load, about 10-15 minutes on 2 cores
#   bash bench/compare.sh --quick    1 run of smaller loads, about 3 minutes: a smoke test, not figures
#   options: --runs N (default 3, quick 1), --peers "dualchat rsyslog socat ncat python" (default: all)
#
# Receivers, each writing what it receives to a file of its own:
#   dualchat  java -jar chat-cli/target/dualchat.jar server --no-relay --max-connections-per-ip 1000
#             (stdout to the file; relay off, since no peer relays: the relay is measured by
#             `dualchat bench relay`; the per-source limit raised, since every load comes from 127.0.0.1)
#   rsyslog   rsyslogd -n with a config of its own in a temp dir (imudp with a 4 MB receive buffer,
#             imtcp, omfile with the template "%fromhost-ip% : %rawmsg%\n"), never the system service
#   socat     socat -u UDP4-RECV (4 MB receive buffer) and socat -u TCP4-LISTEN,fork, both to the file
#   ncat      ncat -u -l --recv-only (restarted for each UDP step: ncat's UDP listener serves the first
#             sender only) and ncat -l -k --recv-only for TCP
#   python    bench/seed_receiver.py: a UDP loop and a thread per TCP connection, like the seeds
# Missing tools are installed from Debian packages (rsyslog, socat, ncat, python3), with services kept
# from starting.
#
# Loads, all sent by `dualchat bench` (the jar) to 127.0.0.1, each bounded by count and duration:
#   udp64, udp512  the highest UDP rate with zero loss, 64- and 512-byte messages: after a warm-up load,
#                  a stepped search up a ladder of rates (1 s of sending per step, 0.5 s with --quick);
#                  the first step with any loss ends the search. The figure is the highest rate the
#                  sender actually reached in a step without loss; '+' marks a receiver that lost nothing
#                  even at the sender's full speed (the last step), so its limit is above the figure.
#   tcp1, tcp100   lines/s printed with 1 and with 100 connections (64-byte lines written in 64 KB
#                  batches), after a warm-up load; lines/s = lines in the file / (first send -> last
#                  growth of the file). A TCP run that lost lines is marked with '!'.
#   rss            the receiver's peak resident memory (VmHWM from /proc) over all its loads, in MB;
#                  for two-process peers (socat, ncat) the sum of their listeners' peaks (socat's
#                  per-connection children are not counted).
# Each receiver runs all loads, then the next receiver: receivers are interleaved run by run, so drift
# of a shared machine touches all of them. The table gives the median of the runs [min-max] and each
# peer's median as a ratio to dualchat's.

set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
RUNS=
PEERS="dualchat rsyslog socat ncat python"
while (($#)); do
    case $1 in
        --quick) QUICK=1 ;;
        --runs) RUNS=$2; shift ;;
        --peers) PEERS=$2; shift ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if ((QUICK)); then
    RUNS=${RUNS:-1}; STEP_S=0.5; TCP_LINES=300000; WARM_LINES=50000
    LADDER="10000 50000 100000 200000 300000 0"
else
    RUNS=${RUNS:-3}; STEP_S=1; TCP_LINES=2000000; WARM_LINES=300000
    LADDER="10000 25000 50000 100000 150000 200000 250000 300000 350000 400000 500000 0"
fi
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --runs must be a positive number" >&2; exit 2; }
JAR=chat-cli/target/dualchat.jar

# --- tools -------------------------------------------------------------------------------------------
need=()
command -v rsyslogd >/dev/null || need+=(rsyslog)
command -v socat >/dev/null || need+=(socat)
command -v ncat >/dev/null || need+=(ncat)
command -v python3 >/dev/null || need+=(python3)
command -v ss >/dev/null || need+=(iproute2)
if ((${#need[@]})); then
    echo "installing ${need[*]} ..." >&2
    # Keep the packages' services (the system rsyslog) from starting: this script runs its own.
    made_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
    fi
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >&2 || {
        ((made_policy)) && rm -f /usr/sbin/policy-rc.d; echo "compare.sh: cannot install ${need[*]}" >&2; exit 1; }
    ((made_policy)) && rm -f /usr/sbin/policy-rc.d
fi
if [[ ! -f $JAR ]]; then
    echo "building $JAR ..." >&2
    mvn -q -o -pl chat-cli -am package -DskipTests >&2 || mvn -q -pl chat-cli -am package -DskipTests >&2
fi

# --- processes ---------------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/dualchat-compare.XXXXXX)
STARTED=()   # every PID this script started

stop_pid() {   # stop_pid PID: TERM, up to 10 s, then KILL
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${STARTED[@]+"${STARTED[@]}"}"; do
        kill -0 "$pid" 2>/dev/null && stop_pid "$pid"
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {  # a port nobody listens on, TCP and UDP both
    local p i
    for ((i = 0; i < 100; i++)); do
        p=$((20000 + RANDOM % 30000))
        [[ -z $(ss -Htuln "sport = :$p") ]] && { echo "$p"; return; }
    done
    echo "compare.sh: no free port" >&2; return 1
}

wait_listening() {  # wait_listening udp|tcp PORT PID
    local flag=$([[ $1 == tcp ]] && echo -Hltn || echo -Hlun) i
    for ((i = 0; i < 200; i++)); do
        [[ -n $(ss $flag "sport = :$2") ]] && return 0
        kill -0 "$3" 2>/dev/null || { echo "compare.sh: receiver $3 exited early" >&2; return 1; }
        sleep 0.05
    done
    echo "compare.sh: receiver $3 is not listening on $1 $2" >&2; return 1
}

peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

declare -A PEAK   # role -> highest VmHWM in kB seen for this receiver
note_peak() {     # note_peak ROLE PID
    local kb; kb=$(peak_kb "$2"); kb=${kb:-0}
    ((kb > ${PEAK[$1]:-0})) && PEAK[$1]=$kb
    return 0
}

RECV_PIDS=()      # "role:pid" of the receiver now running
spawn() {         # spawn ROLE OUTFILE CMD...: run CMD in the background, stdout appended to OUTFILE
    local role=$1 out=$2; shift 2
    "$@" </dev/null >>"$out" 2>>"$WORK/receiver.err" &
    STARTED+=($!); RECV_PIDS+=("$role:$!"); LAST_PID=$!
}

start_receiver() {  # start_receiver NAME: sets UDP TCP OUT
    local name=$1 conf
    UDP=$(free_port); TCP=$(free_port); OUT=$WORK/$name.out
    : >"$OUT"; RECV_PIDS=(); PEAK=()
    case $name in
        dualchat)
            # The per-source connection limit (64 by default) would refuse part of the 100-connection load,
            # all from 127.0.0.1; no peer has such a limit.
            spawn all "$OUT" java -jar "$JAR" server --bind 127.0.0.1 -u "$UDP" -t "$TCP" --no-relay \
                --max-connections-per-ip 1000 -q
            wait_listening udp "$UDP" "$LAST_PID"; wait_listening tcp "$TCP" "$LAST_PID" ;;
        rsyslog)
            mkdir -p "$WORK/rsyslog"; conf=$WORK/rsyslog/rsyslog.conf
            cat >"$conf" <<EOF
global(workDirectory="$WORK/rsyslog" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp" maxSessions="2000")
template(name="plain" type="string" string="%fromhost-ip% : %rawmsg%\n")
input(type="imudp" address="127.0.0.1" port="$UDP" rcvbufSize="4m" ruleset="out")
input(type="imtcp" address="127.0.0.1" port="$TCP" ruleset="out")
ruleset(name="out") { action(type="omfile" file="$OUT" template="plain" ioBufferSize="64k" flushOnTXEnd="on") }
EOF
            spawn all /dev/null rsyslogd -n -f "$conf" -i "$WORK/rsyslog/pid"
            wait_listening udp "$UDP" "$LAST_PID"; wait_listening tcp "$TCP" "$LAST_PID" ;;
        socat)
            spawn udp "$OUT" socat -u "UDP4-RECV:$UDP,bind=127.0.0.1,rcvbuf=4194304" STDOUT
            wait_listening udp "$UDP" "$LAST_PID"
            spawn tcp "$OUT" socat -u "TCP4-LISTEN:$TCP,bind=127.0.0.1,reuseaddr,fork,backlog=1024" STDOUT
            wait_listening tcp "$TCP" "$LAST_PID" ;;
        ncat)
            spawn tcp "$OUT" ncat -l 127.0.0.1 "$TCP" -k -m 2000 --recv-only
            wait_listening tcp "$TCP" "$LAST_PID" ;;   # its UDP listener starts with each UDP step
        python)
            spawn all "$OUT" python3 bench/seed_receiver.py "$UDP" "$TCP"
            wait_listening udp "$UDP" "$LAST_PID"; wait_listening tcp "$TCP" "$LAST_PID" ;;
    esac
}

stop_receiver() {   # notes the peaks, stops every process of the receiver; RESULT = the peak in MB
    local entry role pid total=0
    for entry in "${RECV_PIDS[@]}"; do
        role=${entry%%:*}; pid=${entry#*:}
        note_peak "$role" "$pid"
        stop_pid "$pid"
    done
    for role in "${!PEAK[@]}"; do total=$((total + PEAK[$role])); done
    rm -f "$OUT"
    RESULT=$(awk -v kb="$total" 'BEGIN { printf "%.1f", kb / 1024 }')
}

bench() {   # bench ARGS...: one `dualchat bench ... --kv` run; sets KV
    java -jar "$JAR" bench "$@" --kv >"$WORK/bench.out" 2>>"$WORK/bench.err" &
    local pid=$!
    STARTED+=("$pid")
    wait "$pid" || { echo "compare.sh: dualchat bench $* failed: $(tail -1 "$WORK/bench.err")" >&2; return 1; }
    KV=$(cat "$WORK/bench.out")
}

kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$KV"; }

# Results come back in RESULT, not on stdout: a $(...) subshell would lose the PIDs it started.
udp_step() {     # udp_step NAME RATE COUNT SIZE: one bounded UDP load; sets KV
    local ncat_pid
    if [[ $1 == ncat ]]; then
        spawn udp "$OUT" ncat -u -l 127.0.0.1 "$UDP" --recv-only; ncat_pid=$LAST_PID
        wait_listening udp "$UDP" "$ncat_pid"
    fi
    bench udp 127.0.0.1 -p "$UDP" -r "$2" -n "$3" -s "$4" --count-file "$OUT" --duration 10 --wait 5 --quiet-ms 500
    if [[ $1 == ncat ]]; then
        note_peak udp "$ncat_pid"; stop_pid "$ncat_pid"
    fi
}

udp_search() {   # udp_search NAME SIZE: RESULT = the highest rate sent with zero loss, '+' at full speed
    local name=$1 size=$2 best=0 rate count sent_rate lost
    # Warm-up, not counted: the JIT of the JVM receivers (and of the sender) gets going.
    udp_step "$name" 20000 "$(awk -v s="$STEP_S" 'BEGIN { printf "%d", 20000 * s }')" "$size"
    for rate in $LADDER; do
        # A step sends for STEP_S seconds at its rate; the full-speed step sends 500,000 a second's worth.
        count=$(awk -v r="$rate" -v s="$STEP_S" 'BEGIN { printf "%d", (r == 0 ? 500000 : r) * s }')
        udp_step "$name" "$rate" "$count" "$size"
        lost=$(kv lost); sent_rate=$(kv sent_per_s)
        echo "    $name udp$size rate=${rate/#0/max} sent/s=$sent_rate lost=$lost" >&2
        ((lost == 0)) || break
        # What the sender reached, which on a busy machine may be less than the step asked for.
        ((sent_rate > best)) && best=$sent_rate
        if ((rate == 0)); then
            RESULT="${best}+"; return
        fi
    done
    RESULT=$best
}

tcp_rate() {     # tcp_rate CONNS: RESULT = lines/s, '!' if lines were lost
    bench tcp 127.0.0.1 -p "$TCP" -c "$1" -n "$TCP_LINES" --count-file "$OUT" --duration 60 --wait 20 \
        --quiet-ms 3000
    echo "    $NAME tcp$1 received/s=$(kv received_per_s) lost=$(kv lost)" >&2
    RESULT=$(kv received_per_s)
    if (($(kv lost) > 0)); then RESULT="$RESULT!"; fi
}

RESULTS=$WORK/results.tsv   # receiver run metric value
: >"$RESULTS"
record() { printf '%s\t%s\t%s\t%s\n' "$NAME" "$run" "$1" "$RESULT" >>"$RESULTS"; }
LOAD_BEFORE=$(cat /proc/loadavg)
T0=$SECONDS
echo "compare: runs=$RUNS quick=$QUICK peers=$PEERS; $(nproc) cores; loadavg before: $LOAD_BEFORE" >&2

for ((run = 1; run <= RUNS; run++)); do
    for NAME in $PEERS; do
        echo "  run $run: $NAME" >&2
        start_receiver "$NAME"
        udp_search "$NAME" 64; record udp64
        udp_search "$NAME" 512; record udp512
        bench tcp 127.0.0.1 -p "$TCP" -c 10 -n "$WARM_LINES" --count-file "$OUT" --duration 30   # warm-up
        tcp_rate 1; record tcp1
        tcp_rate 100; record tcp100
        stop_receiver; record rss_mb
    done
done
LOAD_AFTER=$(cat /proc/loadavg)

echo
echo "dualchat compare: $RUNS run(s)$( ((QUICK)) && echo ', --quick: smoke test only'), $(nproc) cores,"\
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r), $(java -version 2>&1 | head -1)"
echo "loadavg before: $LOAD_BEFORE; after: $LOAD_AFTER; took $((SECONDS - T0)) s"
echo "median [min-max] of the runs; ratio = peer median / dualchat median (for rss, lower is better)."
echo "udp: highest rate (msgs/s) with zero loss ('+': the sender's full speed, not lost either); tcp: lines/s ('!': lines lost)."
awk -F'\t' -v peers="$PEERS" '
function sortnum(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t } }
function fmt(x, m) { x += 0; return m == "rss_mb" ? sprintf("%.0f", x) : (x >= 1e6 ? sprintf("%.2fM", x / 1e6) : sprintf("%.0fk", x / 1e3)) }
{ key = $1 SUBSEP $3; n = ++cnt[key]; v = $4; flag = v; gsub(/[0-9.]/, "", flag); sub(/[+!]$/, "", v)
  val[key, n] = v; if (flag != "") flags[key] = flags[key] flag }
END {
    np = split(peers, p, " ")
    split("udp64 udp512 tcp1 tcp100 rss_mb", metrics, " ")
    printf "%-8s", "load"; for (i = 1; i <= np; i++) printf " | %-24s", p[i]; printf "\n"
    for (m = 1; m <= 5; m++) {
        printf "%-8s", metrics[m]
        for (i = 1; i <= np; i++) {
            key = p[i] SUBSEP metrics[m]; n = cnt[key]
            if (!n) { printf " | %-24s", "-"; continue }
            for (k = 1; k <= n; k++) a[k] = val[key, k]
            sortnum(a, n); med[i] = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
            cellv = fmt(med[i], metrics[m]) (flags[key] != "" ? substr(flags[key], 1, 1) : "")
            if (n > 1) cellv = cellv " [" fmt(a[1], metrics[m]) "-" fmt(a[n], metrics[m]) "]"
            if (i > 1 && med[1] > 0) cellv = cellv sprintf(" %.2fx", med[i] / med[1])
            printf " | %-24s", cellv
        }
        printf "\n"
    }
}' "$RESULTS"
