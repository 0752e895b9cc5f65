"""Ticket history at scale: one account with N tickets, each filter and their combinations.

Seeds a throw-away database in bulk (documents built by the tickets service's own code),
then times the history query in-process against the MongoDB-wire server, and prints what
the server's `explain` says about each query.
Usage (from the repository root): PYTHONPATH=. .venv/bin/python bench/history.py [--tickets N]
"""

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.tickets.service import TicketService
from services.tickets.store import TicketStore
from shared.database import connect_database
from shared.outbox import with_events
from shared.people import Caller
from shared.settings import Settings
from shared.tickets import CreateTicket, HistoryQuery
from tests.tickets.test_outbox import ticket_service

SUBJECTS = [f"Temat {index}" for index in range(30)]
STATUSES = ["new", "in_progress", "awaiting_reply", "resolved", "closed"]


async def seed(service: TicketService, store: TicketStore, caller: Caller, count: int) -> None:
    base = datetime.now(UTC) - timedelta(days=30)
    batch: list[dict[str, Any]] = []
    for index in range(count):
        command = CreateTicket(
            caller=caller, subject=random.choice(SUBJECTS), message="...", importance="normal"
        )
        document, _event = service._new_ticket(command, f"HD-B{index:07d}", None, None)
        moment = base + timedelta(days=30) * index / count
        document.update(status=random.choice(STATUSES), created_at=moment, updated_at=moment)
        batch.append({**with_events(document), "outbox_pending": False})
        if len(batch) == 1000:
            await store.tickets.insert_many(batch)
            batch = []
    if batch:
        await store.tickets.insert_many(batch)


async def main(count: int, runs: int) -> None:
    settings = Settings(mongo_db=f"helpdesk_bench_{uuid.uuid4().hex[:8]}")
    database = connect_database(settings)
    service = ticket_service(database)
    store = service.store
    await store.ensure_indexes()
    caller = Caller(role="user", id="bench", name="Bench", account_id="hotel-bench")
    started = time.perf_counter()
    await seed(service, store, caller, count)
    print(f"seeded {count} tickets in {time.perf_counter() - started:.1f} s")
    day = (datetime.now(UTC) - timedelta(days=15)).date()
    shapes: dict[str, dict[str, Any]] = {
        "account only": {},
        "status": {"status": "new"},
        "subject": {"subject": "Temat 3"},
        "date": {"day": day},
        "status+subject": {"status": "new", "subject": "Temat 3"},
        "status+subject+date": {"status": "new", "subject": "Temat 3", "day": day},
    }
    print("| filter | p50 ms | p99 ms | total | server plan |")
    print("| --- | --- | --- | --- | --- |")
    try:
        for name, filters in shapes.items():
            query = HistoryQuery(caller=caller, page=2, page_size=20, **filters)
            timings = []
            for _run in range(runs):
                begun = time.perf_counter()
                page = await service.history(query)
                timings.append((time.perf_counter() - begun) * 1000)
            criteria = {
                "account_id": caller.account_id,
                **{k: v for k, v in filters.items() if k != "day"},
            }
            plan = await store.explain(criteria, [("updated_at", -1)])
            summary = str(plan.get("queryPlanner", {}).get("winningPlan", plan))[:60]
            cuts = statistics.quantiles(timings, n=100)
            print(f"| {name} | {cuts[49]:.1f} | {cuts[98]:.1f} | {page.total} | {summary} |")
    finally:
        await database.client.drop_database(settings.mongo_db)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.tickets, args.runs))
