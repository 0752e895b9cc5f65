"""A private three-node RabbitMQ cluster started by deploy/cluster.sh, for the tests that
run the help desk on one and kill its nodes.

Node names, ports and a directory of its own, so the shared servers and other runs of
these tests on the machine are never touched."""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.harness import ROOT

NODES = (1, 2, 3)


def ports_free(base: int) -> bool:
    """HAProxy's port, the nodes' AMQP ports and their Erlang distribution ports."""
    wanted = [base + n for n in (0, *NODES)] + [20000 + base + n for n in NODES]
    for port in wanted:
        with socket.socket() as sock:
            try:
                sock.bind(("", port))
            except OSError:
                return False
    return True


def free_base_port() -> int:
    # Apart from the default node (5672), CI's private nodes (5701-5709) and the
    # script's default (5680), and random, so two runs at once pick different ones.
    candidates = list(range(5720, 6000, 4))
    random.shuffle(candidates)
    return next(base for base in candidates if ports_free(base))


@dataclass
class Cluster:
    """A cluster that deploy/cluster.sh started, and how to look at its nodes."""

    port: int
    prefix: str
    directory: Path

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def nodes(self) -> list[str]:
        return [self.node(n) for n in NODES]

    def node(self, n: int) -> str:
        return f"{self.prefix}{n}@localhost"

    def script(self, command: str) -> str:
        env = {
            **os.environ,
            "HELPDESK_CLUSTER_PORT": str(self.port),
            "HELPDESK_CLUSTER_NODE_PREFIX": self.prefix,
            "HELPDESK_CLUSTER_DIR": str(self.directory),
        }
        result = subprocess.run(
            ["bash", str(ROOT / "deploy" / "cluster.sh"), command],
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert result.returncode == 0, f"cluster.sh {command}:\n{result.stdout}{result.stderr}"
        return result.stdout

    def ctl(self, node: str, *args: str) -> Any:
        """rabbitmqctl's JSON answer from one node."""
        result = subprocess.run(
            ["rabbitmqctl", "-q", "-n", node, *args, "--formatter", "json"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(result.stdout)

    def queues(self, node: str) -> dict[str, dict[str, Any]]:
        listed = self.ctl(node, "list_queues", "name", "type", "members", "leader", "online")
        return {queue["name"]: queue for queue in listed}

    def queue_nodes(self, asked: str) -> dict[str, str]:
        """The node each classic queue lives on, by name: its process id names the node
        (<name@host.N.N.N>), though not in the JSON output."""
        result = subprocess.run(
            ["rabbitmqctl", "-q", "-n", asked, "list_queues", "name", "pid", "--no-table-headers"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        rows = (line.split("\t") for line in result.stdout.splitlines() if "\t" in line)
        return {name: pid.strip("<>").split(".")[0] for name, pid in rows}

    def running_nodes(self, asked: str) -> list[str]:
        return sorted(self.ctl(asked, "cluster_status")["running_nodes"])

    def kill(self, node: str) -> None:
        """kill -9 of the node's Erlang VM (beam), as a crash or a pulled plug would."""
        number = self.nodes.index(node) + 1
        pid = int((self.directory / f"node{number}" / "pid").read_text())
        os.kill(pid, signal.SIGKILL)


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """A cluster of three running nodes behind HAProxy, stopped and removed afterwards."""
    prefix = f"hdtest{uuid.uuid4().hex[:6]}"
    # Under the project's var/ (not pytest's private tmp): the nodes run as the rabbitmq
    # user, which must reach their directories.
    directory = ROOT / "var" / "test-clusters" / prefix
    started = Cluster(free_base_port(), prefix, directory)
    try:
        began = time.monotonic()
        started.script("start")
        print(f"cluster started in {time.monotonic() - began:.1f} s")
        yield started
    finally:
        started.script("stop")
        shutil.rmtree(directory, ignore_errors=True)
