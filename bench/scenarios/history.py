"""3. History: one account with 100,000 tickets; the history page with each filter and their
combinations, and the agents' queue soonest SLA first.

The tickets are seeded once, in bulk, by the tickets service's own constructor
(`helpdesk seed tickets --days`): updated over the last year, in every status. Each filter
is timed request by request through the gateway (HTTP → RPC → tickets service → database),
and again as the tickets service's query alone in the load generator's process, so the
share of the database and of everything around it shows.
"""

import time

from bench.core import Bench, Case
from bench.load.history import FILTERS, QUEUES
from helpdesk_cli.tickets import seed_tickets

TITLE = "3. History"
TICKETS = 100_000
DAYS = 365
REQUESTS = 200
PROGRESS_EVERY = 10_000
TARGET_MS = 20


async def run(bench: Bench) -> None:
    await seed(bench)
    bench.start("tickets")
    gateway = bench.start("gateway")
    worst = ("", 0.0)
    for name in [*FILTERS, *QUEUES]:
        for store in (False, True):
            label = f"{name} ({'query alone' if store else 'through the gateway'})"
            with bench.case_rss() as memory:
                args = [gateway.url, name, "--requests", str(REQUESTS)]
                samples = await bench.generate("history", args + ["--store"] * store)
            case = Case.from_samples(TITLE, label, samples, memory.peaks)
            bench.record(case)
            if not store:
                p99 = case.summary()["p99_ms"]
                bench.target(f"history p99 {name}", p99, TARGET_MS, "ms")
                worst = max(worst, (name, p99), key=lambda item: item[1])
    bench.target(f"history p99, worst filter ({worst[0]})", worst[1], TARGET_MS, "ms")


async def seed(bench: Bench) -> None:
    settings = bench.settings.model_copy(
        update={"mongo_db": bench.database_name, "support_hours": "always"}
    )
    began = time.perf_counter()
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if done % PROGRESS_EVERY < count or done == TICKETS:
            elapsed = time.perf_counter() - began
            print(f"  seeded {done:,} of {TICKETS:,} tickets in {elapsed:.0f} s", flush=True)

    await seed_tickets(settings, TICKETS, bench.account, advance, days=DAYS)
