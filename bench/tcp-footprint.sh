#!/usr/bin/env bash
# TCP receive speed and memory of the dualchat server beside rsyslog, in one run, on loopback.
#
#   bash bench/tcp-footprint.sh [--runs N] [--server "CMD"] [--before "CMD"] [--peers "dualchat rsyslog"]
#
# For each run and each receiver: a fresh process, its idle RSS 10 s after it listens, then
# `dualchat bench tcp` with 1 and with 100 connections (2,000,000 64-byte lines in 4 KB writes each),
# the lines/s it reports (lines printed to the receiver's file), and the receiver's peak RSS (VmHWM).
# dualchat runs with its DEFAULT options (relay on) as the README starts it: CMD defaults to
# "chat-cli/target/dualchat.jar server" (the executable jar, launcher included); the load generator is
# always `java -jar chat-cli/target/dualchat.jar bench`. With --before CMD, the peer "before" runs
# CMD the same way (another build, e.g. "java -jar /tmp/old.jar server"), for a before/after in one run.
# rsyslog runs in the foreground with a config and work directory of its own (imtcp, omfile with "%fromhost-ip% : %rawmsg%"), never the system service.
# Everything binds to 127.0.0.1; every process started is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=3
BEFORE=
JAR=${JAR:-chat-cli/target/dualchat.jar}   # the load generator
SERVER="$JAR server"
PEERS="dualchat rsyslog"
COUNT=${COUNT:-2000000}
while (($#)); do
    case $1 in
        --runs) RUNS=$2; shift ;;
        --server) SERVER=$2; shift ;;
        --before) BEFORE=$2; PEERS="dualchat before rsyslog"; shift ;;
        --peers) PEERS=$2; shift ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
WORK=$(mktemp -d)
TCP=$((20000 + RANDOM % 20000))
PID=
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

listening() { ss -Hltn "sport = :$TCP" | grep -q .; }

start() {   # start RECEIVER: sets PID
    rm -f "$WORK/out.txt"; : >"$WORK/out.txt"
    case $1 in
        dualchat|before)
            cmd=$SERVER; [[ $1 == before ]] && cmd=$BEFORE
            # shellcheck disable=SC2086
            $cmd --bind 127.0.0.1 -u 0 -t "$TCP" -q >>"$WORK/out.txt" 2>"$WORK/server.err" &
            PID=$! ;;
        rsyslog)
            mkdir -p "$WORK/rsyslog"
            cat >"$WORK/rsyslog/rsyslog.conf" <<CONF
global(workDirectory="$WORK/rsyslog" maxMessageSize="64k")
module(load="imtcp" maxSessions="2000")
template(name="plain" type="string" string="%fromhost-ip% : %rawmsg%\n")
input(type="imtcp" address="127.0.0.1" port="$TCP" ruleset="out")
ruleset(name="out") { action(type="omfile" file="$WORK/out.txt" template="plain" ioBufferSize="64k" flushOnTXEnd="on") }
CONF
            /usr/sbin/rsyslogd -n -f "$WORK/rsyslog/rsyslog.conf" -i "$WORK/rsyslog/pid" >/dev/null 2>&1 &
            PID=$! ;;
    esac
    for _ in $(seq 200); do listening && return; sleep 0.05; done
    echo "$1 did not listen" >&2; exit 1
}

kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

for run in $(seq "$RUNS"); do
    for peer in $PEERS; do
        start "$peer"
        sleep 10
        idle=$(kb "$PID" VmRSS)
        line="run=$run peer=$peer idle_rss_kb=$idle"
        for c in 1 100; do
            java -jar "$JAR" bench tcp 127.0.0.1 -p "$TCP" -c "$c" -n "$COUNT" -d 60 --batch 63 --wait 60 --quiet-ms 5000 \
                --count-file "$WORK/out.txt" --kv >"$WORK/bench.out" 2>>"$WORK/bench.err" || true
            rate=$(tr ' ' '\n' <"$WORK/bench.out" | awk -F= '$1 == "received_per_s" { print $2 }')
            sent=$(tr ' ' '\n' <"$WORK/bench.out" | awk -F= '$1 == "sent_per_s" { print $2 }')
            lost=$(tr ' ' '\n' <"$WORK/bench.out" | awk -F= '$1 == "lost" { print $2 }')
            line+=" c${c}_lines_per_s=${rate:-?} c${c}_sent_per_s=${sent:-?} c${c}_lost=${lost:-?}"
            : >"$WORK/out.txt"
        done
        line+=" peak_rss_kb=$(kb "$PID" VmHWM)"
        kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
        echo "$line"
    done
done
