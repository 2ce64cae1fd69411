#!/usr/bin/env bash
# valet at the scale of a large directory:
#
#   bench/scale.sh [--check] [--postgres] [USERS]      # default 1000000
#
# Seeds USERS users and USERS sessions (half of them expired) in SQL, one
# INSERT … SELECT each (every user shares the first admin's bcrypt hash):
# through sqlite3, or with --postgres (or BENCH_DB=postgres) through psql
# and generate_series in a throwaway cluster (scripts/with-postgres.sh, fsync
# off, port 55446 unless VALET_PG_PORT is set). Then prints one line per
# figure:
#   - seeding time and database size (the file, or pg_database_size);
#   - start to the first /healthz 200 on that database (target ≤ 300 ms);
#   - GET /users/me, 64 connections, against the same on a one-user
#     database in this run (target ≥ 0.95);
#   - GET /api/users page 1 and a prefix search matching 1 % of the users
#     (`user001…`), p50 and p95 of RUNS requests (target p95 ≤ 20 ms);
#   - GET /users/me p99 while `valet purge` deletes the expired half
#     (target ≤ 20 ms), and the sessions it deleted per second meanwhile;
#   - peak RSS of the server (target ≤ 30 MiB).
# Exits non-zero when the run fails; with --check also (2) when a target is
# missed. Environment: BENCH_SECONDS (default 10) per wrk phase, RUNS
# (default 50), VALET_BIN (default: the release build of this checkout).
# Needs cargo, sqlite3 (or PostgreSQL 15), curl, jq and wrk (bench/run.sh
# installs them).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHECK=0 POSTGRES=0 USERS=1000000
[[ ${BENCH_DB:-sqlite} == postgres ]] && POSTGRES=1
for arg in "$@"; do
    case $arg in
    --check) CHECK=1 ;;
    --postgres) POSTGRES=1 ;;
    [0-9]*) USERS=$arg ;;
    *) echo "usage: bench/scale.sh [--check] [--postgres] [USERS]" >&2 && exit 64 ;;
    esac
done
# PostgreSQL mode runs inside a throwaway cluster of its own.
if ((POSTGRES)) && [[ -z ${BENCH_PG_URL:-} ]]; then
    export VALET_PG_PORT=${VALET_PG_PORT:-55446} # neither the tests' nor bench/run.sh's
    exec "$ROOT/scripts/with-postgres.sh" bash -c \
        'BENCH_PG_URL=$VALET_TEST_DATABASE_URL exec "$0" "$@"' "$0" "$@"
fi
RUNS=${RUNS:-50}
PHASE=${BENCH_SECONDS:-10}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${VALET_BIN:-$TARGET_DIR/release/valet}
WORK=$(mktemp -d)
PORT=${BENCH_PORT:-18191}
SERVER=""
say() { echo "scale: $*" >&2; }
die() {
    echo "scale: FAILED: $*" >&2
    exit 1
}
cleanup() {
    set +e
    [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
tools="curl jq wrk"
if ((POSTGRES)); then tools="$tools psql"; else tools="$tools sqlite3"; fi
for tool in $tools; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
unset BENCH_BODY VALET_JWT_SECRET VALET_AUDIENCE VALET_TRUSTED_PROXIES VALET_DB_MAX_CONNECTIONS
export VALET_ADDR=127.0.0.1:$PORT VALET_ISSUER=http://valet.bench \
    VALET_ADMIN_USERNAME=admin VALET_ADMIN_PASSWORD=bench-admin-password \
    VALET_BCRYPT_COST=10 VALET_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn
URL=http://127.0.0.1:$PORT

# db_url NAME: valet's DATABASE_URL for the database NAME (created here on
# PostgreSQL); sql NAME: runs SQL from stdin on it, printing rows unadorned.
db_url() {
    if ((POSTGRES)); then
        psql -qX "$BENCH_PG_URL" -c "CREATE DATABASE $1" >/dev/null || die "cannot create database $1"
        echo "${BENCH_PG_URL%/*}/$1"
    else
        echo "sqlite://$WORK/$1.db?mode=rwc"
    fi
}
sql() {
    if ((POSTGRES)); then
        psql -qtAX -v ON_ERROR_STOP=1 "${BENCH_PG_URL%/*}/$1"
    else
        sqlite3 -bail "$WORK/$1.db"
    fi
}
db_mib() {
    local bytes
    if ((POSTGRES)); then
        bytes=$(echo "SELECT pg_database_size('$1')" | sql "$1")
    else
        bytes=$(stat -c %s "$WORK/$1.db")
    fi
    awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1048576 }'
}
NOW_SQL="strftime('%s', 'now')"
((POSTGRES)) && NOW_SQL="extract(epoch FROM now())::bigint"
# seed_sql N: N users and N sessions (even ones expired), one statement each.
seed_sql() {
    local n=$1
    if ((POSTGRES)); then
        local rows="generate_series(1, $n) AS n(i)"
        local id="'00000000-0000-4000-8000-' || lpad(i::text, 12, '0')"
        local sid="'10000000-0000-4000-8000-' || lpad(i::text, 12, '0')"
        local name="'user' || lpad(i::text, 7, '0')"
        local email="'user' || lpad(i::text, 7, '0') || '@example' || (i % 50) || '.com'"
        local full="'User ' || i" disabled="i % 97 = 0"
    else
        echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)"
        local rows="n" id="printf('00000000-0000-4000-8000-%012d', i)"
        local sid="printf('10000000-0000-4000-8000-%012d', i)" name="printf('user%07d', i)"
        local email="printf('user%07d@example%d.com', i, i % 50)" full="printf('User %d', i)"
        local disabled="i % 97 = 0"
    fi
    cat <<SQL
INSERT INTO users (id, username, email, full_name, password_hash, disabled, scopes,
                   failed_logins, failed_window_start, locked_until, created_at, updated_at)
SELECT $id, $name, $email, $full, (SELECT password_hash FROM users WHERE username = 'admin'),
       $disabled, 'me', 0, 0, 0, $NOW_SQL, $NOW_SQL
FROM $rows;
SQL
    ((POSTGRES)) || echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)"
    cat <<SQL
INSERT INTO sessions (id, user_id, client_id, kind, ip, created_at, last_used_at, expires_at, revoked_at)
SELECT $sid, $id, NULL, 'password', '127.0.0.1', $NOW_SQL - 100000, $NOW_SQL - 100000,
       CASE WHEN i % 2 = 0 THEN $NOW_SQL - 1000 ELSE $NOW_SQL + 1000000 END, NULL
FROM $rows;
ANALYZE;
SQL
}

if [[ -z ${VALET_BIN:-} ]]; then
    say "building release"
    (cd "$ROOT" && cargo build --release --quiet --bin valet) || die "build failed"
fi

# start URL: starts valet on the database at URL, sets SERVER and READY_MS.
start() {
    local t0
    export DATABASE_URL=$1
    t0=$(date +%s%N)
    (cd "$WORK" && exec "$BIN" serve) 2>>"$WORK/valet.log" &
    SERVER=$!
    until curl -fs "$URL/healthz" >/dev/null 2>&1; do
        kill -0 "$SERVER" 2>/dev/null || die "valet exited: $(tail -3 "$WORK/valet.log")"
        sleep 0.002
    done
    READY_MS=$((($(date +%s%N) - t0) / 1000000))
}
stop() {
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
}
admin_token() {
    curl -fs "$URL/token" -d grant_type=password -d username=admin \
        -d password=bench-admin-password | jq -r .access_token
}
# users_me CONNECTIONS: sets RPS and P99_MS.
users_me() {
    local out
    out=$(wrk -t2 -c"$1" -d"${PHASE}s" -s "$ROOT/bench/wrk.lua" \
        -H "Authorization: Bearer $TOKEN" "$URL/users/me")
    read -r RPS P99_MS errors non2xx < <(echo "$out" | awk '/^WRK /{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%.0f %.2f %d %d\n", v["requests"] / (v["duration_us"] / 1e6), v["p99_us"] / 1000,
            v["socket_errors"], v["non2xx"] }')
    ((errors == 0 && non2xx == 0)) || die "/users/me: $errors socket errors, $non2xx non-2xx"
}
# timed PATH: p50 and p95 in ms of RUNS requests.
timed() {
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL$1") == 200 ]] ||
        die "GET $1 did not answer 200"
    for _ in $(seq "$RUNS"); do
        curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$URL$1"
    done | sort -n | awk '{ t[NR] = $1 * 1000 } END {
        printf "%.2f %.2f\n", t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)] }'
}
MISSED=0
figure() {
    local verdict=""
    if [[ -n ${4:-} ]]; then
        if awk -v v="$2" "BEGIN { exit !($4) }"; then verdict="  [target ${4#v }: ok]"; else
            verdict="  [target ${4#v }: MISSED]"
            MISSED=1
        fi
    fi
    printf '%-36s %12s %s%s\n' "$1" "$2" "$3" "$verdict"
}

say "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); phases of ${PHASE} s"
say "one user: /users/me, 64 connections"
start "$(db_url one)"
TOKEN=$(admin_token)
users_me 64
ONE_RPS=$RPS
stop

say "seeding $USERS users and $USERS sessions"
BIG_URL=$(db_url big)
start "$BIG_URL" # creates the schema and the admin
stop
t0=$(date +%s%N)
seed_sql "$USERS" | sql big >/dev/null || die "seeding failed"
SEED_S=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
DB_MB=$(db_mib big)
ONE_PCT=$(echo "SELECT count(*) FROM users WHERE username LIKE 'user001%'" | sql big)

say "$USERS users: start, /users/me, the users list"
start "$BIG_URL"
BIG_READY_MS=$READY_MS
TOKEN=$(admin_token)
users_me 64
BIG_RPS=$RPS
read -r LIST_P50 LIST_P95 < <(timed "/api/users")
read -r SEARCH_P50 SEARCH_P95 < <(timed "/api/users?q=user001")

say "/users/me, 16 connections, while valet purge runs"
EXPIRED_SQL="SELECT count(*) FROM sessions WHERE expires_at <= $NOW_SQL"
EXPIRED_BEFORE=$(echo "$EXPIRED_SQL" | sql big)
(cd "$WORK" && DATABASE_URL=$BIG_URL "$BIN" purge >"$WORK/purge.out" 2>&1) &
PURGE=$!
t0=$(date +%s%N)
sleep 1
users_me 16
PURGE_P99=$P99_MS
# The purge deletes in small batches with pauses (to let requests through):
# 500,000 sessions take minutes. Stopped here once the phase is measured.
PURGE_STILL=no
if kill -0 "$PURGE" 2>/dev/null; then
    PURGE_STILL=yes
    kill "$PURGE"
    wait "$PURGE" 2>/dev/null || true
else
    wait "$PURGE" || die "valet purge failed: $(cat "$WORK/purge.out")"
fi
PURGE_S=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }')
EXPIRED_LEFT=$(echo "$EXPIRED_SQL" | sql big)
PURGE_RATE=$(awk -v n=$((EXPIRED_BEFORE - EXPIRED_LEFT)) -v s="$PURGE_S" 'BEGIN { printf "%.0f", n / s }')
PEAK_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER/status")
stop

ENGINE=SQLite
((POSTGRES)) && ENGINE=PostgreSQL
echo "valet at $USERS users, $USERS sessions (half expired), $ENGINE, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
figure seeding "$SEED_S" "s"
figure database_size "$DB_MB" "MiB"
figure start_to_ready "$BIG_READY_MS" "ms" "v <= 300"
figure users_me_64c_one_user "$ONE_RPS" "req/s"
figure users_me_64c_big "$BIG_RPS" "req/s"
figure users_me_big_vs_one "$(awk -v a="$BIG_RPS" -v b="$ONE_RPS" 'BEGIN { printf "%.3f", a / b }')" \
    ratio "v >= 0.95"
figure users_list_page1_p50 "$LIST_P50" ms
figure users_list_page1_p95 "$LIST_P95" ms "v <= 20"
figure search_1pct_p50 "$SEARCH_P50" "ms ($ONE_PCT users)"
figure search_1pct_p95 "$SEARCH_P95" ms "v <= 20"
figure users_me_p99_during_purge "$PURGE_P99" "ms (purge still running at the end: $PURGE_STILL)" "v <= 20"
figure purge_sessions_per_s "$PURGE_RATE" "/s ($EXPIRED_LEFT of $EXPIRED_BEFORE expired sessions left)"
figure peak_rss "$(awk -v k="$PEAK_KB" 'BEGIN { printf "%.1f", k / 1024 }')" MiB "v <= 30"
if ((CHECK && MISSED)); then
    say "a target was missed"
    exit 2
fi
