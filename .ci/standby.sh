# A hot standby of the local PostgreSQL (127.0.0.1:5432) for the read-replica tests,
# sourced by .ci/run. standby_start copies the running server with pg_basebackup,
# then starts the copy as a streaming standby on STANDBY_PORT from a folder under
# /tmp; standby_stop stops it and deletes the folder. The primary is left as it is,
# except for one pg_hba.conf line that lets 127.0.0.1 connect for replication (a
# reload, no restart), added only when no such line exists.

STANDBY_PORT="${STANDBY_PORT:-5433}"
standby_dir=""

as_postgres() { su postgres -s /bin/bash -c "$1"; }

standby_start() {
  local bin hba
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  hba="$(psql -qAt -h 127.0.0.1 -U postgres -d postgres -c 'show hba_file')"
  if pg_isready -q -h 127.0.0.1 -p "$STANDBY_PORT"; then
    echo "port $STANDBY_PORT is taken: set STANDBY_PORT to a free port" >&2
    return 1
  fi
  if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32' "$hba"; then
    echo "== allowing replication connections from 127.0.0.1 ($hba)"
    printf '%s\n' 'host replication all 127.0.0.1/32 trust' >>"$hba"
    psql -qAt -h 127.0.0.1 -U postgres -d postgres -c 'select pg_reload_conf()' >/dev/null
  fi
  standby_dir="$(mktemp -d /tmp/segments-standby-XXXXXX)"
  chown postgres: "$standby_dir"
  echo "== hot standby of 127.0.0.1:5432 on port $STANDBY_PORT ($standby_dir)"
  # -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
  as_postgres "pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D '$standby_dir/data' -R -X stream"
  # The Debian server keeps its configuration under /etc, so the copy has none of its own:
  # the standby gets a minimal one. The primary's max_* settings are the floor a hot standby needs.
  local setting
  {
    echo "port = $STANDBY_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$standby_dir'"
    echo "hot_standby = on"
    echo "ssl = off"
    echo "shared_buffers = 32MB"
    for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
      echo "$setting = $(psql -qAt -h 127.0.0.1 -U postgres -d postgres -c "show $setting")"
    done
  } >"$standby_dir/data/postgresql.conf"
  printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' >"$standby_dir/data/pg_hba.conf"
  : >"$standby_dir/data/pg_ident.conf"
  chown postgres: "$standby_dir/data/postgresql.conf" "$standby_dir/data/pg_hba.conf" "$standby_dir/data/pg_ident.conf"
  as_postgres "'$bin/pg_ctl' -D '$standby_dir/data' -l '$standby_dir/log' -w -t 60 start" >/dev/null
  as_postgres "psql -qAt -h 127.0.0.1 -p $STANDBY_PORT -d postgres -c 'select pg_is_in_recovery()'" | grep -qx t
}

standby_stop() {
  [ -n "$standby_dir" ] || return 0
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  as_postgres "'$bin/pg_ctl' -D '$standby_dir/data' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$standby_dir"
  standby_dir=""
}
