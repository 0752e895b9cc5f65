"""The database's share of two benchmark cases, measured without the services around it.

    python -m bench.server_probe [limits] [creates] [rpc-creates]

- `limits`: how a query that stops at a limit scales with the documents that match it on
  the configured MongoDB-wire server: `find(...).sort(...).limit(20)` over an index,
  `find_one({})` (what GridFS runs before each upload) and `count_documents(..., limit=10000)`
  (the history's bounded total), at 1,000, 10,000 and 100,000 matches. On MongoDB all three
  stop early; a server whose times grow with the matches reads them all.
- `creates`: ticket creation's database part alone (the counter's `$inc`, then the insert of
  the ticket with its indexes and outbox entry, through the tickets service's own store on
  motor) with 1, 10 and 50 creators at once.
- `rpc-creates`: the same number of creators sending `CreateTicket` straight to a running
  tickets service over RabbitMQ (the gateway's RpcClient, no gateway): the service's share.
  Start one first, e.g. `HELPDESK_DEMO=on HELPDESK_MONGO_DB=probe python -m services.tickets`.

Each probe works in a scratch database of its own and drops it afterwards. Figures are
medians (limits) or counts over a fixed time (creates); docs/performance.md has the runs.
"""

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from pymongo import DESCENDING

from helpdesk_cli.tickets import ticket_service
from services.tickets import domain
from services.tickets.creation import new_ticket
from shared.clock import stored_utcnow
from shared.database import connect_database
from shared.people import Caller
from shared.routes import CREATE_TICKET
from shared.rpc_client import RpcClient
from shared.settings import Settings
from shared.signing import BusSigner
from shared.tickets import CreateTicket

MATCHES = (1_000, 10_000, 100_000)
REPEATS = 15
PAGE = 20
TOTAL_LIMIT = 10_000
CREATORS = (1, 10, 50)
CREATE_SECONDS = 8.0
RPC_TIMEOUT_SECONDS = 10.0


async def median_ms(call: Callable[[], Awaitable[object]], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        await call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


async def limits(settings: Settings) -> None:
    database = connect_database(settings)
    collection = database["probe"]
    await collection.create_index([("account_id", 1), ("updated_at", DESCENDING)])
    try:
        stored = 0
        for matches in MATCHES:
            await collection.insert_many(
                [
                    {"account_id": "a", "updated_at": n, "subject": "x" * 60}
                    for n in range(stored, matches)
                ]
            )
            stored = matches

            async def page() -> list[Any]:
                cursor = collection.find({"account_id": "a"}).sort("updated_at", DESCENDING)
                return await cursor.limit(PAGE).to_list(PAGE)

            async def first() -> object:
                return await collection.find_one({}, {"_id": 1})

            async def total() -> int:
                return await collection.count_documents({"account_id": "a"}, limit=TOTAL_LIMIT)

            print(
                f"{matches:7,d} matches: find+sort+limit {PAGE} {await median_ms(page):7.2f} ms, "
                f"find_one({{}}) {await median_ms(first):7.2f} ms, "
                f"count_documents(limit {TOTAL_LIMIT:,}) {await median_ms(total, 5):7.2f} ms",
                flush=True,
            )
    finally:
        await database.client.drop_database(settings.mongo_db)


async def timed_creators(create: Callable[[], Awaitable[object]], creators: int) -> list[float]:
    """Each creation's milliseconds, CREATORS of them at once for CREATE_SECONDS."""
    times: list[float] = []
    until = time.monotonic() + CREATE_SECONDS

    async def creator() -> None:
        while time.monotonic() < until:
            began = time.perf_counter()
            await create()
            times.append((time.perf_counter() - began) * 1000)

    await asyncio.gather(*(creator() for _ in range(creators)))
    return sorted(times)


def report(creators: int, times: list[float]) -> None:
    print(
        f"{creators:2d} at once: {len(times) / CREATE_SECONDS:6.0f} creates/s, "
        f"p50 {times[len(times) // 2]:6.2f} ms, p99 {times[int(len(times) * 0.99)]:6.2f} ms",
        flush=True,
    )


def probe_ticket() -> CreateTicket:
    caller = Caller(role="user", id="probe", name="Probe", account_id="probe-hotel")
    return CreateTicket(
        caller=caller,
        subject="Drukarka fiskalna nie drukuje faktur",
        message="Po aktualizacji drukarka fiskalna nie drukuje faktur dla gości hotelowych.",
        importance="normal",
    )


async def creates(settings: Settings) -> None:
    command = probe_ticket()
    async with ticket_service(settings) as service:
        store = service.store
        await store.ensure_indexes()

        async def create() -> None:
            number = domain.ticket_number(await store.numbers.next())
            ticket, event = new_ticket(command, number, stored_utcnow(), service.sla)
            await store.insert(ticket, event)

        try:
            for creators in CREATORS:
                report(creators, await timed_creators(create, creators))
        finally:
            await store.database.client.drop_database(settings.mongo_db)


async def rpc_creates(settings: Settings) -> None:
    command = probe_ticket()
    client = RpcClient(
        settings.rabbitmq_url, RPC_TIMEOUT_SECONDS, BusSigner(settings.effective_bus_key)
    )
    await client.connect()

    async def create() -> None:
        await client.call(CREATE_TICKET, command)

    try:
        for creators in CREATORS:
            report(creators, await timed_creators(create, creators))
    finally:
        await client.close()


PROBE_RUNS: dict[str, Callable[[Settings], Coroutine[Any, Any, None]]] = {
    "limits": limits,
    "creates": creates,
    "rpc-creates": rpc_creates,
}


# What runs without arguments: the probes that need no running service.
SELF_CONTAINED = ("limits", "creates")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("probes", nargs="*", metavar="probe", help=f"of {', '.join(PROBE_RUNS)}")
    args = parser.parse_args()
    unknown = sorted(set(args.probes) - set(PROBE_RUNS))
    if unknown:
        parser.error(f"no probe {', '.join(unknown)}; there are {', '.join(PROBE_RUNS)}")
    for probe in args.probes or SELF_CONTAINED:
        # A scratch database per probe, whatever HELPDESK_MONGO_DB names (`rpc-creates`
        # writes to the running service's own).
        settings = Settings(mongo_db=f"probe-{probe}-{uuid.uuid4().hex[:8]}", demo=True)
        asyncio.run(PROBE_RUNS[probe](settings))


if __name__ == "__main__":
    main()
