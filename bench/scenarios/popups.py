"""4. Answer to pop-up: an agent's reply until the pop-up on its user's socket.

The path: gateway → RPC to the tickets service (the reply and its `reply.posted` event in
one ticket write) → outbox relay → notifications service (the pop-up and its
`popup.created` in one write) → outbox relay → the gateway's push queue → socket. Timed
idle (one reply at a time) and at an offered 100 replies/s (an open loop), from the
reply's due moment to the `popup.created` frame; a missing pop-up is an error.

Each case also reports the CPU each process spent per reply (from /proc, user + system),
which says whether 2 cores can carry the offered rate at all. The database and broker
servers are shared with whatever else runs on the machine; their figures include it.
"""

import os
import resource
from pathlib import Path

from bench.core import SERVER_PROCESSES, Bench, Case, find_server_pid

TITLE = "4. Answer to pop-up"
IDLE_REPLIES = 300
LOADED_REPLIES = 1000
RATE = 100
USERS = 10


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reaped_children_cpu() -> float:
    """CPU of this process's finished children: the load generator, once it has ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def run(bench: Bench) -> None:
    services = [bench.start(service) for service in ("tickets", "notifications", "gateway")]
    gateway = services[-1]
    measured = {service.name: service.process.pid for service in services if service.process}
    for name, pattern in SERVER_PROCESSES.items():
        if (pid := find_server_pid(pattern)) is not None:
            measured[name] = pid
    cases: tuple[tuple[str, int, list[str]], ...] = (
        ("idle (one at a time)", IDLE_REPLIES, []),
        (f"{RATE} replies/s", LOADED_REPLIES, ["--rate", str(RATE)]),
    )
    for name, replies, rate in cases:
        args = [gateway.url, "--replies", str(replies), "--users", str(USERS), *rate]
        before = {process: cpu_seconds(pid) for process, pid in measured.items()}
        before["load generator"] = reaped_children_cpu()
        with bench.case_rss() as memory:
            samples = await bench.generate("popups", args)
        after = {process: cpu_seconds(pid) for process, pid in measured.items()}
        after["load generator"] = reaped_children_cpu()
        # Includes the generator's ticket creation before the timed replies (a tenth of
        # the requests, and the same for every run).
        cpu = {
            f"CPU ms per reply, {process}": round(
                (after[process] - before[process]) * 1000 / replies, 2
            )
            for process in after
        }
        case = Case.from_samples(TITLE, name, samples, memory.peaks, dict(cpu))
        bench.record(case)
    bench.target(f"answer → pop-up p99 at {RATE} replies/s", case.summary()["p99_ms"], 50, "ms")
