# The PostgreSQL mode of bench/run.sh (docs/performance.md), sourced by it
# inside scripts/with-postgres.sh (fsync off) after bench/lib.sh: two valet
# instances on one database, with in the same run the SQLite single-instance
# `/users/me` figure, the bcrypt ceiling, and PostgreSQL's own ceiling for
# primary-key reads (`pgbench -S -M prepared -c 32`). Fails the run on any
# error or non-2xx answer; with --check also when a target is missed.

# password_token: an access token from a password grant at $PORT.
password_token() {
    curl -s -d "grant_type=password&username=bench&password=$PASSWORD" \
        "http://127.0.0.1:$PORT/token" | jq -r .access_token
}

say "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); phases of ${PHASE} s"
say "SQLite reference: GET /users/me, one instance, 64 connections"
REFERENCE_URL="sqlite://$WORK/reference.db?mode=rwc"
DATABASE_URL=$REFERENCE_URL seed_user bench --admin
DATABASE_URL=$REFERENCE_URL start_valet
TOKEN=$(password_token)
[[ -n $TOKEN && $TOKEN != null ]] || die "no access token (SQLite)"
wrk_run sqlite-me64 64 "$PHASE" /users/me
wrk_read sqlite-me64
SQLITE_ME_RPS=$RPS
stop_valet

say "PostgreSQL: two instances on one database"
# BENCH_PG_POOL sets VALET_DB_MAX_CONNECTIONS: 6 by default, so the two
# instances' 12 server processes fit PostgreSQL's two cores here
# (docs/performance.md, "Size the pools").
export VALET_DB_MAX_CONNECTIONS=${BENCH_PG_POOL:-6}
seed_user bench --admin
start_valet # migrates and stores the keys
PORT_A=$PORT PID_A=$VALET_PID
VALET_LOG=valet-b start_valet
PORT_B=$PORT OTHER_PID=$PID_A
TOKEN=$(password_token)
[[ -n $TOKEN && $TOKEN != null ]] || die "no access token (PostgreSQL)"
me=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT_A/users/me" | jq -r .username)
[[ $me == bench ]] || die "a token of one instance is refused by the other"

say "GET /users/me, one instance, 64 connections"
PORT=$PORT_A wrk_run pg-me64-one 64 "$PHASE" /users/me
wrk_read pg-me64-one
PG_ONE_RPS=$RPS PG_ONE_P99=$P99_MS
say "GET /users/me, two instances, 32 connections each"
PORT=$PORT_A wrk_run pg-me-a 32 "$PHASE" /users/me &
BG_PID=$!
PORT=$PORT_B wrk_run pg-me-b 32 "$PHASE" /users/me
wait "$BG_PID" || die "the /users/me load on the first instance failed"
BG_PID=""
wrk_read pg-me-a
PG_TWO_RPS=$RPS PG_TWO_P99=$P99_MS
wrk_read pg-me-b
PG_TWO_RPS=$(awk -v a="$PG_TWO_RPS" -v b="$RPS" 'BEGIN { printf "%.2f", a + b }')
PG_TWO_P99=$(awk -v a="$PG_TWO_P99" -v b="$P99_MS" 'BEGIN { print (a > b ? a : b) }')

say "bcrypt ceiling at cost $COST"
bcrypt_ceiling
TOKEN_BODY="grant_type=password&username=bench&password=$PASSWORD"
say "POST /token, two instances, 4 connections each, $((PHASE * 2)) s"
PORT=$PORT_A wrk_run pg-token-a 4 $((PHASE * 2)) /token "$TOKEN_BODY" &
BG_PID=$!
PORT=$PORT_B wrk_run pg-token-b 4 $((PHASE * 2)) /token "$TOKEN_BODY"
wait "$BG_PID" || die "the /token load on the first instance failed"
BG_PID=""
wrk_read pg-token-a
PG_TOKEN_RPS=$RPS
wrk_read pg-token-b
PG_TOKEN_RPS=$(awk -v a="$PG_TOKEN_RPS" -v b="$RPS" 'BEGIN { printf "%.2f", a + b }')
PEAK_A_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$OTHER_PID/status")
PEAK_B_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$VALET_PID/status")
stop_valet
VALET_PID=$OTHER_PID OTHER_PID=""
stop_valet

say "PostgreSQL's ceiling: pgbench -S -M prepared, 32 clients"
PGBENCH_URL=${BENCH_PG_URL%/*}/pgbench
psql -q "$BENCH_PG_URL" -c 'CREATE DATABASE pgbench' || die "cannot create the pgbench database"
pgbench -i -q -s 10 "$PGBENCH_URL" >"$WORK/pgbench-init.txt" 2>&1 || die "pgbench -i failed"
pgbench -n -S -M prepared -c 32 -j 2 -T "$PHASE" "$PGBENCH_URL" >"$WORK/pgbench.txt" 2>&1 ||
    die "pgbench failed: $(tail -3 "$WORK/pgbench.txt")"
PGBENCH_TPS=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$WORK/pgbench.txt" | head -1)
[[ -n $PGBENCH_TPS ]] || die "pgbench printed no figure"

echo "valet benchmark, PostgreSQL: $(nproc) cores, bcrypt cost $COST, $(date -u +%FT%TZ)"
figure sqlite_users_me_64c_req_per_s "$SQLITE_ME_RPS" req/s
figure pg_users_me_64c_one_instance_rps "$PG_ONE_RPS" req/s
figure pg_users_me_64c_one_instance_p99 "$PG_ONE_P99" ms
figure pg_users_me_64c_two_instances_rps "$PG_TWO_RPS" req/s
figure pg_users_me_64c_two_instances_p99 "$PG_TWO_P99" ms "v <= 20"
figure pg_users_me_two_vs_sqlite_one "$(ratio "$PG_TWO_RPS" "$SQLITE_ME_RPS")" ratio "v >= 1.0"
figure pgbench_select_32c_tps "$PGBENCH_TPS" tx/s
figure pg_users_me_two_vs_pgbench "$(ratio "$PG_TWO_RPS" "$PGBENCH_TPS")" ratio
figure bcrypt_ceiling_verifies_per_s "$CEILING_RPS" verifies/s
figure pg_token_8c_two_instances_rps "$PG_TOKEN_RPS" req/s
figure pg_token_vs_bcrypt_ceiling "$(ratio "$PG_TOKEN_RPS" "$CEILING_RPS")" ratio "v >= 0.95"
figure pg_peak_rss_per_instance "$(awk -v a="$PEAK_A_KB" -v b="$PEAK_B_KB" \
    'BEGIN { printf "%.1f", (a > b ? a : b) / 1024 }')" MiB "v <= 30"

if ((CHECK && MISSED)); then
    say "a target was missed"
    exit 2
fi
