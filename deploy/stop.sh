#!/usr/bin/env bash
# Stops the four services started by deploy/start.sh; with --all, the servers too.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${HELPDESK_VAR_DIR:-$ROOT/var}/run"
quiet=0
all=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    --all) all=1 ;;
    *) echo "usage: deploy/stop.sh [--all] [--quiet]" >&2; exit 2 ;;
  esac
done

for pidfile in "$RUN_DIR"/*.pid; do
  [ -e "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    # SIGTERM lets each service finish in-flight work; give it the graceful timeout.
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    [ "$quiet" = 1 ] || echo "[stop] stopped $(basename "$pidfile" .pid)"
  fi
  rm -f "$pidfile"
done

if [ "$all" = 1 ]; then
  bash "$ROOT/deploy/servers.sh" stop
fi
