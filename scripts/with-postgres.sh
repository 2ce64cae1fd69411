#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 cluster: data and socket in a
# temp dir, loopback only, stopped (and deleted) however the command ends.
#   scripts/with-postgres.sh cargo test --test api
# The command sees VALET_TEST_DATABASE_URL and VALET_PG_PORT.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${VALET_PG_PORT:-55432}
if [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL 15 is not installed at $PGBIN" >&2
  exit 1
fi
DIR=$(mktemp -d /tmp/valet-pg.XXXXXX)
chown postgres "$DIR"
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
stop() {
  as_postgres "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
as_postgres "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  -w start >/dev/null
export VALET_PG_PORT=$PORT
export VALET_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
set +e
"$@"
status=$?
set -e
exit $status
