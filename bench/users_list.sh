#!/usr/bin/env bash
# Times the users list at 100,000 users : seeds a SQLite database
# straight through sqlite3 (one INSERT … SELECT, every row sharing one
# precomputed bcrypt hash, so no 100k bcrypt calls), starts a release build
# and times GET /api/users and GET /admin/users over HTTP with curl.
#
#   bench/users_list.sh [USERS] [RUNS]      # defaults: 100000 users, 30 runs a URL
#
# Needs: cargo, sqlite3, curl. Prints the median and 95th percentile per URL.
set -euo pipefail
USERS=${1:-100000}
RUNS=${2:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d)
PORT=${BENCH_PORT:-18089}
DB="$DIR/bench.db"
BIN="$ROOT/target/release/valet"
export DATABASE_URL="sqlite://$DB?mode=rwc" VALET_ADDR="127.0.0.1:$PORT" \
       VALET_ADMIN_USERNAME=admin VALET_ADMIN_PASSWORD=bench-admin-password \
       VALET_BCRYPT_COST=${VALET_BCRYPT_COST:-10} VALET_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn
cleanup() { [[ -n "${SERVER:-}" ]] && kill "$SERVER" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

(cd "$ROOT" && cargo build --release --quiet)
"$BIN" migrate >/dev/null

# The first start creates the admin; its hash is reused for every seeded user.
"$BIN" serve & SERVER=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.2; done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=

start=$(date +%s.%N)
sqlite3 "$DB" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $USERS),
names(first, last) AS (SELECT
  '["alice","bob","carol","dave","erin","frank","grace","heidi","ivan","judy","mallory","niaj","olivia","peggy","rupert","sybil","trent","victor","walter","yolanda"]',
  '["smith","jones","taylor","brown","williams","wilson","johnson","davies","robinson","wright","thompson","evans","walker","white","roberts","green","hall","wood","jackson","clarke"]')
INSERT INTO users (id, username, email, full_name, password_hash, disabled, scopes,
                   failed_logins, failed_window_start, locked_until, created_at, updated_at)
SELECT printf('00000000-0000-4000-8000-%012d', i),
       f || '.' || l || i,
       f || '.' || l || i || '@example' || (i % 50) || '.com',
       upper(substr(f, 1, 1)) || substr(f, 2) || ' ' || upper(substr(l, 1, 1)) || substr(l, 2),
       (SELECT password_hash FROM users WHERE username = 'admin'),
       i % 97 = 0, 'me', 0, 0, 0, strftime('%s', 'now'), strftime('%s', 'now')
FROM (SELECT i, json_extract(names.first, '\$[' || (i % 20) || ']') AS f,
                json_extract(names.last, '\$[' || ((i / 20) % 20) || ']') AS l
      FROM n, names);
ANALYZE;
SQL
echo "seeded $(sqlite3 "$DB" 'SELECT count(*) FROM users') users in $(echo "$(date +%s.%N) - $start" | bc) s"

"$BIN" serve & SERVER=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.2; done
TOKEN=$(curl -fs "http://127.0.0.1:$PORT/token" -d grant_type=password -d username=admin \
        -d password=bench-admin-password | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

time_url() {
  local path=$1 out
  out=$(curl -fs -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path")
  [[ $out == 200 ]] || { echo "GET $path answered $out" >&2; exit 1; }
  for _ in $(seq "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path"
  done | sort -n | awk -v path="$path" '{ t[NR] = $1 * 1000 } END {
    printf "%-48s median %7.2f ms   p95 %7.2f ms\n", path, t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)] }'
}

echo "GET over HTTP, $RUNS runs each, $USERS users:"
for path in "/api/users" "/api/users?page=2500" "/api/users?per_page=100&page=1000" \
            "/api/users?q=ali" "/api/users?q=alice.smith1&page=3" "/api/users?q=Grace%20Wood" \
            "/api/users?q=victor.white99999" "/api/users?q=zzz" \
            "/admin/users" "/admin/users?q=ali&page=3"; do
  time_url "$path"
done
total=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/users?q=ali&per_page=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
echo "(q=ali matches $total users)"

# For the record: what a substring match would cost in SQLite itself.
echo "SQLite alone, COUNT(*) for 'ali' — prefix on the lower() indexes vs substring LIKE:"
sqlite3 "$DB" <<'SQL'
.timer on
SELECT count(*) FROM users WHERE (lower(username) >= 'ali' AND lower(username) < 'ali' || char(1114111)) OR (lower(email) >= 'ali' AND lower(email) < 'ali' || char(1114111)) OR (lower(full_name) >= 'ali' AND lower(full_name) < 'ali' || char(1114111));
SELECT count(*) FROM users WHERE username LIKE '%ali%' OR email LIKE '%ali%' OR full_name LIKE '%ali%';
SQL
