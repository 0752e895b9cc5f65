#!/usr/bin/env bash
# The benchmark suite (issue #10): installs and starts what it needs, then runs the
# scenarios of bench/scenarios and writes bench-results/<UTC time>/ (results.json,
# report.md, PNG plots). Arguments name scenarios to run (default: all), e.g.
#   bash deploy/bench.sh ticket_create history
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The venv, and the servers (RabbitMQ, the MongoDB-wire server) started if not running.
bash deploy/setup.sh

# The report's plots need the `bench` extra (matplotlib); its stamp goes with setup.sh's,
# which removes it whenever pyproject.toml changes.
BENCH_STAMP="$ROOT/.venv/.installed-bench-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
if [ ! -f "$BENCH_STAMP" ]; then
  echo "[bench] installing the bench extra into $ROOT/.venv"
  "$ROOT/.venv/bin/pip" install -q --disable-pip-version-check -e "$ROOT[test,bench]"
  touch "$BENCH_STAMP"
fi

# The load generator of the HTTP scenarios: Debian's hey.
if ! command -v hey >/dev/null 2>&1; then
  echo "[bench] installing hey"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey >/dev/null
fi

exec "$ROOT/.venv/bin/python" -m bench "$@"
