#!/usr/bin/env bash
# Makes a RabbitMQ, a MongoDB-wire and an SMTP server answer on loopback, idempotently.
#   - a server already answering at HELPDESK_RABBITMQ_URL / HELPDESK_MONGO_URL is reused;
#   - otherwise RabbitMQ comes from Debian's package, started detached;
#   - otherwise secantusd-rs (crate secantus-mdb, Rust over WiredTiger: a single-node
#     server that behaves like MongoDB, checked by tests/conformance) is started with its
#     data under var/. Its binary is compiled once with cargo and cached.
#   - Mailpit (a local SMTP server that keeps what it receives, with a web UI and an HTTP
#     API) takes the e-mail copies of answers when HELPDESK_SMTP_HOST is loopback (the
#     default); one already answering there is reused. Built once with `go install`, cached.
#   - opt-in, HELPDESK_CLUSTER=3: a three-node RabbitMQ cluster behind HAProxy instead of
#     the one node (deploy/cluster.sh); `rabbitmq-url` prints where the help desk connects.
# Usage: deploy/servers.sh [start|stop|status|rabbitmq-url|mongo-binary|mailpit-binary]
#   mongo-binary prints the secantusd-rs executable (compiling it if needed), for tests
#   that run a private database server they can stop and start; mailpit-binary likewise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR="${HELPDESK_VAR_DIR:-$ROOT/var}"
LOG_DIR="$VAR_DIR/log"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/helpdesk"
SECANTUS_VERSION="0.5.3-beta.196"
SECANTUS_ROOT="$CACHE_DIR/secantus-mdb-$SECANTUS_VERSION"
SECANTUS_BIN="$SECANTUS_ROOT/bin/secantusd-rs"
SECANTUS_DATA="$VAR_DIR/secantus"
MAILPIT_VERSION="v1.33.1"
MAILPIT_BIN="$CACHE_DIR/mailpit-$MAILPIT_VERSION/bin/mailpit"
SMTP_HOST="${HELPDESK_SMTP_HOST:-127.0.0.1}"
SMTP_PORT="${HELPDESK_SMTP_PORT:-1025}"
# Mailpit's web UI and API (not a setting of the help desk: only people and tests read it).
MAILPIT_UI_PORT="${MAILPIT_UI_PORT:-8025}"
CLUSTER="${HELPDESK_CLUSTER:-}"
case "$CLUSTER" in
  ""|1) CLUSTER="" ;;
  3) ;;
  *) printf '[servers] ERROR: HELPDESK_CLUSTER is 3 (a three-node cluster) or unset, not %s\n' "$CLUSTER" >&2; exit 1 ;;
esac
if [ -n "$CLUSTER" ]; then
  RABBITMQ_URL="${HELPDESK_RABBITMQ_URL:-$(bash "$ROOT/deploy/cluster.sh" url)}"
else
  RABBITMQ_URL="${HELPDESK_RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}"
fi
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

start_mongodb() {
  if $PROBE mongodb "$MONGO_URL"; then
    say "a MongoDB-wire server already answers at $MONGO_URL: reusing it"
    return
  fi
  build_secantus
  mkdir -p "$SECANTUS_DATA" "$LOG_DIR"
  local port
  port=$(mongo_port)
  say "starting secantusd-rs $SECANTUS_VERSION on 127.0.0.1:$port (data: $SECANTUS_DATA)"
  # A single node (not a one-node replica set), a 256 MB cache and 32 MB log files instead
  # of its 4 GB and 128 MB preallocated defaults: sized for a laptop.
  nohup "$SECANTUS_BIN" --standalone --cache-size 256M --log-file-max 32MB \
    --storage-path "$SECANTUS_DATA" --host 127.0.0.1 --port "$port" \
    >>"$LOG_DIR/secantusd.log" 2>&1 &
  echo $! > "$VAR_DIR/mongodb.pid"
  $PROBE mongodb "$MONGO_URL" --wait 30 \
    || die "secantusd-rs did not answer within 30 s; see $LOG_DIR/secantusd.log"
  say "secantusd-rs is up at $MONGO_URL (log: $LOG_DIR/secantusd.log; stop: deploy/servers.sh stop)"
}

start_mailpit() {
  case "$SMTP_HOST" in
    127.0.0.1|localhost) ;;
    *) say "HELPDESK_SMTP_HOST is $SMTP_HOST: no local Mailpit"; return ;;
  esac
  if $PROBE smtp "smtp://$SMTP_HOST:$SMTP_PORT"; then
    say "an SMTP server already answers at $SMTP_HOST:$SMTP_PORT: reusing it"
    return
  fi
  build_mailpit
  mkdir -p "$LOG_DIR"
  say "starting Mailpit $MAILPIT_VERSION: SMTP 127.0.0.1:$SMTP_PORT, UI 127.0.0.1:$MAILPIT_UI_PORT"
  # Loopback only; any login accepted (a real relay's credentials work against it too);
  # no reverse-DNS lookups and no update check (neither is reachable offline).
  nohup "$MAILPIT_BIN" --smtp "127.0.0.1:$SMTP_PORT" --listen "127.0.0.1:$MAILPIT_UI_PORT" \
    --smtp-auth-accept-any --smtp-auth-allow-insecure --smtp-disable-rdns \
    --disable-version-check --max 5000 --database "$VAR_DIR/mailpit.db" \
    >>"$LOG_DIR/mailpit.log" 2>&1 &
  echo $! > "$VAR_DIR/mailpit.pid"
  $PROBE smtp "smtp://127.0.0.1:$SMTP_PORT" --wait 30 \
    || die "Mailpit did not answer within 30 s; see $LOG_DIR/mailpit.log"
  say "Mailpit is up: SMTP 127.0.0.1:$SMTP_PORT, mail at http://127.0.0.1:$MAILPIT_UI_PORT/"
}

find_go() {
  command -v go 2>/dev/null || { [ -x /usr/local/go/bin/go ] && echo /usr/local/go/bin/go; } || true
}

build_mailpit() {
  [ -x "$MAILPIT_BIN" ] && return
  local go
  go=$(find_go)
  if [ -z "$go" ]; then
    say "installing Go from Debian's packages to build Mailpit" >&2
    apt_install golang-go
    go=$(find_go)
  fi
  say "building Mailpit $MAILPIT_VERSION once with go install (a few minutes on 2 cores);" >&2
  say "cached at $(dirname "$MAILPIT_BIN")" >&2
  GOBIN="$(dirname "$MAILPIT_BIN")" GOFLAGS=-buildvcs=false "$go" install \
    "github.com/axllent/mailpit@$MAILPIT_VERSION" >&2
  [ -x "$MAILPIT_BIN" ] || die "go install finished but $MAILPIT_BIN is missing"
}

find_cargo() {
  command -v cargo 2>/dev/null || { [ -x "$HOME/.cargo/bin/cargo" ] && echo "$HOME/.cargo/bin/cargo"; } || true
}

build_secantus() {
  [ -x "$SECANTUS_BIN" ] && return
  local cargo
  cargo=$(find_cargo)
  [ -n "$cargo" ] || die "cargo (Rust) is needed to compile the database server once; install it with rustup (https://rustup.rs) and run this again"
  if ! command -v cmake >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
    say "installing cmake and a C compiler (WiredTiger, inside the server, is C)" >&2
    apt_install cmake build-essential
  fi
  say "compiling a database server once: secantusd-rs $SECANTUS_VERSION (crate secantus-mdb)," >&2
  say "about 11 minutes on 2 cores; cached at $SECANTUS_ROOT, later starts take seconds." >&2
  say "cargo's progress follows." >&2
  # --ignore-rust-version: the crate declares a newer Rust than it needs (built and
  # checked with 1.95). --locked: exactly the dependency versions it was released with.
  "$cargo" install secantus-mdb --version "$SECANTUS_VERSION" --locked --ignore-rust-version \
    --root "$SECANTUS_ROOT" >&2
  [ -x "$SECANTUS_BIN" ] || die "cargo finished but $SECANTUS_BIN is missing"
}

stop_rabbitmq() {
  if [ -n "$CLUSTER" ]; then
    bash "$ROOT/deploy/cluster.sh" stop
  elif command -v rabbitmqctl >/dev/null 2>&1 && rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    rabbitmqctl stop >/dev/null 2>&1 && say "stopped RabbitMQ" || true
  fi
}

stop_servers() {
  if [ -f "$VAR_DIR/mailpit.pid" ]; then
    kill "$(cat "$VAR_DIR/mailpit.pid")" 2>/dev/null && say "stopped Mailpit" || true
    rm -f "$VAR_DIR/mailpit.pid"
  fi
  if [ -f "$VAR_DIR/mongodb.pid" ]; then
    kill "$(cat "$VAR_DIR/mongodb.pid")" 2>/dev/null && say "stopped the MongoDB-wire server" || true
    rm -f "$VAR_DIR/mongodb.pid"
  fi
  stop_rabbitmq
}

status() {
  [ -z "$CLUSTER" ] || bash "$ROOT/deploy/cluster.sh" status
  $PROBE amqp "$RABBITMQ_URL" && say "RabbitMQ answers at $RABBITMQ_URL" || say "RabbitMQ: down"
  $PROBE mongodb "$MONGO_URL" && say "MongoDB-wire server answers at $MONGO_URL" || say "MongoDB: down"
  $PROBE smtp "smtp://$SMTP_HOST:$SMTP_PORT" && say "SMTP server answers at $SMTP_HOST:$SMTP_PORT" || say "SMTP: down"
}

case "${1:-start}" in
  start)
    mkdir -p "$LOG_DIR"
    if [ -n "$CLUSTER" ]; then bash "$ROOT/deploy/cluster.sh" start; else start_rabbitmq; fi
    start_mongodb
    start_mailpit
    ;;
  stop) stop_servers ;;
  status) status ;;
  rabbitmq-url) echo "$RABBITMQ_URL" ;;
  mongo-binary) build_secantus; echo "$SECANTUS_BIN" ;;
  mailpit-binary) build_mailpit; echo "$MAILPIT_BIN" ;;
  *) die "usage: deploy/servers.sh [start|stop|status|rabbitmq-url|mongo-binary|mailpit-binary]" ;;
esac
