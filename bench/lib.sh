# Shared by bench/run.sh and bench/timing.sh: tools, a release build, and a
# valet on a fresh SQLite database in a temporary directory. Source it after
# setting ROOT, COST and PASSWORD; it sets VALET, WORK and the traps.
say() { echo "bench: $*" >&2; }
die() {
    echo "bench: FAILED: $*" >&2
    exit 1
}

# --- tools -------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v curl >/dev/null || ! command -v jq >/dev/null ||
    ! command -v sqlite3 >/dev/null; then
    say "installing wrk, curl, jq and sqlite3"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk curl jq sqlite3; } \
        >/dev/null || die "cannot install wrk, curl, jq and sqlite3"
fi
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
say "building release"
cargo build --release --quiet --bin valet --example bcrypt_ceiling --example signing_ceiling || die "build failed"
VALET=$TARGET_DIR/release/valet
CEILING=$TARGET_DIR/release/examples/bcrypt_ceiling
SIGNING_CEILING=$TARGET_DIR/release/examples/signing_ceiling

# --- a fresh valet -----------------------------------------------------------
WORK=$(mktemp -d)
VALET_PID=""
OTHER_PID="" # a second instance (bench/postgres.sh)
BG_PID=""
cleanup() {
    set +e
    [[ -n $BG_PID ]] && kill "$BG_PID" 2>/dev/null
    for pid in $VALET_PID $OTHER_PID; do
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [[ -n ${BENCH_KEEP:-} ]]; then say "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Only what the benchmark sets; nothing from a .env (valet runs in $WORK).
unset VALET_JWT_SECRET VALET_ADMIN_USERNAME VALET_ADMIN_PASSWORD VALET_AUDIENCE \
    VALET_TRUSTED_PROXIES VALET_DB_MAX_CONNECTIONS VALET_ACCESS_TOKEN_TTL VALET_REFRESH_TOKEN_TTL
# BENCH_PG_URL (set by bench/run.sh --postgres) names a PostgreSQL server.
if [[ -n ${BENCH_PG_URL:-} ]]; then
    export DATABASE_URL=${BENCH_PG_URL%/*}/valet_bench
    psql -q "$BENCH_PG_URL" -c 'CREATE DATABASE valet_bench' || die "cannot create the database"
else
    export DATABASE_URL="sqlite://$WORK/valet.db?mode=rwc"
fi
export VALET_ADDR=127.0.0.1:0
export VALET_ISSUER=http://valet.bench
export VALET_BCRYPT_COST=$COST
export VALET_RATE_LIMIT_PER_MINUTE=0
export RUST_LOG=info

# Starts `valet serve`, waits for /healthz 200, sets PORT and READY_MS (from
# spawning the process to the first 200).
# VALET_LOG names the log file (default valet), for a second instance.
start_valet() {
    local log=$WORK/${VALET_LOG:-valet}.log t0 now
    : >"$log"
    t0=$(date +%s%N)
    (cd "$WORK" && exec "$VALET" serve) >/dev/null 2>>"$log" &
    VALET_PID=$!
    PORT=""
    while :; do
        kill -0 "$VALET_PID" 2>/dev/null || die "valet exited: $(tail -3 "$log")"
        [[ -z $PORT ]] && PORT=$(sed -n 's/.*valet listening on port \([0-9]*\).*/\1/p' "$log" | head -1)
        if [[ -n $PORT ]] &&
            [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz") == 200 ]]; then
            break
        fi
        now=$(date +%s%N)
        ((now - t0 < 30000000000)) || die "valet not ready after 30 s"
        sleep 0.002
    done
    READY_MS=$((($(date +%s%N) - t0) / 1000000))
}

stop_valet() {
    kill -TERM "$VALET_PID"
    wait "$VALET_PID" || die "valet did not exit cleanly on SIGTERM"
    VALET_PID=""
}


# seed_user NAME [FLAGS…]: `valet user add` with $PASSWORD.
seed_user() {
    printf '%s\n' "$PASSWORD" | (cd "$WORK" && "$VALET" user add "$@" --password-stdin) \
        >/dev/null 2>>"$WORK/seed.log" || die "cannot seed user $1: $(tail -3 "$WORK/seed.log")"
}

# session_count: the sessions in valet's database (one per successful
# sign-in), read beside a running valet.
session_count() {
    local sql='SELECT count(*) FROM sessions'
    if [[ -n ${BENCH_PG_URL:-} ]]; then
        psql -qtAX "$DATABASE_URL" -c "$sql" || die "cannot count sessions"
    else
        sqlite3 "$WORK/valet.db" "$sql" || die "cannot count sessions"
    fi
}

# --- load and figures ------------------------------------------------------
# wrk_run NAME CONNECTIONS SECONDS PATH [BODY]: runs wrk against $PORT,
# output to a file; /users/me carries $TOKEN, any path $BENCH_BEARER if set.
wrk_run() {
    local name=$1 conns=$2 secs=$3 path=$4 body=${5:-} threads=2
    ((conns < 2)) && threads=1
    local auth=()
    [[ $path == /users/me ]] && auth=(-H "Authorization: Bearer $TOKEN")
    [[ -n ${BENCH_BEARER:-} ]] && auth=(-H "Authorization: Bearer $BENCH_BEARER")
    BENCH_BODY=$body wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 30s \
        -s "$ROOT/bench/wrk.lua" "${auth[@]}" "http://127.0.0.1:$PORT$path" \
        >"$WORK/wrk-$name.txt" 2>&1
}

# wrk_read NAME: sets RPS, P50_MS, P99_MS from wrk's summary line; fails the
# run on any socket error or non-2xx answer.
wrk_read() {
    local line
    line=$(grep '^WRK ' "$WORK/wrk-$1.txt") || die "$1: wrk gave no summary: $(cat "$WORK/wrk-$1.txt")"
    read -r RPS P50_MS P99_MS errors non2xx requests < <(echo "$line" | awk '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%.2f %.2f %.2f %d %d %d\n", v["requests"] / (v["duration_us"] / 1e6),
            v["p50_us"] / 1000, v["p99_us"] / 1000, v["socket_errors"], v["non2xx"], v["requests"]
    }')
    ((requests > 0)) || die "$1: no request completed"
    ((errors == 0)) || die "$1: $errors socket errors"
    ((non2xx == 0)) || die "$1: $non2xx answers were not 2xx"
}

MISSED=0
# figure NAME VALUE UNIT [TARGET_EXPR]: one line per figure; TARGET_EXPR is an
# awk condition on v, e.g. "v >= 0.95".
figure() {
    local name=$1 value=$2 unit=$3 target=${4:-} verdict=""
    if [[ -n $target ]]; then
        if awk -v v="$value" "BEGIN { exit !($target) }"; then
            verdict="  [target ${target#v }: ok]"
        else
            verdict="  [target ${target#v }: MISSED]"
            MISSED=1
        fi
    fi
    printf '%-34s %10s %-12s%s\n' "$name" "$value" "$unit" "$verdict"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# bcrypt_ceiling: the machine's bcrypt verifications per second at $COST on
# every core for $PHASE s (the examples/bcrypt_ceiling program); sets CEILING_RPS.
bcrypt_ceiling() {
    local line
    line=$("$CEILING" "$PHASE" "$COST") || die "bcrypt_ceiling failed"
    CEILING_RPS=$(echo "$line" | sed -n 's/.*verifies_per_s=\([0-9.]*\).*/\1/p')
    [[ -n $CEILING_RPS ]] || die "bcrypt_ceiling printed no figure"
}

# mixed_phase: /token ($TOKEN_BODY) at 8 connections while /users/me runs at
# 16 for $PHASE s (docs/performance.md). /token's rate is the sessions
# opened while both ran (wrk's own figure would also count the seconds
# /token ran alone). Sets MIXED_TOKEN_RPS, MIXED_RPS, MIXED_P50, MIXED_P99.
mixed_phase() {
    local sessions_before t_before sessions_after t_after
    wrk_run token8-mixed 8 $((PHASE + 4)) /token "$TOKEN_BODY" &
    BG_PID=$!
    sleep 2
    sessions_before=$(session_count) t_before=$(date +%s%N)
    wrk_run me16-mixed 16 "$PHASE" /users/me
    sessions_after=$(session_count) t_after=$(date +%s%N)
    wait "$BG_PID" || die "the /token load failed"
    BG_PID=""
    wrk_read me16-mixed
    MIXED_P99=$P99_MS MIXED_P50=$P50_MS MIXED_RPS=$RPS
    wrk_read token8-mixed
    MIXED_TOKEN_RPS=$(awk -v n=$((sessions_after - sessions_before)) -v ns=$((t_after - t_before)) \
        'BEGIN { printf "%.2f", n / (ns / 1e9) }')
}
