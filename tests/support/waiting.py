"""Waiting for a condition with a deadline: never a fixed sleep in a test."""

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

# Recovery times measured by the fault tests in this run, shown in the run's summary.
RECOVERIES: list[tuple[str, float]] = []


async def eventually(check: Callable[[], Awaitable[bool]], within: float) -> float:
    """Seconds until `check` holds; fails the test past `within` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if await check():
            return time.monotonic() - started
        await asyncio.sleep(0.25)
    pytest.fail(f"condition not reached within {within} s")


async def recovered(what: str, check: Callable[[], Awaitable[bool]], within: float) -> float:
    """Waits (bounded) until `check` holds after a fault; the time is kept for the summary."""
    seconds = await eventually(check, within)
    RECOVERIES.append((what, seconds))
    print(f"recovery: {what}: {seconds:.2f} s")
    return seconds
