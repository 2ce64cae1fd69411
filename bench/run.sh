#!/usr/bin/env bash
# valet's performance benchmark .
#
#   bench/run.sh [--check] [--postgres]
#
# Builds release, starts valet on a fresh SQLite database in a temporary
# directory with one seeded user, and drives it over loopback with wrk (from
# Debian, installed here when missing). Prints one line per figure. Exits
# non-zero when the run fails (valet does not start, a request errors or gets
# a non-2xx answer); with --check also when a target is missed.
#
# Environment: BENCH_SECONDS (default 10) is the length of each load phase;
# the /token phase runs twice that, to keep the edge effect of its slow
# requests small. BENCH_BCRYPT_COST (default 12, valet's default).
# --postgres (or BENCH_DB=postgres) runs bench/postgres.sh instead: two
# instances on one PostgreSQL database, beside the SQLite reference.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PHASE=${BENCH_SECONDS:-10}
COST=${BENCH_BCRYPT_COST:-12}
CHECK=0 POSTGRES=0
[[ ${BENCH_DB:-sqlite} == postgres ]] && POSTGRES=1
for arg in "$@"; do
    case $arg in
    --check) CHECK=1 ;;
    --postgres) POSTGRES=1 ;;
    *) echo "usage: bench/run.sh [--check] [--postgres]" >&2 && exit 64 ;;
    esac
done
PASSWORD='bench-password-1'

# PostgreSQL mode runs inside a throwaway cluster (docs/performance.md).
if ((POSTGRES)) && [[ -z ${BENCH_PG_URL:-} ]]; then
    export VALET_PG_PORT=${VALET_PG_PORT:-55439} # not the tests' port
    exec "$ROOT/scripts/with-postgres.sh" bash -c \
        'BENCH_PG_URL=$VALET_TEST_DATABASE_URL exec "$0" "$@"' "$0" "$@"
fi

source "$ROOT/bench/lib.sh"
if ((POSTGRES)); then
    source "$ROOT/bench/postgres.sh"
    exit 0
fi

say "seeding a user on a fresh database in $WORK"
seed_user bench --admin
start_valet # the first start generates and stores the keys
stop_valet
start_valet # timed: an existing database
FIRST_READY_MS=$READY_MS

TOKEN=$(curl -s -d "grant_type=password&username=bench&password=$PASSWORD" \
    "http://127.0.0.1:$PORT/token" | jq -r .access_token)
[[ -n $TOKEN && $TOKEN != null ]] || die "no access token"
me=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/users/me" | jq -r .username)
[[ $me == bench ]] || die "/users/me did not answer the user"

say "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); phases of ${PHASE} s"
say "GET /healthz, 64 connections"
wrk_run healthz 64 "$PHASE" /healthz
wrk_read healthz
HEALTHZ_RPS=$RPS
say "GET /users/me, 64 connections"
wrk_run me64 64 "$PHASE" /users/me
wrk_read me64
ME_RPS=$RPS ME_P50=$P50_MS ME_P99=$P99_MS

# The same phase in the legacy HS256 mode (VALET_JWT_SECRET), in this run:
# the asymmetric default must not make the guard slower (docs/resource-servers.md).
stop_valet
VALET_JWT_SECRET=bench-shared-secret-0123456789abcdef start_valet
RS_TOKEN=$TOKEN
TOKEN=$(curl -s -d "grant_type=password&username=bench&password=$PASSWORD" \
    "http://127.0.0.1:$PORT/token" | jq -r .access_token)
say "GET /users/me, 64 connections, HS256 (legacy mode)"
wrk_run me64-hs256 64 "$PHASE" /users/me
wrk_read me64-hs256
ME_HS256_RPS=$RPS
stop_valet
start_valet
TOKEN=$RS_TOKEN

say "bcrypt ceiling at cost $COST"
bcrypt_ceiling
TOKEN_BODY="grant_type=password&username=bench&password=$PASSWORD"
say "POST /token, 8 connections, $((PHASE * 2)) s"
wrk_run token8 8 $((PHASE * 2)) /token "$TOKEN_BODY"
wrk_read token8
TOKEN_RPS=$RPS

say "GET /users/me, 16 connections, while /token is saturated"
mixed_phase

say "signing ceiling (valet's token signing, every core)"
SIGN_LINE=$("$SIGNING_CEILING" "$PHASE") || die "signing_ceiling failed"
SIGN_RPS=$(echo "$SIGN_LINE" | sed -n 's/.*signing_ceiling_per_s=\([0-9.]*\).*/\1/p')
SIGN_ALG=$(echo "$SIGN_LINE" | sed -n 's/.*alg=\([A-Za-z0-9]*\).*/\1/p')
[[ -n $SIGN_RPS ]] || die "signing_ceiling printed no figure"
CLIENT_SECRET=$(cd "$WORK" && "$VALET" client add bench-svc --confidential \
    --grant client_credentials --scope users:read --scope introspect 2>>"$WORK/seed.log") ||
    die "cannot register the bench client"
CC_BODY="grant_type=client_credentials&client_id=bench-svc&client_secret=$CLIENT_SECRET"
cc=$(curl -s -d "$CC_BODY" "http://127.0.0.1:$PORT/token" | jq -r .token_type)
[[ $cc == Bearer ]] || die "client_credentials gave no token"
say "POST /token client_credentials, 8 connections"
wrk_run cc8 8 "$PHASE" /token "$CC_BODY"
wrk_read cc8
CC_RPS=$RPS CC_P99=$P99_MS

# Introspection (RFC 7662) of the user's access token by the client, which
# authenticates with its own client_credentials token.
CC_TOKEN=$(curl -s -d "$CC_BODY&scope=introspect" "http://127.0.0.1:$PORT/token" | jq -r .access_token)
active=$(curl -s -H "Authorization: Bearer $CC_TOKEN" -d "token=$TOKEN" \
    "http://127.0.0.1:$PORT/introspect" | jq -r .active)
[[ $active == true ]] || die "/introspect did not find the token active"
say "POST /introspect, 64 connections"
BENCH_BEARER=$CC_TOKEN wrk_run introspect64 64 "$PHASE" /introspect "token=$TOKEN"
wrk_read introspect64
INTROSPECT_RPS=$RPS INTROSPECT_P99=$P99_MS
say "GET /.well-known/jwks.json, 64 connections"
wrk_run jwks64 64 "$PHASE" /.well-known/jwks.json
wrk_read jwks64
JWKS_RPS=$RPS JWKS_P99=$P99_MS
say "GET /.well-known/oauth-authorization-server, 64 connections"
wrk_run discovery64 64 "$PHASE" /.well-known/oauth-authorization-server
wrk_read discovery64
DISCOVERY_RPS=$RPS DISCOVERY_P99=$P99_MS

PEAK_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$VALET_PID/status")
stop_valet

# The metrics middleware's cost (docs/operating.md): /users/me with
# VALET_METRICS_ADDR set, then without, back to back on fresh processes.
say "GET /users/me, 64 connections, metrics on"
VALET_METRICS_ADDR=127.0.0.1:0 start_valet
wrk_run me64-metrics-on 64 "$PHASE" /users/me
wrk_read me64-metrics-on
METRICS_ON_RPS=$RPS
stop_valet
say "GET /users/me, 64 connections, metrics off"
start_valet
wrk_run me64-metrics-off 64 "$PHASE" /users/me
wrk_read me64-metrics-off
METRICS_OFF_RPS=$RPS
stop_valet

echo "valet benchmark: $(nproc) cores, bcrypt cost $COST, $(date -u +%FT%TZ)"
figure healthz_64c_req_per_s "$HEALTHZ_RPS" req/s
figure users_me_64c_req_per_s "$ME_RPS" req/s
figure users_me_64c_p50 "$ME_P50" ms
figure users_me_64c_p99 "$ME_P99" ms
figure users_me_vs_healthz "$(ratio "$ME_RPS" "$HEALTHZ_RPS")" ratio "v >= 0.5"
figure users_me_64c_hs256_req_per_s "$ME_HS256_RPS" req/s
figure users_me_signed_vs_hs256 "$(ratio "$ME_RPS" "$ME_HS256_RPS")" ratio "v >= 0.95"
figure bcrypt_ceiling_verifies_per_s "$CEILING_RPS" verifies/s
figure token_8c_req_per_s "$TOKEN_RPS" req/s
figure token_vs_bcrypt_ceiling "$(ratio "$TOKEN_RPS" "$CEILING_RPS")" ratio "v >= 0.95"
figure users_me_16c_under_token_p50 "$MIXED_P50" ms
figure users_me_16c_under_token_p99 "$MIXED_P99" ms "v <= 20"
figure users_me_16c_under_token_rps "$MIXED_RPS" req/s
figure token_8c_under_users_me_rps "$MIXED_TOKEN_RPS" req/s
figure token_under_users_me_vs_ceiling "$(ratio "$MIXED_TOKEN_RPS" "$CEILING_RPS")" ratio "v >= 0.5"
figure signing_ceiling_per_s "$SIGN_RPS" "sig/s $SIGN_ALG"
figure client_credentials_8c_req_per_s "$CC_RPS" req/s
figure client_credentials_8c_p99 "$CC_P99" ms
figure client_credentials_vs_signing "$(ratio "$CC_RPS" "$SIGN_RPS")" ratio "v >= 0.8"
# Targets: at least node-oidc-provider 9.13's figures on this machine class
# (cluster of 2, RS256): client_credentials 2,617/s, introspection of opaque
# tokens 6.5 k/s, JWKS 29.1 k/s, discovery 20.1 k/s (their best runs).
figure client_credentials_vs_node_oidc "$CC_RPS" req/s "v >= 2617"
figure introspect_64c_req_per_s "$INTROSPECT_RPS" req/s "v >= 6500"
figure introspect_64c_p99 "$INTROSPECT_P99" ms
figure jwks_64c_req_per_s "$JWKS_RPS" req/s "v >= 29100"
figure jwks_64c_p99 "$JWKS_P99" ms
figure discovery_64c_req_per_s "$DISCOVERY_RPS" req/s "v >= 20100"
figure discovery_64c_p99 "$DISCOVERY_P99" ms
figure peak_rss "$(awk -v k="$PEAK_KB" 'BEGIN { printf "%.1f", k / 1024 }')" MiB "v <= 30"
figure start_to_ready "$FIRST_READY_MS" ms "v <= 300"
figure users_me_64c_metrics_on_rps "$METRICS_ON_RPS" req/s
figure users_me_64c_metrics_off_rps "$METRICS_OFF_RPS" req/s
figure users_me_metrics_on_vs_off "$(ratio "$METRICS_ON_RPS" "$METRICS_OFF_RPS")" ratio "v >= 0.95"

if ((CHECK && MISSED)); then
    say "a target was missed"
    exit 2
fi
