#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the storage suite and the two-replica test. Sourced by
# .ci/run (or by hand: `source .ci/postgres.sh && postgres_start`): installs PostgreSQL from
# Debian when missing, runs initdb and pg_ctl as the `postgres` user (the server refuses to run as
# root) in a fresh temporary folder owned by that user, listening on a Unix socket in that folder
# only (no TCP port to collide with), exports HELPCENTER_TEST_POSTGRES, and stops the cluster and
# removes the folder on exit.

postgres_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

postgres_start() {
  if [ -z "$(postgres_bin)" ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
  local bin
  bin="$(postgres_bin)"
  if [ "$(id -u)" = 0 ]; then
    as_postgres() { runuser -u postgres -- "$@"; }
  else
    as_postgres() { sudo -u postgres -- "$@"; }
  fi
  PG_DIR="$(mktemp -d /tmp/helpcenter-pg.XXXXXX)"
  chown postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  trap postgres_stop EXIT
  as_postgres "$bin/initdb" --pgdata="$PG_DIR/data" --username=postgres --auth=trust \
    --encoding=UTF8 --no-sync >/dev/null
  as_postgres "$bin/pg_ctl" --pgdata="$PG_DIR/data" --log="$PG_DIR/server.log" --wait \
    --options="-c listen_addresses='' -k $PG_DIR -c fsync=off -c max_connections=200" start >/dev/null
  export HELPCENTER_TEST_POSTGRES="postgres://postgres@localhost/postgres?host=$PG_DIR"
  PG_CTL="$bin/pg_ctl"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running in $PG_DIR (Unix socket)"
}

postgres_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    as_postgres "$PG_CTL" --pgdata="$PG_DIR/data" --mode=fast --wait stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
