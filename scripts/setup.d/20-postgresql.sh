# shellcheck shell=bash
# Starts a throwaway PostgreSQL cluster for the PostgreSQL storage tests and exports SOCIALLEARNING_POSTGRES
# (an Npgsql connection string). Sourced by scripts/test.sh as root on a fresh Debian 12 machine; idempotent:
# installs Debian's postgresql only when no server binaries are present and reuses a cluster that this
# script already started in the same shell. Appends a hook that stops the server to the bash array cleanup_hooks.
# A developer can source it too:   cleanup_hooks=(); source scripts/setup.d/20-postgresql.sh
# Under CI=true a failure returns non-zero, which fails the run (the tests would fail anyway without the variable).

_sl_pg_setup() {
  local log="${TMPDIR:-/tmp}/sociallearning-pg-setup.log"
  : >"$log"

  if [ -n "${SOCIALLEARNING_POSTGRES_DATA:-}" ] && [ -f "${SOCIALLEARNING_POSTGRES_DATA}/postmaster.pid" ]; then
    echo "postgresql: reusing the cluster in $SOCIALLEARNING_POSTGRES_DATA"
    return 0
  fi

  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "postgresql: installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >>"$log" 2>&1 || { echo "apt-get update failed (see $log)"; return 1; }
    apt-get install -y --no-install-recommends postgresql >>"$log" 2>&1 || { echo "apt-get install postgresql failed (see $log)"; return 1; }
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  fi
  [ -x "$bindir/initdb" ] || { echo "postgresql: initdb not found after install"; return 1; }

  # The server refuses to run as root; use the postgres account the Debian package creates.
  local run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres >>"$log" 2>&1
    run_as=(runuser -u postgres --)
  fi

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/sociallearning-pg.XXXXXX")" || return 1
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  local password
  password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
  printf '%s\n' "$password" >"$dir/pw" && chmod 600 "$dir/pw"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pw"

  "${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$dir/pw" -E UTF8 --locale=C.UTF-8 >>"$log" 2>&1 || { echo "postgresql: initdb failed (see $log)"; return 1; }

  local port attempt started=""
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    # Skip ports something already listens on.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    if "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c shared_buffers=256MB" >>"$log" 2>&1; then
      started=1; break
    fi
  done
  [ -n "$started" ] || { echo "postgresql: the server did not start (see $log and $dir/server.log)"; return 1; }

  # The app role is neither superuser nor BYPASSRLS, so row-level security applies to it (FORCE on each table).
  "${run_as[@]}" "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >>"$log" 2>&1 <<SQL || { echo "postgresql: creating the role and database failed (see $log)"; return 1; }
CREATE ROLE sociallearning LOGIN PASSWORD '$password' NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
CREATE DATABASE sociallearning OWNER sociallearning;
SQL

  export SOCIALLEARNING_POSTGRES="Host=127.0.0.1;Port=$port;Database=sociallearning;Username=sociallearning;Password=$password;Maximum Pool Size=50"
  export SOCIALLEARNING_POSTGRES_DATA="$dir/data"
  cleanup_hooks+=("runuser -u postgres -- '$bindir/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null 2>&1 || '$bindir/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null 2>&1; rm -rf '$dir'")
  if [ "$(id -u)" -ne 0 ]; then
    cleanup_hooks[-1]="'$bindir/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null 2>&1; rm -rf '$dir'"
  fi
  echo "postgresql: $("$bindir/postgres" --version) on 127.0.0.1:$port (data in $dir/data); SOCIALLEARNING_POSTGRES exported"
}

if ! declare -p cleanup_hooks >/dev/null 2>&1; then cleanup_hooks=(); fi
_sl_pg_setup
