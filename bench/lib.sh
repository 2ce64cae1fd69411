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
BG_PID=""
cleanup() {
    set +e
    [[ -n $BG_PID ]] && kill "$BG_PID" 2>/dev/null
    if [[ -n $VALET_PID ]]; then
        kill -TERM "$VALET_PID" 2>/dev/null
        wait "$VALET_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Only what the benchmark sets; nothing from a .env (valet runs in $WORK).
unset VALET_JWT_SECRET VALET_ADMIN_USERNAME VALET_ADMIN_PASSWORD VALET_AUDIENCE \
    VALET_TRUSTED_PROXIES VALET_DB_MAX_CONNECTIONS VALET_ACCESS_TOKEN_TTL VALET_REFRESH_TOKEN_TTL
export DATABASE_URL="sqlite://$WORK/valet.db?mode=rwc"
export VALET_ADDR=127.0.0.1:0
export VALET_ISSUER=http://valet.bench
export VALET_BCRYPT_COST=$COST
export VALET_RATE_LIMIT_PER_MINUTE=0
export RUST_LOG=info

# Starts `valet serve`, waits for /healthz 200, sets PORT and READY_MS (from
# spawning the process to the first 200).
start_valet() {
    local log=$WORK/valet.log t0 now
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
    sqlite3 "$WORK/valet.db" 'SELECT count(*) FROM sessions' || die "cannot count sessions"
}
