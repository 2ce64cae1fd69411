#!/usr/bin/env bash
# Sign-in timing benchmark (README): does `POST /token` take as long
# for an unknown username as for a wrong password of an existing user?
#
#   bench/timing.sh
#
# Starts a release valet at bcrypt cost 10 on a fresh SQLite database, sends
# 30 wrong-password and 30 unknown-user password grants one at a time,
# interleaved (each wrong password goes to a different user, so every one
# takes the full path that counts a failure, never the lockout), and prints
# the median latency of each and their ratio. Target: within 10 %.
# Exits non-zero when the run fails; with --check also when the target is
# missed. BENCH_TIMING_REQUESTS (30) and BENCH_TIMING_COST (10) override.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
COST=${BENCH_TIMING_COST:-10}
N=${BENCH_TIMING_REQUESTS:-30}
CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1
PASSWORD='bench-password-1'

source "$ROOT/bench/lib.sh"

say "seeding $((N + 2)) users at cost $COST"
for i in $(seq 0 $((N + 1))); do
    seed_user "user-$i"
done
start_valet

# grant NAME: the seconds one password grant with a wrong password took;
# fails the run unless the answer is 400 invalid_grant.
grant() {
    local out status seconds
    out=$(curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}' \
        -d "grant_type=password&username=$1&password=not-the-password" \
        "http://127.0.0.1:$PORT/token")
    read -r status seconds <<<"$out"
    [[ $status == 400 ]] || die "$1: status $status"
    [[ $(jq -r .error "$WORK/answer.json") == invalid_grant ]] || die "$1: not invalid_grant"
    echo "$seconds"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# Warm-up, not measured: the first requests of each kind.
grant "user-$N" >/dev/null
grant "user-$((N + 1))" >/dev/null
grant nobody-warm-1 >/dev/null
grant nobody-warm-2 >/dev/null

: >"$WORK/wrong" && : >"$WORK/unknown"
for i in $(seq 0 $((N - 1))); do
    # Alternate which kind goes first, so drift in machine load hits both.
    if ((i % 2)); then
        grant "user-$i" >>"$WORK/wrong"
        grant "nobody-$i" >>"$WORK/unknown"
    else
        grant "nobody-$i" >>"$WORK/unknown"
        grant "user-$i" >>"$WORK/wrong"
    fi
done
stop_valet

WRONG_MS=$(median <"$WORK/wrong" | awk '{ printf "%.1f", $1 * 1000 }')
UNKNOWN_MS=$(median <"$WORK/unknown" | awk '{ printf "%.1f", $1 * 1000 }')
RATIO=$(awk -v a="$WRONG_MS" -v b="$UNKNOWN_MS" 'BEGIN { printf "%.3f", a / b }')
echo "valet sign-in timing: bcrypt cost $COST, $N requests each, $(date -u +%FT%TZ)"
printf '%-34s %10s ms\n' wrong_password_median "$WRONG_MS"
printf '%-34s %10s ms\n' unknown_user_median "$UNKNOWN_MS"
if awk -v r="$RATIO" 'BEGIN { exit !(r >= 0.9 && r <= 1.1) }'; then
    printf '%-34s %10s      [target 0.90..1.10: ok]\n' wrong_vs_unknown_ratio "$RATIO"
else
    printf '%-34s %10s      [target 0.90..1.10: MISSED]\n' wrong_vs_unknown_ratio "$RATIO"
    ((CHECK)) && exit 2
fi
exit 0
