#!/usr/bin/env bash
# The server's CPU per datagram at a fixed, moderate rate: a figure that a machine shared with other work
# changes far less than a loss at full speed does. Starts a fresh receiver, sends COUNT 64-byte datagrams at
# RATE a second from one native sender (bench/c/udp_send -r), three bursts in a row (the first from a fresh
# process), and prints for each the receiver's CPU time (utime + stime of /proc/PID/stat) per datagram, the
# datagrams lost, and its RSS. Over 127.0.0.1 only; every process it starts is stopped by its PID.
#
# Usage: bash bench/udp-cpu.sh [-n COUNT=1000000] [-r RATE=100000] [-s SIZE=64] [--bursts B=3] [-- CMD...]
#   CMD: how to start the receiver, followed by server options (default: chat-cli/target/dualchat.jar,
#   the README's command); "c" for the C receiver (bench/c/udp_recv).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=1000000 RATE=100000 SIZE=64 BURSTS=3
while (($#)); do
    case $1 in
        -n) COUNT=$2; shift ;;
        -r) RATE=$2; shift ;;
        -s) SIZE=$2; shift ;;
        --bursts) BURSTS=$2; shift ;;
        --) shift; break ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "udp-cpu.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
CMD=("$@")
((${#CMD[@]})) || CMD=(chat-cli/target/dualchat.jar)
WORK=$(mktemp -d /tmp/dualchat-udpcpu.XXXXXX)
PID=
SCRIPT=udp-cpu.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh
cleanup() { [[ -z $PID ]] || stop_pid "$PID"; rm -rf "$WORK"; }
trap cleanup EXIT
cc -O2 -o "$WORK/udp_send" bench/c/udp_send.c
cc -O2 -o "$WORK/udp_recv" bench/c/udp_recv.c
PORT=$(free_port)
OUT=$WORK/out
if [[ ${CMD[0]} == c ]]; then
    "$WORK/udp_recv" "$PORT" 900 33554432 >"$OUT" 2>"$WORK/err" &
else
    "${CMD[@]}" server --bind 127.0.0.1 -u "$PORT" -t 0 -q >"$OUT" 2>"$WORK/err" &
fi
PID=$!
T0=$(date +%s.%N)
for _ in $(seq 400); do [[ -n $(ss -Hlun "sport = :$PORT") ]] && break; sleep 0.05; done
T1=$(date +%s.%N)
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }
HZ=$(getconf CLK_TCK)
echo "listening after $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.2f", b - a }') s, CPU so far $(awk -v c="$(cpu)" -v h="$HZ" 'BEGIN { printf "%.2f", c / h }') s"
sleep 3
echo "idle RSS 3 s after listening: $(( $(kb VmRSS) / 1024 )) MB"
for ((b = 1; b <= BURSTS; b++)); do
    c0=$(cpu)
    r=$("$WORK/udp_send" -r "$RATE" "$PORT" "$SIZE" "$COUNT" 120 "$OUT" 1000)
    c1=$(cpu)
    echo "burst $b: $r; server CPU $(awk -v c="$((c1 - c0))" -v h="$HZ" -v n="$COUNT" 'BEGIN { printf "%.2f s, %.2f us/datagram", c / h, c / h / n * 1e6 }'); VmRSS $(( $(kb VmRSS) / 1024 )) MB, VmHWM $(( $(kb VmHWM) / 1024 )) MB"
done
