"""A service's background work: outbox relays and periodic jobs, with one life cycle.

Started after the broker is up, stopped first on shutdown. A periodic job that fails on
an unreachable database simply tries again on its next round; the loop never dies.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from pymongo.errors import PyMongoError

from shared.outbox import OutboxRelay


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[], Awaitable[int]]
    every_seconds: float
    done_message: str


class BackgroundWork:
    def __init__(
        self,
        logger: logging.Logger,
        relays: Sequence[OutboxRelay] = (),
        jobs: Sequence[PeriodicJob] = (),
    ) -> None:
        self.logger = logger
        self.relays = list(relays)
        self.jobs = list(jobs)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        for relay in self.relays:
            relay.start()
        self._tasks = [asyncio.create_task(self._repeat(job), name=job.name) for job in self.jobs]

    async def stop(self) -> None:
        for relay in self.relays:
            await relay.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _repeat(self, job: PeriodicJob) -> None:
        while True:
            with contextlib.suppress(PyMongoError):
                # The database being away only delays the job until it is back.
                if done := await job.run():
                    self.logger.info(job.done_message, extra={"count": done})
            await asyncio.sleep(job.every_seconds)
