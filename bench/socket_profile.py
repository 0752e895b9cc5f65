"""What an idle stream socket holds in the gateway, by the module that allocated it.

    python -m bench.socket_profile [--sockets 2000]

Runs the gateway in this process (served as `python -m services.gateway` serves it, so the
HELPDESK_GATEWAY_WS* settings apply) beside the run's tickets and notifications services,
opens SOCKETS idle `/api/v1/stream` sockets from a load generator process (bench.load.
idle_sockets), and prints the Python allocations per socket that appeared meanwhile
(tracemalloc, after a warm-up), summed by package: the profile behind docs/performance.md
"Idle sockets". Needs the servers that `bash deploy/bench.sh` starts.
"""

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import tracemalloc
from collections import Counter
from pathlib import Path

import uvicorn

from bench.core import Bench
from bench.load.idle_sockets import raise_open_files_limit
from tests.support.harness import ROOT, free_port

WARM_UP = 200
SETTLE_SECONDS = 5.0
FRAMES = 30
# Who holds the memory: the first of these from the innermost frame out (a deque that
# asyncio grows for uvicorn's queue is uvicorn's).
OWNERS = ("uvicorn", "websockets", "wsproto", "h11", "starlette", "fastapi", "services", "shared")


def owner_of(traceback: tracemalloc.Traceback) -> str:
    packages = [package_of(frame.filename) for frame in reversed(traceback)]
    return next((name for name in packages if name in OWNERS), packages[0])


def package_of(filename: str) -> str:
    """The repository's top folder for its own files, else the library's package (the
    standard library's by its folder, e.g. `asyncio`)."""
    path = Path(filename)
    if path.is_relative_to(ROOT) and ".venv" not in path.parts:
        return path.relative_to(ROOT).parts[0]
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1]
    return path.parent.name or filename


async def generator(url: str, sockets: int, signals: Path | None, env: dict[str, str]) -> None:
    args = [url, "--sockets", str(sockets), "--first", "0"]
    args += ["--signals", str(signals)] if signals else []
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.load.idle_sockets",
        *args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL,
    )
    if await process.wait() != 0:
        raise RuntimeError(f"the load generator failed with status {process.returncode}")


async def profile(bench: Bench, sockets: int) -> Counter[str]:
    bench.start("tickets")
    bench.start("notifications")
    port = free_port()
    os.environ.update({**bench.env, "HELPDESK_GATEWAY_PORT": str(port)})
    # Imported once the environment names the run's vhost and database.
    from services.gateway.app import create_app
    from services.gateway.serving import uvicorn_config
    from shared.settings import Settings

    settings = Settings()
    server = uvicorn.Server(uvicorn_config(create_app(settings), settings))
    serving = asyncio.create_task(server.serve())
    # uvicorn's Server sets a flag, no event, once it listens.
    while not server.started:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    url = f"http://127.0.0.1:{port}"
    await generator(url, WARM_UP, None, bench.env)
    with tempfile.TemporaryDirectory() as folder:
        signals = Path(folder)
        gc.collect()
        tracemalloc.start(FRAMES)
        before = tracemalloc.take_snapshot()
        holding = asyncio.create_task(generator(url, sockets, signals, bench.env))
        while not (signals / "ready-0").exists():
            if holding.done():
                holding.result()
            await asyncio.sleep(0.5)
        await asyncio.sleep(SETTLE_SECONDS)
        gc.collect()
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        (signals / "release").touch()
        await holding
    server.should_exit = True
    await serving
    held: Counter[str] = Counter()
    for difference in after.compare_to(before, "traceback"):
        held[owner_of(difference.traceback)] += difference.size_diff
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sockets", type=int, default=2000)
    args = parser.parse_args()
    raise_open_files_limit()
    bench = Bench(ROOT / "bench-results" / "socket-profile")
    bench.open()
    try:
        held = asyncio.run(profile(bench, args.sockets))
    finally:
        bench.close()
    # Python's allocations only: uvloop's and the kernel's memory for a socket is not here.
    print(f"{os.environ.get('HELPDESK_GATEWAY_WS', 'default')}: bytes per idle socket")
    for owner, size in held.most_common():
        if abs(size) / args.sockets >= 50:
            print(f"  {owner:32} {size / args.sockets:8.0f}")
    print(f"  {'total':32} {sum(held.values()) / args.sockets:8.0f}")


if __name__ == "__main__":
    main()
