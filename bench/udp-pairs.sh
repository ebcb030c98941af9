#!/usr/bin/env bash
# Does the room cost UDP anything? Relay on (the default) against --no-relay at full speed, in pairs of fresh
# servers, the order alternating from pair to pair. Each server: started as the README starts it, 2 s idle,
# then COUNT datagrams from one native sender at full speed (fresh), then COUNT more (warm); the % lost of
# each and the rate the sender made. At full speed the loss follows the sender's own rate, which the 2 shared
# cores set from run to run, so beside the medians it prints a Mann-Whitney test of the two modes' losses and
# a least-squares fit of loss on the sender's rate and the mode: the mode's term is the difference the room
# makes at the same offered rate. Over 127.0.0.1 only; every process it starts is stopped by its PID.
#
# Usage: bash bench/udp-pairs.sh [--pairs N=10] [-n COUNT=1000000] [-s SIZE=64] [JAR=chat-cli/target/dualchat.jar]
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT=udp-pairs.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh
PAIRS=10 COUNT=1000000 SIZE=64
while (($#)); do
    case $1 in
        --pairs) PAIRS=$2; shift ;;
        -n) COUNT=$2; shift ;;
        -s) SIZE=$2; shift ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "udp-pairs.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
JAR=${1:-chat-cli/target/dualchat.jar}
[[ -x $JAR ]] || { echo "udp-pairs.sh: $JAR is not an executable jar: build it first (README)" >&2; exit 2; }
[[ $PAIRS =~ ^[1-9][0-9]*$ ]] || { echo "udp-pairs.sh: --pairs must be a positive number" >&2; exit 2; }
WORK=$(mktemp -d /tmp/dualchat-udppairs.XXXXXX)
PID=
stop() { [[ -z $PID ]] || stop_pid "$PID"; PID=; }
trap 'stop; rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/udp_send" bench/c/udp_send.c

one() {   # one MODE: a fresh server, two loads; appends "MODE fresh_lost fresh_rate warm_lost warm_rate"
    local mode=$1 udp tcp a b
    udp=$(free_port); tcp=$(free_port)
    : >"$WORK/out"
    # shellcheck disable=SC2046
    "$JAR" server --bind 127.0.0.1 -u "$udp" -t "$tcp" -q $([[ $mode == norelay ]] && echo --no-relay) \
        </dev/null >"$WORK/out" 2>"$WORK/err" &
    PID=$!
    for _ in $(seq 400); do [[ -n $(ss -Hlun "sport = :$udp") ]] && break; sleep 0.05; done
    [[ -n $(ss -Hlun "sport = :$udp") ]] || { echo "udp-pairs.sh: the server did not listen: $(tail -1 "$WORK/err")" >&2; exit 1; }
    sleep 2
    a=$("$WORK/udp_send" "$udp" "$SIZE" "$COUNT" 20 "$WORK/out" 500)
    b=$("$WORK/udp_send" "$udp" "$SIZE" "$COUNT" 20 "$WORK/out" 500)
    stop
    echo "$mode $(kv lost_pct "$a") $(kv sent_per_s "$a") $(kv lost_pct "$b") $(kv sent_per_s "$b")" | tee -a "$WORK/runs"
}

echo "mode, then fresh: % lost, datagrams/s sent; warm: the same"
for ((i = 1; i <= PAIRS; i++)); do
    if ((i % 2)); then one relay; one norelay; else one norelay; one relay; fi
done

awk '
function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ n++; mode[n] = $1; lost[1, n] = $2; rate[1, n] = $3 / 1000; lost[2, n] = $4; rate[2, n] = $5 / 1000 }
END {
    split("fresh warm", load, " ")
    for (l = 1; l <= 2; l++) {
        for (m = 1; m >= 0; m--) {
            name = m ? "relay on" : "--no-relay"; k = 0; lo = 1e9; hi = -1
            for (i = 1; i <= n; i++) if ((mode[i] == "relay") == m) {
                k++; v[k] = lost[l, i]; r[k] = rate[l, i]; if (v[k] < lo) lo = v[k]; if (v[k] > hi) hi = v[k]
            }
            printf "%s, %-10s lost %.1f %% [%.1f-%.1f], sent %.0fk/s (median of %d)\n", load[l], name ":", median(v, k), lo, hi, median(r, k), k
        }
        # Mann-Whitney U of relay on against --no-relay (ranks with ties averaged; normal approximation).
        k = 0
        for (i = 1; i <= n; i++) { k++; x[k] = lost[l, i]; g[k] = (mode[i] == "relay") }
        n1 = 0; r1 = 0
        for (i = 1; i <= k; i++) {
            below = 0; same = 0
            for (j = 1; j <= k; j++) { if (x[j] < x[i]) below++; else if (x[j] == x[i]) same++ }
            if (g[i]) { n1++; r1 += below + (same + 1) / 2 }
        }
        n2 = k - n1; u = r1 - n1 * (n1 + 1) / 2
        z = (u - n1 * n2 / 2) / sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
        # Two-sided p from z (Abramowitz and Stegun 7.1.26 for erfc).
        t = 1 / (1 + 0.3275911 * (z < 0 ? -z : z) / sqrt(2)); az = (z < 0 ? -z : z) / sqrt(2)
        p = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * exp(-az * az)
        printf "%s: Mann-Whitney, relay on against --no-relay: U = %.1f, z = %.2f, p = %.2f\n", load[l], u, z, p
        # Least squares: lost = a + b * rate + c * (relay on).
        for (i = 1; i <= 3; i++) { for (j = 1; j <= 3; j++) A[i, j] = 0; B[i] = 0 }
        for (i = 1; i <= n; i++) {
            X[1] = 1; X[2] = rate[l, i]; X[3] = (mode[i] == "relay")
            for (a = 1; a <= 3; a++) { B[a] += X[a] * lost[l, i]; for (b = 1; b <= 3; b++) A[a, b] += X[a] * X[b] }
        }
        for (c = 1; c <= 3; c++) for (rr = 1; rr <= 3; rr++) if (rr != c && A[c, c] != 0) {
            f = A[rr, c] / A[c, c]; for (q = 1; q <= 3; q++) A[rr, q] -= f * A[c, q]; B[rr] -= f * B[c]
        }
        printf "%s: lost = %.1f + %.3f x (thousand datagrams/s sent) %+.1f points with relay on\n", load[l], B[1] / A[1, 1], B[2] / A[2, 2], B[3] / A[3, 3]
    }
}' "$WORK/runs"
