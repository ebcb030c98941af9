#!/usr/bin/env bash
# Throughput benchmark for dualchat: messages per second printed, with stdout redirected to a file.
#
# Usage (from the repository root):  bash bench/throughput.sh
#   Builds chat-cli/target/dualchat.jar if it is missing. Environment overrides: RUNS (3),
#   UDP_COUNT (2000000), UDP_SECS (5), TCP_COUNT (5000000), TCP_SECS (10), and the warm-up:
#   WARM_UDP_COUNT (300000), WARM_TCP_COUNT (1000000), WARM_SECS (3). Takes about 2 minutes on 2 cores.
#
# What it measures. Three loads, each RUNS times, every line 64 bytes of text plus '\n':
#   udp      one sender, one datagram per line, as fast as it can send;
#   tcp-1    one TCP connection, lines written in ~64 KB batches;
#   tcp-100  100 TCP connections (4 sender threads), the same number of lines in all.
# Every run starts a fresh server (`dualchat server --udp-port 0 --tcp-port 0`, stdout to a temp file;
# the ports come from its "Listening on UDP ... and TCP ..." log line on stderr), sends one load with
# bench/Load.java, and stops the server with SIGTERM; the server prints everything it received and exits.
# Before the timed load, every receiver first gets a smaller warm-up load of the same kind (so that the
# JIT has compiled the receive path: on 2 cores the C2 compiler otherwise competes with the first
# seconds of the load); lines printed during the warm-up are subtracted from every count.
#
# How it is timed. Load.java stats the output file every 2 ms, from before the first send, and notes
# when its size last changed. After sending it waits until the file holds every line sent (TCP) or has
# not grown for 1 s (UDP, where datagrams can be lost). elapsed = first send -> last growth of the
# file, i.e. until the last line reached the file, including the server's queue draining after the
# sender finished. printed = lines in the file after SIGTERM (checked against the size seen at the
# end of timing: the server flushes whenever its queue runs empty, so nothing may be missing then).
#   printed/s = printed messages / elapsed;  lost % = (sent - printed messages) / sent.
# A message printed in pieces (the server prints a partial TCP line after --partial-line-timeout, 200 ms,
# of quiet) shows up as extra lines, each 13 bytes ("127.0.0.1 : " and "\n") on top of the 64 of text;
# the script counts them as "split" from the line and byte counts, and counts the message once.
# For UDP it also records where losses happen: kernel drops (Udp RcvbufErrors in /proc/net/snmp,
# before/after, system-wide but nothing else on a quiet box sends UDP at this rate) and the server's
# own drops (its "Dropped N UDP messages ... (T in all)" warning on stderr).
#
# Baselines, measured in the same run, interleaved run by run with the server runs so that any drift
# of the shared machine affects both: the same Load.java load received by a minimal program with its
# stdout redirected to a file --
#   udp:     socat -u UDP4-RECV:PORT,rcvbuf=4194304 STDOUT   (one recvfrom + one write per datagram;
#            same 4 MB receive buffer the server asks for)
#   tcp-*:   ncat -l -k -m 200 --recv-only                    (copies every connection's bytes to stdout)
# The baselines print the 65-byte line as received; the server prints "127.0.0.1 : " + line = 77 bytes.
# Rates are compared in lines per second: ratio = server median / baseline median.
#
# Bounds: each load stops at its count or its time limit, whichever first; each wait is bounded; every
# process this script starts is stopped by its PID (TERM, then KILL after a timeout), and an EXIT trap
# stops any that is still running. Traffic goes to 127.0.0.1 only. The machine's cores are shared by
# sender and receiver, so all figures are for sender + receiver on the same box.

set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
UDP_COUNT=${UDP_COUNT:-2000000}
UDP_SECS=${UDP_SECS:-5}
TCP_COUNT=${TCP_COUNT:-5000000}
TCP_SECS=${TCP_SECS:-10}
WARM_UDP_COUNT=${WARM_UDP_COUNT:-300000}
WARM_TCP_COUNT=${WARM_TCP_COUNT:-1000000}
WARM_SECS=${WARM_SECS:-3}
JAR=chat-cli/target/dualchat.jar
SERVER_LINE_BYTES=77   # "127.0.0.1 : " + 64 + "\n"
RAW_LINE_BYTES=65      # 64 + "\n"

for tool in java socat ncat ss awk; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install -y socat ncat iproute2)" >&2; exit 2; }
done
if [[ ! -f $JAR ]]; then
    echo "building $JAR ..." >&2
    mvn -q -DskipTests package
fi

WORK=$(mktemp -d /tmp/dualchat-bench.XXXXXX)
STARTED=()   # PIDs of every process this script started

stop_pid() {   # stop_pid PID [seconds]: TERM, wait (bounded), then KILL; returns the exit status
    local pid=$1 limit=${2:-30} i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < limit * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "pid $pid did not stop within ${limit}s, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    local rc=0
    wait "$pid" 2>/dev/null || rc=$?
    return $rc
}

cleanup() {
    local pid
    for pid in "${STARTED[@]+"${STARTED[@]}"}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

udp_rcvbuf_errors() { awk '/^Udp:/ { if (++n == 2) print $6 }' /proc/net/snmp; }

cpu_seconds() {   # user+system CPU of a live process, in seconds
    awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / tck }' "/proc/$1/stat"
}

free_port() {     # free_port tcp|udp: a random port nobody listens on
    local flag=$([[ $1 == tcp ]] && echo -Hltn || echo -Hlun) p i
    for ((i = 0; i < 50; i++)); do
        p=$((20000 + RANDOM % 40000))
        [[ -z $(ss $flag "sport = :$p") ]] && { echo "$p"; return; }
    done
    echo "no free port" >&2; return 1
}

wait_listening() { # wait_listening tcp|udp PORT PID
    local flag=$([[ $1 == tcp ]] && echo -Hltn || echo -Hlun) i
    for ((i = 0; i < 100; i++)); do
        [[ -n $(ss $flag "sport = :$2") ]] && return 0
        kill -0 "$3" 2>/dev/null || { echo "receiver $3 exited early" >&2; return 1; }
        sleep 0.05
    done
    echo "receiver $3 not listening on $1 $2" >&2; return 1
}

load() {          # load udp|tcp PORT CONNS FILE OUT_LINE_BYTES [warm]; sets LOAD to Load.java's key=value line
    local count=$TCP_COUNT secs=$TCP_SECS
    [[ $1 == udp ]] && count=$UDP_COUNT secs=$UDP_SECS
    if [[ ${6:-} == warm ]]; then
        count=$WARM_TCP_COUNT secs=$WARM_SECS
        [[ $1 == udp ]] && count=$WARM_UDP_COUNT
    fi
    java bench/Load.java "$1" 127.0.0.1 "$2" --conns "$3" --count "$count" --seconds "$secs" \
        --watch "$4" --out-line-bytes "$5" --quiet-ms 1000 --max-wait-s 60 >"$WORK/load.out" &
    local pid=$!
    STARTED+=("$pid")
    wait "$pid"
    LOAD=$(cat "$WORK/load.out")
}

server_drops() {  # the server's running total of UDP lines it dropped itself (0 if it never said)
    local n
    n=$(sed -n 's/.*Dropped [0-9]* UDP messages.*(\([0-9]*\) in all).*/\1/p' "$1" | tail -1)
    echo "${n:-0}"
}

kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

RESULTS=$WORK/results.tsv   # scenario receiver run sent printed elapsed lost% rate kdrops sdrops cpu sent/s
: >"$RESULTS"

record() {        # record SCENARIO RECEIVER RUN LOADLINE PRINTED KDROPS SDROPS CPU SPLIT
    local sent elapsed send
    sent=$(kv sent "$4"); elapsed=$(kv elapsed_s "$4"); send=$(kv send_s "$4")
    awk -v s="$1" -v r="$2" -v n="$3" -v sent="$sent" -v p="$5" -v e="$elapsed" -v k="$6" -v d="$7" -v c="$8" \
        -v ss="$send" -v x="$9" \
        'BEGIN { m = p - x; printf "%s\t%s\t%s\t%d\t%d\t%.4f\t%.2f\t%.0f\t%s\t%s\t%s\t%.0f\t%d\n",
                 s, r, n, sent, p, e, 100 * (sent - m) / sent, m / e, k, d, c, sent / ss, x }' >>"$RESULTS"
    printf '  %-8s %-9s run %s: %s printed_lines=%s split=%s kernel_drops=%s server_drops=%s cpu_s=%s\n' \
        "$1" "$2" "$3" "$4" "$5" "$9" "$6" "$7" "$8" >&2
}

run_server() {    # run_server SCENARIO RUN PROTO CONNS
    local out=$WORK/server.out err=$WORK/server.err i ports udp tcp port pid k0 k1 c0 c1 d0 warm wbytes bytes split line cpu printed drops
    : >"$out"; : >"$err"
    java -jar "$JAR" server --udp-port 0 --tcp-port 0 >"$out" 2>"$err" &
    pid=$!
    STARTED+=("$pid")
    for ((i = 0; i < 300; i++)); do
        ports=$(sed -n 's/.*Listening on UDP .*:\([0-9]*\) and TCP .*:\([0-9]*\) .*/\1 \2/p' "$err")
        [[ -n $ports ]] && break
        kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; echo "server exited early" >&2; return 1; }
        sleep 0.05
    done
    [[ -n $ports ]] || { echo "server did not report its ports" >&2; return 1; }
    read -r udp tcp <<<"$ports"
    port=$([[ $3 == udp ]] && echo "$udp" || echo "$tcp")
    load "$3" "$port" "$4" "$out" "$SERVER_LINE_BYTES" warm
    warm=$(wc -l <"$out"); wbytes=$(stat -c %s "$out"); d0=$(server_drops "$err")
    k0=$(udp_rcvbuf_errors); c0=$(cpu_seconds "$pid")
    load "$3" "$port" "$4" "$out" "$SERVER_LINE_BYTES"; line=$LOAD
    k1=$(udp_rcvbuf_errors); c1=$(cpu_seconds "$pid")
    cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
    local bytes_at_end
    bytes_at_end=$(kv file_bytes "$line")
    stop_pid "$pid" 60 || echo "server exited with status $?" >&2
    printed=$(($(wc -l <"$out") - warm))
    bytes=$(($(stat -c %s "$out") - wbytes))
    if ((bytes != bytes_at_end)); then
        echo "note: output grew from $bytes_at_end to $bytes bytes after timing ended" >&2
    fi
    # A message printed in k pieces gives k lines of "127.0.0.1 : " + piece + "\n": 13 bytes more per
    # extra line. So messages = (bytes - 13 * lines) / 64, and split = lines - messages.
    if (((bytes - 13 * printed) % 64 != 0)); then
        echo "note: output is not made of whole 64-byte messages; split count is approximate" >&2
    fi
    split=$((printed - (bytes - 13 * printed) / 64))
    drops=$(($(server_drops "$err") - d0))
    record "$1" dualchat "$2" "$line" "$printed" "$((k1 - k0))" "$drops" "$cpu" "$split"
    cp "$err" "$WORK/server-$1-$2.err"
}

run_baseline() {  # run_baseline SCENARIO RUN PROTO CONNS
    local out=$WORK/baseline.out err=$WORK/baseline.err port pid k0 k1 c0 c1 warm line cpu printed name
    : >"$out"; : >"$err"
    port=$(free_port "$3")
    if [[ $3 == udp ]]; then
        name=socat
        socat -u "UDP4-RECV:$port,bind=127.0.0.1,rcvbuf=4194304" STDOUT >"$out" 2>"$err" &
    else
        name=ncat
        ncat -l 127.0.0.1 "$port" -k -m 200 --recv-only </dev/null >"$out" 2>"$err" &
    fi
    pid=$!
    STARTED+=("$pid")
    wait_listening "$3" "$port" "$pid"
    load "$3" "$port" "$4" "$out" "$RAW_LINE_BYTES" warm
    warm=$(wc -l <"$out")
    k0=$(udp_rcvbuf_errors); c0=$(cpu_seconds "$pid")
    load "$3" "$port" "$4" "$out" "$RAW_LINE_BYTES"; line=$LOAD
    k1=$(udp_rcvbuf_errors); c1=$(cpu_seconds "$pid")
    cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
    stop_pid "$pid" 10 || true   # socat/ncat exit 143 on TERM; their output is unbuffered
    printed=$(($(wc -l <"$out") - warm))
    record "$1" "$name" "$2" "$line" "$printed" "$((k1 - k0))" 0 "$cpu" 0
}

echo "dualchat throughput: $(nproc) cores, $(java -version 2>&1 | head -1), runs=$RUNS" >&2
echo "udp: $UDP_COUNT datagrams or ${UDP_SECS}s; tcp: $TCP_COUNT lines or ${TCP_SECS}s; 64-byte lines" >&2
for scenario in udp tcp-1 tcp-100; do
    case $scenario in
        udp) proto=udp conns=1 ;;
        tcp-1) proto=tcp conns=1 ;;
        tcp-100) proto=tcp conns=100 ;;
    esac
    for ((run = 1; run <= RUNS; run++)); do
        run_server "$scenario" "$run" "$proto" "$conns"
        run_baseline "$scenario" "$run" "$proto" "$conns"
    done
done

echo
echo "Median of $RUNS runs [min-max]. printed/s = messages in the output file / (first send -> last growth of the file);"
echo "sent/s = lines sent / time spent sending (TCP: limited by backpressure once the kernel socket buffers are full)."
echo "split = messages printed in two or more pieces (each piece is a line); lost % and printed/s count messages."
echo "kernel drops = Udp RcvbufErrors delta; server drops = the server's own 'Dropped N UDP messages' count;"
echo "receiver CPU s = user+system CPU of the receiving process during the load (excludes JVM start-up)."
awk -F'\t' '
function med(a, n,   i, j, t, b) {   # sorts a copy, returns "median [min-max]"
    for (i = 1; i <= n; i++) b[i] = a[i]
    for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
    M = (n % 2) ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2; LO = b[1]; HI = b[n]
}
function fmt(x, d) { return d == "k" ? sprintf("%.0fk", x / 1000) : sprintf("%." d "f", x) }
function cell(key, col, d) {
    n = cnt[key]; for (i = 1; i <= n; i++) v[i] = val[key, i, col]
    med(v, n); return fmt(M, d) " [" fmt(LO, d) "-" fmt(HI, d) "]"
}
{
    key = $1 SUBSEP $2; if (!(key in cnt)) { order[++keys] = key; scen[key] = $1; recv[key] = $2 }
    n = ++cnt[key]
    for (c = 4; c <= 13; c++) val[key, n, c] = $c
}
END {
    printf "%-8s %-8s %-19s %-22s %-19s %-13s %-17s %-22s %-19s %-13s %s\n", "load", "receiver", "sent", "sent/s", "printed lines", "split", "lost %", "printed/s", "kernel drops", "server drops", "receiver CPU s"
    for (k = 1; k <= keys; k++) {
        key = order[k]
        printf "%-8s %-8s %-19s %-22s %-19s %-13s %-17s %-22s %-19s %-13s %s\n", scen[key], recv[key],
            cell(key, 4, "k"), cell(key, 12, "k"), cell(key, 5, "k"), cell(key, 13, 0), cell(key, 7, 1), cell(key, 8, "k"),
            cell(key, 9, "k"), cell(key, 10, 0), cell(key, 11, 1)
        n = cnt[key]; for (i = 1; i <= n; i++) v[i] = val[key, i, 8]; med(v, n); rate[scen[key], recv[key] == "dualchat"] = M
        base[scen[key]] = recv[key] == "dualchat" ? base[scen[key]] : recv[key]
    }
    print ""
    for (k = 1; k <= keys; k++) {
        s = scen[order[k]]; if (s in done) continue; done[s] = 1
        printf "ratio %-8s dualchat / %-5s median printed/s = %.0f / %.0f = %.2f\n", s, base[s], rate[s, 1], rate[s, 0], rate[s, 1] / rate[s, 0]
    }
}' "$RESULTS"
