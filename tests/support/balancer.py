"""HAProxy in front of gateways, configured by the project's own deploy/haproxy-gateways.cfg."""

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.harness import ROOT, free_port


@contextmanager
def gateways_balanced(ports: list[int], directory: Path) -> Iterator[str]:
    """HAProxy balancing the gateways listening on `ports` (the config's `gatewayN` is
    the N-th); its URL."""
    port = free_port()
    pid_file = directory / "haproxy-gateways.pid"
    env = {
        **os.environ,
        "HAPROXY_BIND": f"127.0.0.1:{port}",
        **{f"GATEWAY{n}": f"127.0.0.1:{each}" for n, each in enumerate(ports, start=1)},
    }
    config = ROOT / "deploy" / "haproxy-gateways.cfg"
    subprocess.run(
        ["haproxy", "-D", "-f", str(config), "-p", str(pid_file)], env=env, check=True, timeout=30
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)
