#!/usr/bin/env bash
# The mixed phase of bench/run.sh alone: the bcrypt ceiling, then /token at
# 8 connections while /users/me runs at 16 (docs/performance.md, fairness).
#
#   bench/mixed.sh [ROUNDS]
#
# Prints, per round, the ceiling, /token's rate while /users/me runs, its
# share of the ceiling, and /users/me's p99. For trying a scheduling policy
# quickly; bench/run.sh remains the reference.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PHASE=${BENCH_SECONDS:-10}
COST=${BENCH_BCRYPT_COST:-12}
ROUNDS=${1:-1}
PASSWORD='bench-password-1'
source "$ROOT/bench/lib.sh"

seed_user bench --admin
start_valet
TOKEN=$(curl -s -d "grant_type=password&username=bench&password=$PASSWORD" \
    "http://127.0.0.1:$PORT/token" | jq -r .access_token)
[[ -n $TOKEN && $TOKEN != null ]] || die "no access token"
TOKEN_BODY="grant_type=password&username=bench&password=$PASSWORD"
for round in $(seq "$ROUNDS"); do
    bcrypt_ceiling
    mixed_phase
    echo "round $round: ceiling $CEILING_RPS/s, /token under /users/me $MIXED_TOKEN_RPS/s" \
        "→ $(ratio "$MIXED_TOKEN_RPS" "$CEILING_RPS"); /users/me 16c $MIXED_RPS req/s, p99 $MIXED_P99 ms"
done
