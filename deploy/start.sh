#!/usr/bin/env bash
# Starts the whole help desk locally: servers, the four services, demo data; prints URLs.
# Run it again to restart the services; deploy/stop.sh stops them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The one node by default; with HELPDESK_CLUSTER=3 HAProxy in front of a three-node cluster.
HELPDESK_RABBITMQ_URL="$(bash deploy/servers.sh rabbitmq-url)"
export HELPDESK_RABBITMQ_URL
bash deploy/setup.sh

export HELPDESK_DEMO="${HELPDESK_DEMO:-on}"
VAR_DIR="${HELPDESK_VAR_DIR:-$ROOT/var}"
mkdir -p "$VAR_DIR/log" "$VAR_DIR/run"
PY="$ROOT/.venv/bin/python"
GATEWAY_PORT="${HELPDESK_GATEWAY_PORT:-8000}"

bash deploy/stop.sh --quiet

start() {  # start NAME PORT
  nohup "$PY" -m "services.$1" >>"$VAR_DIR/log/$1.log" 2>&1 &
  echo $! > "$VAR_DIR/run/$1.pid"
}

wait_ready() {  # wait_ready NAME URL
  for _ in $(seq 1 60); do
    if curl -fs -o /dev/null "$2"; then return 0; fi
    if ! kill -0 "$(cat "$VAR_DIR/run/$1.pid")" 2>/dev/null; then
      echo "[start] $1 exited; last lines of $VAR_DIR/log/$1.log:" >&2
      tail -n 20 "$VAR_DIR/log/$1.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "[start] $1 is not ready after 30 s; see $VAR_DIR/log/$1.log" >&2
  exit 1
}

start tickets
start notifications
start chat
start gateway
wait_ready tickets "http://127.0.0.1:${HELPDESK_TICKETS_PORT:-8001}/readyz"
wait_ready notifications "http://127.0.0.1:${HELPDESK_NOTIFICATIONS_PORT:-8002}/readyz"
wait_ready chat "http://127.0.0.1:${HELPDESK_CHAT_PORT:-8003}/readyz"
wait_ready gateway "http://127.0.0.1:$GATEWAY_PORT/readyz"

"$PY" deploy/seed_demo.py "http://127.0.0.1:$GATEWAY_PORT"

cat <<TXT

The help desk is running (logs in $VAR_DIR/log, stop with deploy/stop.sh):
  Help menu (demo host page)  http://127.0.0.1:$GATEWAY_PORT/
  Ops console for agents      http://127.0.0.1:$GATEWAY_PORT/console
  API docs (OpenAPI)          http://127.0.0.1:$GATEWAY_PORT/docs
  Services' health            http://127.0.0.1:${HELPDESK_TICKETS_PORT:-8001}/readyz (tickets), :${HELPDESK_NOTIFICATIONS_PORT:-8002} (notifications), :${HELPDESK_CHAT_PORT:-8003} (chat)
  Services' AsyncAPI          http://127.0.0.1:${HELPDESK_TICKETS_PORT:-8001}/asyncapi
  E-mail copies (Mailpit)     http://127.0.0.1:${MAILPIT_UI_PORT:-8025}/
TXT
