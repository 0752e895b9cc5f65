"""Load generator of the history scenario: one filter of the history page, or the agents'
queue, timed request by request.

    python -m bench.load.history URL FILTER --requests 200 [--store]

FILTER is one of FILTERS (the history page's filters and their combinations) or QUEUES
(the agents' queue, soonest SLA first). Requests go one at a time, for page 1, through the
gateway (what a user waits for: HTTP, RPC over RabbitMQ, the tickets service, the
database), or with --store to the tickets service's own query code in this process
(straight to the database: the share of the time that is the database's). The day of the
date filter is DAY_AGO days back, inside the seeded history. Prints a `Samples` JSON as its
last line; `extra` holds the total the page reported.
"""

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bench.load.samples import ACCOUNT, Samples, bearer
from helpdesk_cli.tickets import ticket_service
from shared.people import Caller
from shared.settings import Settings
from shared.tickets import AgentQueueQuery, HistoryQuery

DAY_AGO = 100
# What the seed writes (helpdesk_cli/tickets.py): subjects "Temat 0" … "Temat 29".
SUBJECT = "Temat 3"
STATUS = "new"
FILTERS: dict[str, tuple[str, ...]] = {
    "none": (),
    "status": ("status",),
    "subject": ("subject",),
    "date": ("date",),
    "status+subject": ("status", "subject"),
    "status+date": ("status", "date"),
    "subject+date": ("subject", "date"),
    "status+subject+date": ("status", "subject", "date"),
}
QUEUES: dict[str, tuple[str, ...]] = {
    "agent queue by SLA": (),
    "agent queue by SLA, status": ("status",),
}
REQUEST_TIMEOUT_SECONDS = 30.0

Fetch = Callable[[], Awaitable[int]]


def parameters(filters: tuple[str, ...], settings: Settings) -> dict[str, str]:
    """The query string of the page, as the web client sends it."""
    day = (datetime.now(ZoneInfo(settings.timezone)) - timedelta(days=DAY_AGO)).date()
    values = {"status": STATUS, "subject": SUBJECT, "date": day.isoformat()}
    return {name: values[name] for name in filters}


async def measure(fetch: Fetch, requests: int) -> Samples:
    samples = Samples()
    total = 0
    for _request in range(requests):
        began = time.perf_counter()
        try:
            total = await fetch()
        except (httpx.HTTPError, OSError):
            samples.error()
            continue
        samples.add((time.perf_counter() - began) * 1000)
    samples.finish()
    samples.extra = {"total": total}
    return samples


async def through_gateway(url: str, name: str, requests: int, settings: Settings) -> Samples:
    queue = name in QUEUES
    path = "/api/v1/agent/tickets" if queue else "/api/v1/tickets"
    role, user = ("agent", "agent-bench") if queue else ("user", "history-reader")
    params = parameters((QUEUES if queue else FILTERS)[name], settings)
    headers = {"Authorization": f"Bearer {bearer(role, user)}"}
    timeout = httpx.Timeout(REQUEST_TIMEOUT_SECONDS)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout) as client:

        async def fetch() -> int:
            response = await client.get(path, params=params)
            response.raise_for_status()
            total: int = response.json()["total"]
            return total

        return await measure(fetch, requests)


async def in_process(name: str, requests: int, settings: Settings) -> Samples:
    queue = name in QUEUES
    params: dict[str, Any] = parameters((QUEUES if queue else FILTERS)[name], settings)
    if "date" in params:
        params["day"] = params.pop("date")
    role, user = ("agent", "agent-bench") if queue else ("user", "history-reader")
    caller = Caller(role=role, id=user, name=user, account_id=ACCOUNT)
    async with ticket_service(settings) as service:

        async def fetch() -> int:
            if queue:
                return (await service.queue(AgentQueueQuery(caller=caller, **params))).total
            return (await service.history(HistoryQuery(caller=caller, **params))).total

        return await measure(fetch, requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url", help="the gateway's base URL")
    parser.add_argument("filter", choices=[*FILTERS, *QUEUES])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--store", action="store_true", help="the query code alone, no HTTP")
    args = parser.parse_args()
    settings = Settings()
    if args.store:
        samples = asyncio.run(in_process(args.filter, args.requests, settings))
    else:
        samples = asyncio.run(through_gateway(args.url, args.filter, args.requests, settings))
    samples.dump()


if __name__ == "__main__":
    main()
