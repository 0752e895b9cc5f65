"""The benchmark run: its own vhost and database, the processes it starts, their memory.

Every scenario gets a `Bench`: it starts the help desk's services (and anything else to
compare with) against the real servers in a throwaway RabbitMQ virtual host and database,
runs load generators as separate processes, samples the resident memory of every process
of the run, and collects the measured cases and the targets for the report.
"""

import asyncio
import json
import math
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo import MongoClient

from bench.load.samples import ACCOUNT, bearer
from shared.settings import Settings
from tests.support.harness import ROOT, ServiceProcess, free_port

RSS_SAMPLE_SECONDS = 0.1
# Server processes sampled beside the run's own: found by their command line.
SERVER_PROCESSES = {"rabbitmq": "beam.smp", "database": "secantusd-rs"}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; exact for the sample sizes of a benchmark (no interpolation
    that would invent a latency nobody saw)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def merge_samples(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One sample set of several load generators that ran at the same time."""
    return {
        "latencies_ms": [value for part in parts for value in part["latencies_ms"]],
        "finished_at_s": [value for part in parts for value in part["finished_at_s"]],
        "errors": sum(part["errors"] for part in parts),
        "duration_s": max((part["duration_s"] for part in parts), default=0.0),
    }


@dataclass
class Case:
    """One measured case of a scenario: what the report tabulates and plots."""

    scenario: str
    name: str
    latencies_ms: list[float]
    finished_at_s: list[float]
    errors: int
    duration_s: float
    rss_peak_mib: dict[str, float] = field(default_factory=dict)
    extra: dict[str, float | str] = field(default_factory=dict)

    @classmethod
    def from_samples(
        cls,
        scenario: str,
        name: str,
        samples: dict[str, Any],
        rss_peak_mib: dict[str, float],
        extra: dict[str, float | str] | None = None,
    ) -> "Case":
        return cls(
            scenario=scenario,
            name=name,
            latencies_ms=list(samples["latencies_ms"]),
            finished_at_s=list(samples["finished_at_s"]),
            errors=int(samples["errors"]),
            duration_s=float(samples["duration_s"]),
            rss_peak_mib=dict(rss_peak_mib),
            extra={**samples.get("extra", {}), **(extra or {})},
        )

    def summary(self) -> dict[str, float]:
        count = len(self.latencies_ms)
        return {
            "samples": count,
            "errors": self.errors,
            "p50_ms": percentile(self.latencies_ms, 50),
            "p95_ms": percentile(self.latencies_ms, 95),
            "p99_ms": percentile(self.latencies_ms, 99),
            "max_ms": max(self.latencies_ms, default=float("nan")),
            "throughput_per_s": count / self.duration_s if self.duration_s else 0.0,
            "duration_s": self.duration_s,
        }


@dataclass
class Target:
    """A line of the targets table: a measured figure against the issue's limit."""

    name: str
    measured: float
    limit: float
    unit: str
    higher_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool:
        if self.higher_is_better:
            return self.measured >= self.limit
        return self.measured <= self.limit


def rss_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def find_server_pid(pattern: str) -> int | None:
    found = subprocess.run(["pgrep", "-of", pattern], capture_output=True, text=True)
    return int(found.stdout.split()[0]) if found.returncode == 0 else None


class MemoryWatch:
    """Samples the RSS of named processes in a thread and keeps each one's peak."""

    def __init__(self) -> None:
        self.pids: dict[str, int] = {}
        self.peaks: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.sample_forever, daemon=True)

    def watch(self, name: str, pid: int) -> None:
        with self.lock:
            # Two live processes of one name (load generators of one case) are told apart by a
            # number; a name whose process has ended is reused.
            unique, number = name, 2
            while unique in self.pids and Path(f"/proc/{self.pids[unique]}").exists():
                unique, number = f"{name}-{number}", number + 1
            self.pids[unique] = pid

    def reset(self) -> None:
        with self.lock:
            self.peaks = {}

    def snapshot(self) -> dict[str, float]:
        with self.lock:
            return {name: round(peak, 1) for name, peak in sorted(self.peaks.items())}

    def sample(self) -> None:
        with self.lock:
            pids = dict(self.pids)
        for name, pid in pids.items():
            rss = rss_mib(pid)
            if rss is not None:
                with self.lock:
                    self.peaks[name] = max(rss, self.peaks.get(name, 0.0))

    def sample_forever(self) -> None:
        while not self.stopped.wait(RSS_SAMPLE_SECONDS):
            self.sample()


@dataclass
class CaseMemory:
    """What `Bench.case_rss` yields: the peaks, filled in when the block ends."""

    peaks: dict[str, float] = field(default_factory=dict)


class Bench:
    """One benchmark run: its vhost, database, processes, cases and targets."""

    def __init__(self, out_dir: Path) -> None:
        self.settings = Settings()
        self.secret = "bench-" + uuid.uuid4().hex
        self.account = ACCOUNT
        self.run_id = f"helpdesk-bench-{uuid.uuid4().hex[:8]}"
        self.database_name = self.run_id.replace("-", "_")
        self.out_dir = out_dir
        self.log_dir = out_dir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        rabbitmq_url = self.settings.rabbitmq_url.rstrip("/") + "/" + quote(self.run_id, safe="")
        self.env = {
            "HELPDESK_RABBITMQ_URL": rabbitmq_url,
            "HELPDESK_MONGO_URL": self.settings.mongo_url,
            "HELPDESK_MONGO_DB": self.database_name,
            "HELPDESK_JWT_SECRET": self.secret,
            "HELPDESK_BUS_KEY": "bench-bus-" + uuid.uuid4().hex,
            "HELPDESK_SUPPORT_HOURS": "always",
            "HELPDESK_RATE_LIMITS": "off",
            "HELPDESK_LOG_LEVEL": "WARNING",
        }
        self.cases: list[Case] = []
        self.targets: list[Target] = []
        self.services: list[ServiceProcess] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        self.memory = MemoryWatch()
        self.motor: AsyncIOMotorClient[dict[str, Any]] | None = None

    def open(self) -> None:
        self.rabbitmqctl("add_vhost", self.run_id)
        self.rabbitmqctl("set_permissions", "-p", self.run_id, "guest", ".*", ".*", ".*")
        for name, pattern in SERVER_PROCESSES.items():
            pid = find_server_pid(pattern)
            if pid is not None:
                self.memory.watch(name, pid)
        self.memory.thread.start()

    def close(self) -> None:
        self.stop_services()
        self.memory.stopped.set()
        if self.motor is not None:
            self.motor.close()
        self.rabbitmqctl("delete_vhost", self.run_id)
        client: MongoClient[dict[str, Any]] = MongoClient(self.settings.mongo_url)
        with client:
            client.drop_database(self.database_name)

    @staticmethod
    def rabbitmqctl(*args: str) -> None:
        subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)

    def bearer(self, role: str, user_id: str, account: str | None = None) -> str:
        return bearer(role, user_id, account or self.account, secret=self.secret)

    def start(self, service: str, env: dict[str, str] | None = None) -> ServiceProcess:
        """Starts `services.<service>` of this run on a free port and waits until ready."""
        port = free_port()
        port_var = f"HELPDESK_{service.upper()}_PORT"
        process = ServiceProcess(
            service, {**self.env, **(env or {}), port_var: str(port)}, port, self.log_dir
        )
        process.start()
        assert process.process is not None
        self.memory.watch(service, process.process.pid)
        self.services.append(process)
        return process

    def stop_services(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.processes.clear()
        for service in reversed(self.services):
            service.stop()
        self.services.clear()

    def spawn(
        self, argv: list[str], name: str, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """Starts another process of the run (a bare-stack process, a helper server)."""
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.memory.watch(name, process.pid)
        self.processes.append(process)
        return process

    async def generate(self, module: str, args: list[str], name: str = "load") -> dict[str, Any]:
        """Runs the load generator `bench.load.<module>` as a process of its own and returns
        the samples it printed last."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            f"bench.load.{module}",
            *args,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=asyncio.subprocess.PIPE,
            stderr=(self.log_dir / f"{name}.log").open("ab"),
        )
        self.memory.watch(name, process.pid)
        output, _ = await process.communicate()
        lines = output.decode().strip().splitlines()
        if process.returncode != 0 or not lines:
            raise RuntimeError(
                f"load generator {module} exited with {process.returncode}; "
                f"see {self.log_dir / f'{name}.log'}"
            )
        result: dict[str, Any] = json.loads(lines[-1])
        return result

    def database(self) -> AsyncIOMotorDatabase[dict[str, Any]]:
        if self.motor is None:
            self.motor = AsyncIOMotorClient(self.settings.mongo_url)
        return self.motor[self.database_name]

    @contextmanager
    def case_rss(self) -> Iterator[CaseMemory]:
        """Peak RSS of every process of the run while the block runs."""
        memory = CaseMemory()
        self.memory.reset()
        self.memory.sample()
        try:
            yield memory
        finally:
            self.memory.sample()
            memory.peaks = self.memory.snapshot()

    def record(self, case: Case) -> None:
        self.cases.append(case)
        summary = case.summary()
        print(
            f"  {case.name}: {summary['samples']:.0f} samples, {case.errors} errors, "
            f"p50 {summary['p50_ms']:.2f} / p99 {summary['p99_ms']:.2f} ms, "
            f"{summary['throughput_per_s']:.1f}/s",
            flush=True,
        )

    def target(
        self,
        name: str,
        measured: float,
        limit: float,
        unit: str,
        higher_is_better: bool = False,
        note: str = "",
    ) -> None:
        target = Target(name, measured, limit, unit, higher_is_better, note)
        self.targets.append(target)
        verdict = "met" if target.met else "NOT met"
        print(f"  target {name}: {measured:.3g} {unit} (limit {limit:g}) {verdict}", flush=True)
