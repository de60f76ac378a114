#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the feedback tests and print the SQLAlchemy URL to use.
# Idempotent: installs Debian's postgresql if missing, reuses a cluster that is already running.
#   export NEWSFRAME_TEST_POSTGRES="$(bash .ci/postgres.sh)"
# Settings (environment): PGPORT_TEST (default 54329), PGDATA_TEST (default /tmp/newsframe-pg), DB/role newsframe_test.
set -euo pipefail
PORT="${PGPORT_TEST:-54329}"
DATA="${PGDATA_TEST:-/tmp/newsframe-pg}"
SOCKET="$DATA/socket"
NAME=newsframe_test
log() { echo "postgres.sh: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    log "installing Debian's postgresql"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ ! -s "$DATA/PG_VERSION" ]; then
    log "initialising a cluster in $DATA"
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
    chmod 700 "$DATA"
    as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres --no-sync >&2
fi
mkdir -p "$SOCKET"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$SOCKET"
if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    log "starting on 127.0.0.1:$PORT"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
        -o "-p $PORT -k $SOCKET -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >&2
fi
psql_pg() { as_pg "$BIN/psql" -h "$SOCKET" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ -z "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname = '$NAME'")" ]; then
    psql_pg -c "CREATE ROLE $NAME LOGIN PASSWORD '$NAME'" >&2
fi
if [ -z "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname = '$NAME'")" ]; then
    psql_pg -c "CREATE DATABASE $NAME OWNER $NAME" >&2
fi
echo "postgresql+psycopg://$NAME:$NAME@127.0.0.1:$PORT/$NAME"
