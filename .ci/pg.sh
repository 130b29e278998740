# Sourced by .ci/test-all.sh and examples/demo.sh: a throwaway PostgreSQL
# server for the tests that need a real one.
#   pg_start  starts PostgreSQL (15, from the machine's binaries; apt installs
#             them if absent) in a temporary folder on a free loopback port,
#             password authentication over TCP, and exports TRUSTCORE_PG_URL
#             (a superuser URL). An URL already in TRUSTCORE_PG_URL is used
#             as it is.
#   pg_stop   stops it and removes the folder (call it from a trap).
# Never listens beyond 127.0.0.1.

pg_bin_dir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# Runs a command as the server's owner: initdb refuses root.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}

pg_start() {
  if [ -n "${TRUSTCORE_PG_URL:-}" ]; then
    echo "pg: using TRUSTCORE_PG_URL from the environment"
    return 0
  fi
  PG_BIN=$(pg_bin_dir) || {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "pg: installing PostgreSQL from apt"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 || true
    fi
    PG_BIN=$(pg_bin_dir) || { echo "pg: no PostgreSQL binaries (initdb) on this machine"; return 1; }
  }
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home postgres || return 1
  fi
  PG_DIR=$(mktemp -d /tmp/trustcore-pg.XXXXXX) || return 1
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') || return 1
  pg_as_owner "echo trustcore > '$PG_DIR/pw' && '$PG_BIN/initdb' -D '$PG_DIR/data' -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile='$PG_DIR/pw' >'$PG_DIR/initdb.log' 2>&1" || {
    echo "pg: initdb failed:"; tail -5 "$PG_DIR/initdb.log"; return 1; }
  pg_as_owner "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -o \"-p $port -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100\" -w start >/dev/null" || {
    echo "pg: the server did not start:"; tail -5 "$PG_DIR/log"; return 1; }
  export TRUSTCORE_PG_URL="postgres://postgres:trustcore@127.0.0.1:$port/postgres"
  echo "pg: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PG_DIR)"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  pg_as_owner "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate stop >/dev/null 2>&1" || true
  rm -rf "$PG_DIR"
  unset PG_DIR TRUSTCORE_PG_URL
}
