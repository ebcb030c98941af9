#!/usr/bin/env bash
# dualchat beside a C receiver (the limit line) and rsyslog, on the same loads, in one run, on one
# machine, over 127.0.0.1 only. Stops by itself; every process it starts is stopped by its PID.
#
# Usage (from anywhere in the repository):
#   bash bench/compare.sh            3 runs of every load, about 12-15 minutes on 2 cores
#   bash bench/compare.sh --quick    1 run of smaller loads, about 4 minutes: a smoke test, not figures
#   options: --runs N (default 3, quick 1),
#            --peers "c rsyslog dualchat dualchat-norelay sender" (default: all)
#   env: DUALCHAT="chat-cli/target/dualchat.jar" how to start dualchat (then: server OPTIONS); the default is the
#        README's command, the launcher in front of the jar (its small-heap options); "java -jar ..." for the JVM's defaults
#
# The C programs in bench/c are built with `cc -O2` into the run's temp dir (nothing is committed built):
#   udp_send  one native sender: sendmmsg, 64 datagrams a call, as fast as the kernel takes them;
#             it then counts the lines that reached the receiver's file and reports the loss. The loss rows
#             all use it this way; with -g (the sender row only) each call is one segmented send instead
#             (UDP_SEGMENT), which the kernel cuts into the same 64 datagrams
#   tcp_gen   N connections, 64-byte lines in 4 KB writes; reads the greeting, half-closes, reads to the end;
#             either reads nothing in between (what the server relays piles up in its buffers, then is dropped
#             and counted) or reads the relays all along
#   udp_recv  recvmmsg, "ip : text" per line, one write per 1 MB (4 MB receive buffer, as rsyslog's)
#   tcp_recv  one epoll thread, greets, "ip : text" per line, one write per 1 MB
# Receivers, each printing to a file of its own:
#   c                 udp_recv and tcp_recv: the limit line
#   rsyslog           rsyslogd -n with its own config and temp dir (imudp with a 4 MB receive buffer, imtcp,
#                     omfile "%fromhost-ip% : %rawmsg%"), never the system service
#   dualchat          $DUALCHAT server --bind 127.0.0.1 -u U -t T --max-connections-per-ip 1000 -q: the
#                     defaults (relay on), stdout to the file; the per-source limit (64) raised because
#                     the 100-connection load comes from one address
#   dualchat-norelay  the same with --no-relay
#   sender            not a receiver: udp_send (sendmmsg, and -g) against `dualchat bench udp` (1 and 2 sockets,
#                     segmented sends where the kernel has them, its default; and 2 sockets with --no-gso), all
#                     to a socket that is bound and never read (`udp_recv ... hold`), 64 bytes
# Loads, each bounded by count and time. Every receiver process is fresh where the load says so:
#   udp64 cold      a fresh receiver, one native sender at full speed, no warm-up: % lost
#   udp512 cold     the same, 512-byte datagrams, another fresh receiver
#   udp64, udp512   after a warm-up of 200,000 datagrams at full speed: % lost
#   udp64 x2        two native senders at once (after the above): % lost of both together
#   sent/s          beside each UDP load, the datagrams/s the native sender(s) made against that receiver: the
#                   sender shares the 2 cores with the receiver, so its rate varies, and the loss with it
#   tcp1, tcp100    lines/s printed with 1 and 100 connections (tcp_gen), after a warm-up: lines in the file
#                   (waiting until the file has not grown for 10 s: senders paused by the relay budget)
#                   / (first write -> last growth of the file); '!' marks lines lost. The connections read
#                   nothing until the file shows every line (issue 11's "100 connections that never read"):
#                   with relay on the server relays each line to the 99 others, whose buffers fill, and then
#                   drops (and counts) what they cannot take. (Before 2026-12-01 each connection read as soon
#                   as its own share was written, within milliseconds on loopback: that row measured readers.)
#   tcp1 first      the 1-connection load the first time the process runs it, right after the 10-connection
#                   warm-up: a JVM recompiles for the new load meanwhile (with relay on, for a room of one where
#                   the warm-up had ten), so the row after it, the second pass, is the steady figure
#   tcp100 first    the same 100-connection load, the first time the process runs it (after tcp1): a JVM is
#                   still compiling the code of this load (the fan-out to 99 members that do not read)
#                   meanwhile. With relay on it still is, less, in the second pass (tcp100: its compiler
#                   threads took 13-56 cs of CPU there against 6-17 with --no-relay), so a third pass follows:
#   tcp100 third    the steady figure of the 100-connection load. All three are shown.
#   tcp100 reading  dualchat with relay on only, an extra row and a different load: the 100 connections read
#                   every relay all along, so the server writes 99 lines for each line it prints
#   idle rss        resident memory 3 s after a fresh receiver listens (MB); and 10 s after, settled: a JVM
#                   keeps what its JIT compiled with at start-up until its 5 s mark, then gives it back
#   peak rss        the highest VmHWM of the receiver's processes over all its loads (MB; c: both summed)
# Receivers are interleaved run by run, so drift of a shared machine touches all of them. The table gives
# medians [min-max] and then ratios (relay on against --no-relay also run by run: the median [min-max] of each
# run's ratio, the two being measured back to back); the kernel's UDP receive-buffer drops (/proc/net/snmp RcvbufErrors)
# of each UDP load go to stderr beside its loss.

set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
RUNS=
PEERS="c rsyslog dualchat dualchat-norelay sender"
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
    RUNS=${RUNS:-1}; UDP_N=400000; TCP_LINES=1000000; TCP_WARM=200000; SEND_N=1000000
else
    RUNS=${RUNS:-3}; UDP_N=1000000; TCP_LINES=4000000; TCP_WARM=500000; SEND_N=3000000
fi
UDP_WARM=200000
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --runs must be a positive number" >&2; exit 2; }
for p in $PEERS; do
    [[ $p =~ ^(c|rsyslog|dualchat|dualchat-norelay|sender)$ ]] || { echo "compare.sh: unknown peer $p" >&2; exit 2; }
done
JAR=chat-cli/target/dualchat.jar
DUALCHAT=${DUALCHAT:-$JAR}

# --- tools -------------------------------------------------------------------------------------------
command -v cc >/dev/null || { echo "compare.sh: needs a C compiler (cc)" >&2; exit 1; }
need=()
[[ " $PEERS " == *" rsyslog "* ]] && ! command -v rsyslogd >/dev/null && need+=(rsyslog)
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

SCRIPT=compare.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh   # stop_pid, free_port, kv

cleanup() {
    local pid
    for pid in "${STARTED[@]+"${STARTED[@]}"}"; do
        kill -0 "$pid" 2>/dev/null && stop_pid "$pid"
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

C=$WORK/c
mkdir -p "$C"
for prog in udp_send udp_recv tcp_gen tcp_recv; do
    cc -O2 -o "$C/$prog" "bench/c/$prog.c" || { echo "compare.sh: cannot build bench/c/$prog.c" >&2; exit 1; }
done

wait_listening() {  # wait_listening udp|tcp PORT PID
    local flag=$([[ $1 == tcp ]] && echo -Hltn || echo -Hlun) i
    for ((i = 0; i < 400; i++)); do
        [[ -n $(ss $flag "sport = :$2") ]] && return 0
        kill -0 "$3" 2>/dev/null || { echo "compare.sh: receiver $3 exited early: $(tail -2 "$WORK/receiver.err")" >&2; return 1; }
        sleep 0.05
    done
    echo "compare.sh: receiver $3 is not listening on $1 $2" >&2; return 1
}

proc_kb() {   # proc_kb PID FIELD: kB, 0 if the process is gone
    local v
    v=$(awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || true)
    echo "${v:-0}"
}

RECV_PIDS=()      # the PIDs of the receiver now running
PEAK_KB=0         # the receiver's highest VmHWM (summed over its processes) over its fresh starts
spawn() {         # spawn OUTFILE CMD...: run CMD in the background, stdout appended to OUTFILE
    local out=$1; shift
    "$@" </dev/null >>"$out" 2>>"$WORK/receiver.err" &
    STARTED+=($!); RECV_PIDS+=($!); LAST_PID=$!
}

start_receiver() {  # start_receiver NAME: sets UDP TCP OUT; IDLE_MB = resident memory 3 s after listening
    local name=$1 conf pid kb=0
    UDP=$(free_port); TCP=$(free_port); OUT=$WORK/$name.out
    : >"$OUT"; RECV_PIDS=()
    case $name in
        c)
            spawn "$OUT" "$C/udp_recv" "$UDP" 900; wait_listening udp "$UDP" "$LAST_PID"
            spawn "$OUT" "$C/tcp_recv" "$TCP" 900; wait_listening tcp "$TCP" "$LAST_PID" ;;
        dualchat|dualchat-norelay)
            # shellcheck disable=SC2086
            spawn "$OUT" $DUALCHAT server --bind 127.0.0.1 -u "$UDP" -t "$TCP" --max-connections-per-ip 1000 -q \
                $([[ $name == dualchat-norelay ]] && echo --no-relay)
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
            spawn /dev/null rsyslogd -n -f "$conf" -i "$WORK/rsyslog/pid"
            wait_listening udp "$UDP" "$LAST_PID"; wait_listening tcp "$TCP" "$LAST_PID" ;;
    esac
    sleep 3
    IDLE_MB=$(rss_mb)
}

rss_mb() {   # the receiver's resident memory now, its processes summed (MB)
    local pid kb=0
    for pid in "${RECV_PIDS[@]}"; do kb=$((kb + $(proc_kb "$pid" VmRSS))); done
    awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }'
}

stop_receiver() {   # stops every process of the receiver, keeping the highest peak in PEAK_KB
    local pid kb=0
    for pid in "${RECV_PIDS[@]}"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "compare.sh: $NAME (PID $pid) exited before its loads were over; the end of its stderr:" >&2
            tail -5 "$WORK/receiver.err" | sed 's/^/    /' >&2
        fi
        kb=$((kb + $(proc_kb "$pid" VmHWM)))
    done
    ((kb > PEAK_KB)) && PEAK_KB=$kb
    for pid in "${RECV_PIDS[@]}"; do stop_pid "$pid"; done
    rm -f "$OUT"
}

run_bg() {   # run_bg OUTFILE CMD...: a bounded load in the background, its PID noted; sets LAST_PID
    local out=$1; shift
    "$@" >"$out" 2>>"$WORK/load.err" &
    STARTED+=($!); LAST_PID=$!
}

rcvbuf_errors() { awk '/^Udp:/ { if (h) { print $(i); exit } for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") break; h = 1 }' /proc/net/snmp; }

udp_load() {   # udp_load SIZE COUNT [SENDERS]: sets RESULT = % lost, SENT_RATE = datagrams/s the senders made
    local size=$1 count=$2 senders=${3:-1} k pids=() before lines sent=0 got drops out
    SENT_RATE=0
    before=$(rcvbuf_errors)
    if ((senders == 1)); then
        run_bg "$WORK/send.out" "$C/udp_send" "$UDP" "$size" "$count" 20 "$OUT" 500
        wait "$LAST_PID" || { echo "compare.sh: udp_send failed: $(tail -1 "$WORK/load.err")" >&2; return 1; }
        out=$(cat "$WORK/send.out"); RESULT=$(kv lost_pct "$out"); SENT_RATE=$(kv sent_per_s "$out")
    else
        lines=$(wc -l <"$OUT")
        for ((k = 0; k < senders; k++)); do run_bg "$WORK/send$k.out" "$C/udp_send" "$UDP" "$size" "$count" 20; pids+=($LAST_PID); done
        for ((k = 0; k < senders; k++)); do
            wait "${pids[$k]}" || { echo "compare.sh: udp_send failed" >&2; return 1; }
            sent=$((sent + $(kv sent "$(cat "$WORK/send$k.out")")))
            SENT_RATE=$((SENT_RATE + $(kv sent_per_s "$(cat "$WORK/send$k.out")")))
        done
        # Until the file shows them all or has not grown for 0.5 s (at most 30 s).
        local last=-1 now i
        for ((i = 0; i < 120; i++)); do
            now=$(wc -l <"$OUT"); ((now - lines >= sent || now == last)) && break; last=$now; sleep 0.25
        done
        got=$((now - lines))
        RESULT=$(awk -v s="$sent" -v g="$got" 'BEGIN { printf "%.2f", s ? 100 * (s - g) / s : 0 }')
        out="senders=$senders sent=$sent received=$got"
    fi
    drops=$(($(rcvbuf_errors) - before))
    echo "    $NAME udp$size x$senders: $out; kernel RcvbufErrors +$drops" >&2
}

tcp_load() {   # tcp_load CONNS LINES [READ=0]: sets RESULT = lines/s printed, '!' if lines were lost
    local greet=$([[ $NAME == rsyslog ]] && echo 0 || echo 1) read=${3:-0} out
    run_bg "$WORK/tcp.out" "$C/tcp_gen" "$TCP" "$1" "$2" 64 60 "$greet" "$OUT" 10000 "$read"
    wait "$LAST_PID" || { echo "compare.sh: tcp_gen failed: $(tail -1 "$WORK/load.err")" >&2; return 1; }
    out=$(cat "$WORK/tcp.out")
    echo "    $NAME tcp x$1$( ((read)) && echo ', reading relays'): $out" >&2
    RESULT=$(kv received_per_s "$out")
    if (($(kv lost "$out") > 0)); then RESULT="$RESULT!"; fi
}

sender_rates() {   # the native sender against dualchat bench udp, to a socket nobody reads
    local out
    UDP=$(free_port)
    spawn /dev/null "$C/udp_recv" "$UDP" 120 4194304 hold; wait_listening udp "$UDP" "$LAST_PID"
    run_bg "$WORK/send.out" "$C/udp_send" "$UDP" 64 "$SEND_N" 20; wait "$LAST_PID"
    out=$(cat "$WORK/send.out"); RESULT=$(kv sent_per_s "$out"); record send_native
    echo "    udp_send: $out" >&2
    run_bg "$WORK/send.out" "$C/udp_send" -g "$UDP" 64 "$SEND_N" 20
    if wait "$LAST_PID"; then   # a kernel without UDP_SEGMENT refuses -g: that row is left out, not the run
        out=$(cat "$WORK/send.out"); RESULT=$(kv sent_per_s "$out"); record send_native_gso
        echo "    udp_send -g: $out" >&2
    else
        echo "    udp_send -g: not measured here: $(tail -1 "$WORK/load.err")" >&2
    fi
    local args   # issue 13, point 5: a sender that can overload the receiver, with several sockets if needed
    for args in "-c 1" "-c 2" "-c 2 --no-gso"; do
        run_bg "$WORK/bench.out" $DUALCHAT bench udp 127.0.0.1 -p "$UDP" -r 0 -n "$SEND_N" -s 64 $args -d 20 --kv
        wait "$LAST_PID" || { echo "compare.sh: dualchat bench udp failed: $(tail -1 "$WORK/load.err")" >&2; return 1; }
        out=$(cat "$WORK/bench.out"); RESULT=$(kv sent_per_s "$out"); record "send_bench${args// /}"
        echo "    dualchat bench udp $args: $out" >&2
    done
    for pid in "${RECV_PIDS[@]}"; do stop_pid "$pid"; done
}

RESULTS=$WORK/results.tsv   # receiver run metric value
: >"$RESULTS"
record() { printf '%s\t%s\t%s\t%s\n' "$NAME" "$run" "$1" "$RESULT" >>"$RESULTS"; }
# A UDP load's loss and, beside it, the rate the native sender made: on shared cores it varies from run to run
# (400k-715k datagrams/s seen), and the loss follows it.
udp_row() { local metric=$1; shift; udp_load "$@"; record "$metric"; RESULT=$SENT_RATE; record "sent_$metric"; }
LOAD_BEFORE=$(cat /proc/loadavg)
T0=$SECONDS
echo "compare: runs=$RUNS quick=$QUICK peers=$PEERS; $(nproc) cores; loadavg before: $LOAD_BEFORE" >&2

for ((run = 1; run <= RUNS; run++)); do
    for NAME in $PEERS; do
        echo "  run $run: $NAME (at $((SECONDS - T0)) s)" >&2
        if [[ $NAME == sender ]]; then RECV_PIDS=(); sender_rates; continue; fi
        PEAK_KB=0
        start_receiver "$NAME"; RESULT=$IDLE_MB; record idle_mb
        sleep 7; RESULT=$(rss_mb); record idle10_mb
        udp_row udp64_cold 64 "$UDP_N"
        udp_load 64 "$UDP_WARM"   # warm-up, not counted
        udp_row udp64 64 "$UDP_N"
        udp_row udp512 512 "$UDP_N"
        udp_row udp64_x2 64 "$UDP_N" 2
        stop_receiver
        start_receiver "$NAME"
        udp_row udp512_cold 512 "$UDP_N"
        stop_receiver
        start_receiver "$NAME"
        tcp_load 10 "$TCP_WARM" >/dev/null   # warm-up, not counted
        tcp_load 1 "$TCP_LINES"; record tcp1_first   # the process's first pass of this load
        tcp_load 1 "$TCP_LINES"; record tcp1
        tcp_load 100 "$TCP_LINES"; record tcp100_first   # the process's first pass of this load
        tcp_load 100 "$TCP_LINES"; record tcp100
        tcp_load 100 "$TCP_LINES"; record tcp100_third
        if [[ $NAME == dualchat ]]; then tcp_load 100 "$TCP_LINES" 1; record tcp100_read; fi
        stop_receiver
        RESULT=$(awk -v kb="$PEAK_KB" 'BEGIN { printf "%.1f", kb / 1024 }'); record peak_mb
    done
done
LOAD_AFTER=$(cat /proc/loadavg)

echo
echo "dualchat compare: $RUNS run(s)$( ((QUICK)) && echo ', --quick: smoke test only'), $(nproc) cores,"\
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r),"\
    "$(java -version 2>&1 | head -1), net.core.rmem_max $(cat /proc/sys/net/core/rmem_max)"
echo "loadavg before: $LOAD_BEFORE; after: $LOAD_AFTER; took $((SECONDS - T0)) s"
echo "median [min-max] of the runs. udp: % of datagrams lost (one native sender at full speed, $UDP_N a load;"
echo "the sent/s rows: the rate the native sender made against that receiver);"
echo "tcp: lines/s printed ('!': lines lost in a run); rss in MB; send: datagrams/s sent, 64 B, to a socket nobody reads."
awk -F'\t' -v peers="$PEERS" '
function sortnum(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t } }
function fmt(x, m) { x += 0; if (m ~ /^udp/) return sprintf("%.1f%%", x); if (m ~ /_mb$/) return sprintf("%.1f", x)
                     return x >= 1e6 ? sprintf("%.2fM", x / 1e6) : sprintf("%.0fk", x / 1e3) }
function median(key,   n, k, a) { n = cnt[key]; if (!n) return ""; for (k = 1; k <= n; k++) a[k] = val[key, k]; sortnum(a, n)
                                  lo[key] = a[1]; hi[key] = a[n]; return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
{ key = $1 SUBSEP $3; n = ++cnt[key]; v = $4; if (v ~ /!$/) { lost[key] = 1; sub(/!$/, "", v) } val[key, n] = v }
END {
    np = split(peers, p, " "); nr = 0
    for (i = 1; i <= np; i++) if (p[i] != "sender") r[++nr] = p[i]
    nm = split("udp64_cold udp512_cold udp64 udp512 udp64_x2 sent_udp64_cold sent_udp512_cold sent_udp64 sent_udp512 sent_udp64_x2 tcp1_first tcp1 tcp100_first tcp100 tcp100_third tcp100_read idle_mb idle10_mb peak_mb", metrics, " ")
    split("UDP 64 B, fresh process|UDP 512 B, fresh process|UDP 64 B, after warm-up|UDP 512 B, after warm-up|UDP 64 B, two senders|  sent/s: 64 B, fresh|  sent/s: 512 B, fresh|  sent/s: 64 B, warm|  sent/s: 512 B, warm|  sent/s: 64 B, two senders|TCP 1 conn., first pass|TCP 1 connection, lines/s|TCP 100 conn., first pass|TCP 100 connections, lines/s|TCP 100 conn., third pass|TCP 100 reading relays, extra|idle RSS MB, 3 s|idle RSS MB, 10 s|peak RSS MB", label, "|")
    if (nr) {
        printf "%-30s", "load"; for (i = 1; i <= nr; i++) printf " | %-22s", r[i]; printf "\n"
        for (m = 1; m <= nm; m++) {
            printf "%-30s", label[m]
            for (i = 1; i <= nr; i++) {
                key = r[i] SUBSEP metrics[m]; md = median(key)
                if (md == "") { printf " | %-22s", "-"; continue }
                med[r[i], metrics[m]] = md
                cell = fmt(md, metrics[m]) (lost[key] ? "!" : "")
                if (cnt[key] > 1) cell = cell " [" fmt(lo[key], metrics[m]) "-" fmt(hi[key], metrics[m]) "]"
                printf " | %-22s", cell
            }
            printf "\n"
        }
        print ""
        for (d = 1; d <= 2; d++) {
            dc = d == 1 ? "dualchat" : "dualchat-norelay"
            for (m = 1; m <= nm; m++) {
                x = med[dc, metrics[m]]; if (x == "" || metrics[m] ~ /^sent_/) continue
                line = ""
                for (i = 1; i <= nr; i++) {
                    if (r[i] !~ /^(c|rsyslog)$/ || med[r[i], metrics[m]] == "") continue
                    y = med[r[i], metrics[m]]
                    if (metrics[m] ~ /^udp/) line = line sprintf("  %+.1f points lost against %s", x - y, r[i])
                    else if (y > 0) line = line sprintf("  %.2fx %s", x / y, r[i])
                }
                if (line != "") printf "%-17s %-30s%s\n", dc, label[m], line
            }
        }
        # Issue 11, point 1: relay on against --no-relay in the same run (at least 0.90 on 1 connection, 0.75 on 100).
        for (m = 1; m <= nm; m++) {
            if (metrics[m] !~ /^tcp(1|1_first|100|100_first|100_third)$/) continue
            x = med["dualchat", metrics[m]]; y = med["dualchat-norelay", metrics[m]]
            if (x == "" || y <= 0) continue
            # Also run by run: the two run back to back in each run, so a drift of the machine between runs
            # touches both sides of each ratio alike.
            kx = "dualchat" SUBSEP metrics[m]; ky = "dualchat-norelay" SUBSEP metrics[m]; paired = ""
            if (cnt[kx] == cnt[ky] && cnt[kx] > 1) {
                for (k = 1; k <= cnt[kx]; k++) { q = val[ky, k] + 0; if (q <= 0) break; pr[k] = val[kx, k] / q }
                if (k > cnt[kx]) {
                    n = cnt[kx]; sortnum(pr, n)
                    paired = sprintf("; run by run %.2fx [%.2f-%.2f]", (n % 2) ? pr[(n + 1) / 2] : (pr[n / 2] + pr[n / 2 + 1]) / 2, pr[1], pr[n])
                }
            }
            printf "%-17s %-30s  %.2fx dualchat-norelay (of the medians)%s\n", "dualchat", label[m], x / y, paired
        }
    }
    bn = median("sender" SUBSEP "send_native")
    if (bn != "") {
        print ""
        bg = median("sender" SUBSEP "send_native_gso")
        printf "sender, 64 B: native sendmmsg %s; native segmented (-g) %s\n", fmt(bn, "send"), (bg > 0 ? fmt(bg, "send") : "not measured")
        split("-c1|-c2|-c2--no-gso", variant, "|"); split("-c 1|-c 2|-c 2 --no-gso", shown, "|")
        for (k = 1; k <= 3; k++) { b = median("sender" SUBSEP "send_bench" variant[k])
            if (b == "") continue
            printf "  dualchat bench udp %-14s %s: %s native sendmmsg", shown[k], fmt(b, "send"), (bn > 0 ? sprintf("%.2fx", b / bn) : "-")
            printf ", %s native segmented\n", (bg > 0 ? sprintf("%.2fx", b / bg) : "-") }
    }
}' "$RESULTS"
