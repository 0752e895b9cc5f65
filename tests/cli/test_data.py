"""`helpdesk seed`, `purge-orphans` and `status` against the session's servers."""

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase

from services.tickets.store import TicketStore
from tests.support.cli import Helpdesk
from tests.support.database import count
from tests.support.harness import free_port
from tests.support.system import HelpDesk


@pytest.fixture
async def scratch_database(system: HelpDesk) -> AsyncIterator[AsyncIOMotorDatabase[Any]]:
    """A database of the test's own: bulk tickets would crowd the session's agent queue."""
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(system.settings.mongo_url, tz_aware=True)
    database = client[f"helpdesk_cli_{uuid.uuid4().hex[:8]}"]
    yield database
    await client.drop_database(database.name)
    client.close()


async def test_seed_tickets_inserts_that_many_service_tickets(
    helpdesk: Helpdesk, scratch_database: AsyncIOMotorDatabase[Any]
) -> None:
    result = await helpdesk(
        "seed",
        "tickets",
        "1203",
        "--account",
        "hotel-bench",
        HELPDESK_MONGO_DB=scratch_database.name,
    )

    assert result.exit_code == 0, result.output
    assert "1203 tickets inserted" in result.stdout
    tickets = TicketStore(scratch_database).tickets
    assert await count(tickets, {"account_id": "hotel-bench"}) == 1203
    assert await count(tickets, {"outbox_pending": True}) == 0
    ticket = await tickets.find_one({"_id": "HD-000600"})
    assert ticket is not None
    assert ticket["status"] == "new"
    assert ticket["sla_due_at"] > ticket["created_at"]


async def test_purge_orphans_removes_an_old_unclaimed_upload(
    helpdesk: Helpdesk, database: AsyncIOMotorDatabase[Any]
) -> None:
    store = TicketStore(database)
    file_id = ObjectId()
    uploaded = datetime.now(UTC) - timedelta(hours=2)
    await store.attachments.files.insert_one(
        {
            "_id": file_id,
            "length": 1,
            "chunkSize": 261120,
            "uploadDate": uploaded,
            "filename": "stary.txt",
            "metadata": {"content_type": "text/plain", "account_id": "hotel-old"},
        }
    )
    await store.attachments.chunks.insert_one({"files_id": file_id, "n": 0, "data": b"x"})

    result = await helpdesk("purge-orphans")

    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"\d+ orphan attachment\(s\) removed\n", result.stdout)
    assert await count(store.attachments.files, {"_id": file_id}) == 0
    assert await count(store.attachments.chunks, {"files_id": file_id}) == 0


async def test_status_shows_queues_instances_outbox_reminders_and_chats(
    helpdesk: Helpdesk,
) -> None:
    result = await helpdesk("status")

    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line}
    assert rows["helpdesk.dead-letters"][0].isdigit()
    assert int(rows["notifications.reply.posted"][1]) >= 1
    for service in ("tickets", "notifications", "chat"):
        assert int(rows[f"rpc.{service}.status"][1]) >= 1  # running instances
    for outbox in ("tickets", "popups", "announcements"):
        assert rows[outbox][0].isdigit()
    assert re.search(r"^reminders waiting: \d+$", result.stdout, re.MULTILINE)
    assert re.search(r"^chats waiting: \d+, open: \d+$", result.stdout, re.MULTILINE)


async def test_seed_demo_with_no_gateway_is_one_line(helpdesk: Helpdesk) -> None:
    result = await helpdesk("seed", "demo", "--gateway", f"http://127.0.0.1:{free_port()}")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: the gateway at http://127.0.0.1:")


async def test_seed_demo_loads_the_demo_tickets_once(
    helpdesk: Helpdesk, system: HelpDesk, database: AsyncIOMotorDatabase[Any]
) -> None:
    demo_account = {"account_id": "hotel-baltyk"}

    # Other tests may have written to the demo hotel of this session (a browser test follows
    # a link as its demo user): only what the seed adds counts.
    before = await count(database["tickets"], demo_account)
    first = await helpdesk("seed", "demo", "--gateway", system.gateway_url)
    seeded = await count(database["tickets"], demo_account) - before
    again = await helpdesk("seed", "demo", "--gateway", system.gateway_url)

    assert first.exit_code == 0, first.output
    assert "[seed] demo tickets in place: 4" in first.stdout
    assert "[seed] e-mail copies of answers on for Anna Kowalska" in first.stdout
    assert seeded == 3  # of the four demo tickets, three belong to this hotel
    assert again.exit_code == 0, again.output
    assert await count(database["tickets"], demo_account) == before + seeded  # idempotency keys
