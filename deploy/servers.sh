#!/usr/bin/env bash
# Makes a RabbitMQ and a MongoDB-wire server answer on loopback, idempotently.
#   - a server already answering at HELPDESK_RABBITMQ_URL / HELPDESK_MONGO_URL is reused;
#   - otherwise RabbitMQ comes from Debian's package, started detached;
#   - otherwise the MongoDB-wire server named by HELPDESK_MONGO_SERVER is started with its
#     data under var/:
#       nx       (default) NX-27017 from PyPI, a MongoDB-wire server on SQLite;
#       ferretdb FerretDB v1.24.2 on SQLite, built with Go once and cached.
#     Why NX-27017 by default: FerretDB 1.24 applies an update as read-modify-write
#     without a lock, so concurrent updates of one document are lost (measured here:
#     50 concurrent $push on one document kept 4; NX-27017 kept 50). The help desk relies
#     on single-document atomicity (replies, outbox, pop-up state), as MongoDB gives it.
# Usage: deploy/servers.sh [start|stop|status|nx-binary]
#   nx-binary prints the NX-27017 executable (installing it if needed), for tests that run
#   a private database server they can stop and start.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR="${HELPDESK_VAR_DIR:-$ROOT/var}"
LOG_DIR="$VAR_DIR/log"
FERRETDB_DATA="$VAR_DIR/ferretdb"
FERRETDB_VERSION="v1.24.2"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/helpdesk"
FERRETDB_BIN="$CACHE_DIR/bin/ferretdb-$FERRETDB_VERSION"
MONGO_SERVER="${HELPDESK_MONGO_SERVER:-nx}"
NX_VERSION="0.8.1"
NX_VENV="$CACHE_DIR/nx-27017-$NX_VERSION"
NX_DATA="$VAR_DIR/nx-27017"
RABBITMQ_URL="${HELPDESK_RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}"
MONGO_URL="${HELPDESK_MONGO_URL:-mongodb://127.0.0.1:27017/}"
PROBE="python3 $ROOT/deploy/probe.py"

say() { printf '[servers] %s\n' "$*"; }
die() { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }

mongo_port() { python3 -c "from urllib.parse import urlsplit; import sys; print(urlsplit(sys.argv[1]).port or 27017)" "$MONGO_URL"; }

apt_install() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_rabbitmq() {
  if $PROBE amqp "$RABBITMQ_URL"; then
    say "RabbitMQ already answers at $RABBITMQ_URL: reusing it"
    return
  fi
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    say "installing RabbitMQ from Debian's packages"
    apt_install rabbitmq-server
  fi
  say "starting RabbitMQ (detached)"
  rabbitmq-server -detached
  for _ in $(seq 1 90); do
    if rabbitmq-diagnostics -q ping >/dev/null 2>&1 && $PROBE amqp "$RABBITMQ_URL"; then
      say "RabbitMQ is up at $RABBITMQ_URL (logs: /var/log/rabbitmq/; stop: rabbitmqctl stop)"
      return
    fi
    sleep 1
  done
  die "RabbitMQ did not answer within 90 s; see /var/log/rabbitmq/"
}

build_ferretdb() {
  [ -x "$FERRETDB_BIN" ] && return
  command -v go >/dev/null 2>&1 || die "Go is needed to build FerretDB and is not installed"
  say "building FerretDB $FERRETDB_VERSION with Go (once; cached at $FERRETDB_BIN)"
  local src dir
  # `go install ...@version` builds a binary that panics at start: the module lacks the
  # build/version/version.txt that FerretDB's release tooling generates. So fetch the
  # module source, add that file, and build it. Its go.sum still pins every dependency.
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>/dev/null \
        | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Dir",""))' || true)
  if [ -z "$dir" ]; then
    say "module download failed with the checksum database; retrying with GOSUMDB=off"
    dir=$(GOSUMDB=off go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  fi
  src=$(mktemp -d)
  cp -r "$dir/." "$src/"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$src" && GOFLAGS=-mod=mod go build -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) \
    || (cd "$src" && GOSUMDB=off GOFLAGS=-mod=mod go build -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb)
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$src"
}

start_mongodb() {
  if $PROBE mongodb "$MONGO_URL"; then
    say "a MongoDB-wire server already answers at $MONGO_URL: reusing it"
    return
  fi
  case "$MONGO_SERVER" in
    nx) start_nx ;;
    ferretdb) start_ferretdb ;;
    *) die "HELPDESK_MONGO_SERVER must be nx or ferretdb, not $MONGO_SERVER" ;;
  esac
}

install_nx() {
  if [ ! -x "$NX_VENV/bin/nx-27017" ]; then
    say "installing NX-27017 $NX_VERSION from PyPI (once; cached at $NX_VENV)" >&2
    python3 -m venv "$NX_VENV"
    "$NX_VENV/bin/pip" install -q --disable-pip-version-check "nx-27017==$NX_VERSION"
  fi
}

start_nx() {
  install_nx
  mkdir -p "$NX_DATA" "$LOG_DIR"
  local port
  port=$(mongo_port)
  say "starting NX-27017 $NX_VERSION on 127.0.0.1:$port (SQLite data: $NX_DATA)"
  nohup "$NX_VENV/bin/nx-27017" --data-dir "$NX_DATA" --host 127.0.0.1 -p "$port" \
    --log-file "$LOG_DIR/nx-27017.log" --pid-file "$VAR_DIR/mongodb.pid.nx" \
    >>"$LOG_DIR/nx-27017.log" 2>&1 &
  echo $! > "$VAR_DIR/mongodb.pid"
  $PROBE mongodb "$MONGO_URL" --wait 30 \
    || die "NX-27017 did not answer within 30 s; see $LOG_DIR/nx-27017.log"
  say "NX-27017 is up at $MONGO_URL (log: $LOG_DIR/nx-27017.log; stop: deploy/servers.sh stop)"
}

start_ferretdb() {
  build_ferretdb
  mkdir -p "$FERRETDB_DATA" "$LOG_DIR"
  local port
  port=$(mongo_port)
  say "starting FerretDB $FERRETDB_VERSION on 127.0.0.1:$port (SQLite data: $FERRETDB_DATA)"
  nohup "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$FERRETDB_DATA/" \
    --state-dir="$FERRETDB_DATA" --listen-addr="127.0.0.1:$port" \
    --telemetry=disable --debug-addr=- --log-level=warn \
    >>"$LOG_DIR/ferretdb.log" 2>&1 &
  echo $! > "$VAR_DIR/mongodb.pid"
  $PROBE mongodb "$MONGO_URL" --wait 30 \
    || die "FerretDB did not answer within 30 s; see $LOG_DIR/ferretdb.log"
  say "FerretDB is up at $MONGO_URL (log: $LOG_DIR/ferretdb.log; stop: deploy/servers.sh stop)"
}

stop_servers() {
  if [ -f "$VAR_DIR/mongodb.pid" ]; then
    kill "$(cat "$VAR_DIR/mongodb.pid")" 2>/dev/null && say "stopped the MongoDB-wire server" || true
    rm -f "$VAR_DIR/mongodb.pid"
  fi
  if command -v rabbitmqctl >/dev/null 2>&1 && rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    rabbitmqctl stop >/dev/null 2>&1 && say "stopped RabbitMQ" || true
  fi
}

status() {
  $PROBE amqp "$RABBITMQ_URL" && say "RabbitMQ answers at $RABBITMQ_URL" || say "RabbitMQ: down"
  $PROBE mongodb "$MONGO_URL" && say "MongoDB-wire server answers at $MONGO_URL" || say "MongoDB: down"
}

case "${1:-start}" in
  start) mkdir -p "$LOG_DIR"; start_rabbitmq; start_mongodb ;;
  stop) stop_servers ;;
  status) status ;;
  nx-binary) install_nx; echo "$NX_VENV/bin/nx-27017" ;;
  *) die "usage: deploy/servers.sh [start|stop|status|nx-binary]" ;;
esac
