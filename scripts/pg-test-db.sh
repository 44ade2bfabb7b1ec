#!/usr/bin/env bash
# Finds (or starts) a PostgreSQL server with PostGIS for the test suite and prints its base URL,
# e.g. `postgres://postgres@127.0.0.1:5432`. Everything else goes to stderr, so:
#
#   base=$(scripts/pg-test-db.sh)
#   psql "$base/postgres" -c 'CREATE DATABASE redgrid_mine'
#   DATABASE_URL="$base/redgrid_mine" npm test
#
# 1. A server at 127.0.0.1:5432 that lets user postgres in without a password (the project's
#    machines and CI) is used as it is; postgresql-15-postgis-3 is installed if PostGIS is missing.
# 2. Otherwise a private cluster is started (installing postgresql-15 if needed) in
#    $REDGRID_PG_ROOT (default /tmp/redgrid-pg) on its own free port, trust auth, loopback only.
#    A later call reuses it.
#
# Other commands:  status  -> prints running | stopped | none for the private cluster
#                  stop    -> stops the private cluster (never touches any other server)
#
# The check creates and drops a scratch database; it never touches any other database.
set -euo pipefail

PG_MAJOR=15
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
PGROOT=${REDGRID_PG_ROOT:-/tmp/redgrid-pg}
SHARED_HOST=127.0.0.1
SHARED_PORT=${REDGRID_PG_SHARED_PORT:-5432}   # override only to test the fallback

log() { printf 'pg-test-db: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"
  fi
}

APT_UPDATED=${REDGRID_APT_UPDATED:-0}
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]}"
  if [ "$APT_UPDATED" != 1 ]; then
    as_root apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >&2
}

# psql with a timeout, no password prompt, no ~/.psqlrc; output on stdout only.
q() {
  local port=$1 db=$2 sql=$3
  PGCONNECT_TIMEOUT=5 timeout 60 psql -X -q -w -At -v ON_ERROR_STOP=1 \
    -h "$SHARED_HOST" -p "$port" -U postgres -d "$db" -c "$sql" </dev/null
}

can_connect() { command -v psql >/dev/null 2>&1 && q "$1" postgres 'SELECT 1' >/dev/null 2>&1; }

# Creates a scratch database, CREATE EXTENSION postgis in it, drops it. Exit 0 if PostGIS works.
postgis_works() {
  local port=$1 scratch out rc=0
  scratch="redgrid_pgcheck_$(date +%s)_$$_${RANDOM}"
  q "$port" postgres "CREATE DATABASE \"$scratch\"" >/dev/null 2>&1 || return 1
  out=$(q "$port" "$scratch" 'CREATE EXTENSION postgis; SELECT postgis_lib_version()' 2>&1) || rc=$?
  q "$port" postgres "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 || log "could not drop scratch database $scratch"
  if [ "$rc" -eq 0 ]; then log "PostGIS $(tail -n1 <<<"$out") on port $port"; else log "PostGIS not usable on port $port: $(tail -n1 <<<"$out")"; fi
  return "$rc"
}

port_in_use() { (exec 3<>"/dev/tcp/$SHARED_HOST/$1") 2>/dev/null; }

run_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

private_state() {
  if [ ! -f "$PGROOT/data/PG_VERSION" ]; then echo none
  elif [ -x "$PGBIN/pg_ctl" ] && run_as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" status >/dev/null 2>&1; then echo running
  else echo stopped
  fi
}

start_private() {
  apt_install "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3"
  local port
  if [ "$(private_state)" = none ]; then
    rm -rf "$PGROOT"
    mkdir -p "$PGROOT"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGROOT"
    log "initdb in $PGROOT/data"
    run_as_pg "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGROOT/initdb.log" 2>&1 \
      || { cat "$PGROOT/initdb.log" >&2; die "initdb failed"; }
  fi
  if [ "$(private_state)" = running ]; then
    port=$(cat "$PGROOT/port")
  else
    port=""
    for p in $(seq 56543 56563); do
      if ! port_in_use "$p"; then port=$p; break; fi
    done
    [ -n "$port" ] || die "no free port in 56543-56563"
    log "starting private cluster on $SHARED_HOST:$port"
    run_as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/log" -w -t 60 \
      -o "-p $port -k $PGROOT -c listen_addresses=$SHARED_HOST" start >&2 \
      || { tail -n 30 "$PGROOT/log" >&2 || true; die "could not start the private cluster"; }
    echo "$port" | run_as_pg tee "$PGROOT/port" >/dev/null
  fi
  echo "$port"
}

main() {
  case "${1:-url}" in
    status) private_state; return ;;
    stop)
      if [ "$(private_state)" = running ]; then
        log "stopping private cluster in $PGROOT"
        run_as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >&2
      fi
      return ;;
    url) ;;
    *) die "usage: $0 [url|status|stop]" ;;
  esac

  # 1. The shared server on 5432, if it lets postgres in without a password.
  if can_connect "$SHARED_PORT"; then
    if postgis_works "$SHARED_PORT"; then
      echo "postgres://postgres@$SHARED_HOST:$SHARED_PORT"; return
    fi
    apt_install "postgresql-$PG_MAJOR-postgis-3"
    if postgis_works "$SHARED_PORT"; then
      echo "postgres://postgres@$SHARED_HOST:$SHARED_PORT"; return
    fi
    log "the server on port $SHARED_PORT has no usable PostGIS; using a private cluster instead"
  else
    log "no PostgreSQL at $SHARED_HOST:$SHARED_PORT that trusts user postgres; using a private cluster"
  fi

  # 2. A private cluster of our own.
  local port
  port=$(start_private)
  can_connect "$port" || die "private cluster on port $port does not answer (log: $PGROOT/log)"
  postgis_works "$port" || die "PostGIS does not work on the private cluster (port $port)"
  echo "postgres://postgres@$SHARED_HOST:$port"
}

main "$@"
