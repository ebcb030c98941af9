# Helpers the bench scripts share (udp-pairs.sh, tcp-pairs.sh, compare.sh, udp-cpu.sh); sourced, not run. The script sets
# SCRIPT (its name, for messages) before sourcing this.

# stop_pid PID: TERM, up to 10 s for it to go, then KILL. Only a process the script started.
stop_pid() {
    if kill -TERM "$1" 2>/dev/null; then
        for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true   # reaps it if it is this shell's child
    fi
}

# free_port: a loopback port nobody uses, TCP or UDP (as ss sees them now).
free_port() {
    local p i
    for ((i = 0; i < 100; i++)); do
        p=$((20000 + RANDOM % 30000))
        [[ -z $(ss -Htuan "sport = :$p") ]] && { echo "$p"; return; }
    done
    echo "$SCRIPT: no free port" >&2; return 1
}

# kv KEY LINE: the value of KEY=VALUE in a line of space-separated pairs (a load generator's --kv output).
kv() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
