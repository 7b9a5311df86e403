#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: installs PostgreSQL from the
# distribution's packages if missing, starts a cluster in a temporary directory on a free
# loopback port, exports MIXWELL_TEST_POSTGRES (a postgres:// URL of an empty database
# for the tests) and stops the cluster afterwards, whatever the command did.
#   scripts/with-postgres.sh cargo test -p mixwell-hub
set -euo pipefail

SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing PostgreSQL from the distribution's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

DIR=$(mktemp -d /tmp/mixwell-pg.XXXXXX)
# PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$DIR"
  AS=(runuser -u postgres --)
else
  AS=()
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT

"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U mixwell --auth=trust -E UTF8 >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-k $DIR -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
"${AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U mixwell mixwell_test

export MIXWELL_TEST_POSTGRES="postgres://mixwell@127.0.0.1:$PORT/mixwell_test"
export MIXWELL_REQUIRE_POSTGRES=1
"$@"
