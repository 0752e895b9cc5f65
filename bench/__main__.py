"""`python -m bench [scenario ...]`: runs the benchmark scenarios and writes the report.

Scenarios are the modules of bench/scenarios (each has a TITLE and `async def run(bench)`),
run in the order of their titles; name some (`ticket_create history`) to run only those.
The results go to bench-results/<UTC time>/ (git-ignored): results.json, report.md, PNGs.
Use `bash deploy/bench.sh`, which installs and starts what the run needs first.
"""

import argparse
import asyncio
import importlib
import os
import pkgutil
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from bench import scenarios
from bench.core import Bench
from bench.report import write_report
from tests.support.harness import ROOT


def available() -> dict[str, ModuleType]:
    modules = {
        info.name: importlib.import_module(f"bench.scenarios.{info.name}")
        for info in pkgutil.iter_modules(scenarios.__path__)
    }
    return dict(sorted(modules.items(), key=lambda item: str(item[1].TITLE)))


def environment() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        "commit": commit or "unknown",
        "machine": f"{platform.node()}, {os.cpu_count()} CPUs, {platform.machine()}",
        "python": platform.python_version(),
        "load average at start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


async def run(bench: Bench, chosen: dict[str, ModuleType]) -> dict[str, str]:
    failures: dict[str, str] = {}
    for name, module in chosen.items():
        print(f"\n== {module.TITLE}", flush=True)
        began = time.monotonic()
        try:
            await module.run(bench)
        except Exception as error:
            traceback.print_exc()
            failures[module.TITLE] = f"{type(error).__name__}: {error}"
        finally:
            bench.stop_services()
        print(f"== {name}: {time.monotonic() - began:.0f} s", flush=True)
    return failures


def main() -> None:
    modules = available()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "scenarios", nargs="*", metavar="scenario", help=f"of {', '.join(modules)} (default: all)"
    )
    args = parser.parse_args()
    unknown = sorted(set(args.scenarios) - set(modules))
    if unknown:
        parser.error(f"no scenario {', '.join(unknown)}; there are {', '.join(modules)}")
    chosen = {name: modules[name] for name in args.scenarios} if args.scenarios else modules

    out_dir = ROOT / "bench-results" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    bench = Bench(out_dir)
    about = environment()
    bench.open()
    try:
        failures = asyncio.run(run(bench, chosen))
    finally:
        bench.close()
    about["load average at end"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    write_report(bench, about, failures)
    print(f"\nReport: {out_dir / 'report.md'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
