"""6. Idle sockets: 15,000 open `/api/v1/stream` connections on one gateway process.

Load generator processes (PROCESSES, each under the 20,000 open files a process may hold)
open the sockets together and keep them open. The gateway's resident memory is read from
/proc before (after a warm-up of WARM_UP sockets opened and closed) and once every socket
is open and the gateway has settled: memory per socket = the difference ÷ sockets open.
While all of them stay open, an agent answers tickets of MEASURED of those users one reply
at a time, each timed until its `popup.created` frame on the user's socket.
"""

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from bench.core import Bench, Case, merge_samples, rss_mib
from bench.load.idle_sockets import raise_open_files_limit

TITLE = "6. Idle sockets"
SOCKETS = 15_000
PROCESSES = 4
WARM_UP = 200
REPLIES = 200
MEASURED = 5
# After the last socket opens: the pop-ups are timed once the sockets are idle, as the
# scenario means, not while the gateway still settles after 15,000 handshakes.
SETTLE_SECONDS = 20.0
OPEN_TIMEOUT_SECONDS = 600.0
TARGET_KIB = 20


async def run(bench: Bench) -> None:
    # The gateway inherits this process's limit of open files: the hard one (20,000 here).
    raise_open_files_limit()
    bench.start("tickets")
    bench.start("notifications")
    gateway = bench.start("gateway")
    assert gateway.process is not None
    pid = gateway.process.pid
    await bench.generate("idle_sockets", [gateway.url, "--sockets", str(WARM_UP)], "warm-up")
    await asyncio.sleep(SETTLE_SECONDS)
    before = rss_mib(pid) or 0.0
    share = SOCKETS // PROCESSES
    with tempfile.TemporaryDirectory() as folder, bench.case_rss() as memory:
        signals = Path(folder)

        def generator(index: int) -> Any:
            args = [gateway.url, "--sockets", str(share), "--first", str(index * share)]
            args += ["--signals", folder]
            if index == 0:
                args += ["--replies", str(REPLIES), "--measured", str(MEASURED)]
            return bench.generate("idle_sockets", args, f"sockets-{index}")

        # The measuring generator first: it creates its tickets before the others' sockets
        # load the gateway.
        generators = [asyncio.create_task(generator(0))]
        await all_ready(signals, generators)
        generators += [asyncio.create_task(generator(index)) for index in range(1, PROCESSES)]
        opened = await all_ready(signals, generators)
        await asyncio.sleep(SETTLE_SECONDS)
        after = rss_mib(pid) or 0.0
        (signals / "go").touch()
        popups = await generators[0]
        (signals / "release").touch()
        holders = await asyncio.gather(*generators[1:])
    per_socket_kib = (after - before) * 1024 / max(opened, 1)
    extra: dict[str, float | str] = {
        "sockets open": opened,
        "gateway RSS before MiB": round(before, 1),
        "gateway RSS with sockets open MiB": round(after, 1),
        "gateway KiB per socket": round(per_socket_kib, 2),
    }
    bench.record(
        Case.from_samples(
            TITLE,
            f"open {opened} sockets (handshakes of generators 2-{PROCESSES})",
            merge_samples(holders),
            memory.peaks,
            extra,
        )
    )
    bench.record(
        Case.from_samples(
            TITLE, f"pop-up to one of {opened} idle sockets", popups, memory.peaks, extra
        )
    )
    bench.target(
        "memory per idle socket",
        per_socket_kib,
        TARGET_KIB,
        "KiB",
        note=f"{opened} sockets; gateway RSS {before:.0f} → {after:.0f} MiB",
    )


async def all_ready(signals: Path, generators: list["asyncio.Task[Any]"]) -> int:
    """Sockets open once every generator has reported; a generator that died ends the wait."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + OPEN_TIMEOUT_SECONDS
    while loop.time() < deadline:
        reports = await asyncio.to_thread(lambda: list(signals.glob("ready-*")))
        if len(reports) == len(generators):
            return sum(int(report.read_text()) for report in reports)
        for task in generators:
            if task.done():
                task.result()
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the sockets were not all open within {OPEN_TIMEOUT_SECONDS:.0f} s")
