#!/usr/bin/env bash
# Prepares a machine: the project's virtualenv (pinned packages) and the real servers.
# Idempotent and quick when nothing changed. Sourced by start.sh and test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"

if [ ! -f "$STAMP" ]; then
  echo "[setup] installing Python packages into $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install -q --disable-pip-version-check -e "$ROOT[test]"
  rm -f "$VENV"/.installed-*
  touch "$STAMP"
fi

# The web client's browser tests drive Debian's chromium through chromedriver.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "[setup] installing chromium and chromium-driver for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# HAProxy balances the gateways in the scale-out and balancer tests (and the test
# cluster's nodes, which deploy/cluster.sh would install it for).
if ! command -v haproxy >/dev/null; then
  echo "[setup] installing HAProxy for the balancer tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
fi

# The browser tests' accessibility check injects axe-core (from the npm registry), pinned,
# into a cache the tests read (tests/support/web.py: AXE_SCRIPTS).
AXE_VERSION="4.14.1"
AXE_CACHE="$ROOT/.cache/axe-core-$AXE_VERSION"
if [ ! -f "$AXE_CACHE/node_modules/axe-core/axe.min.js" ]; then
  echo "[setup] installing axe-core $AXE_VERSION for the accessibility check"
  if ! command -v npm >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  npm install --silent --no-audit --no-fund --prefix "$AXE_CACHE" "axe-core@$AXE_VERSION"
fi

bash "$ROOT/deploy/servers.sh" start
