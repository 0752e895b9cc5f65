"""Indexes follow the code across releases: declared ones made, stale ones dropped."""

import uuid
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import ASCENDING, IndexModel

from services.notifications.store import PopupStore
from services.tickets.store import TicketStore
from shared.database import declare_indexes
from shared.outbox import PENDING_FLAG


async def index_fields(collection: Any) -> set[tuple[str, ...]]:
    """Indexes by their fields."""
    return {tuple(index["key"]) async for index in collection.list_indexes()}


async def test_a_stale_index_is_dropped_and_the_declared_ones_made(
    database: AsyncIOMotorDatabase[Any],
) -> None:
    collection = database[f"indexes_{uuid.uuid4().hex[:8]}"]
    await collection.insert_one({"legacy": 1, "wanted": 2})
    await collection.create_index([("legacy", ASCENDING)])

    await declare_indexes(collection, [IndexModel([("wanted", ASCENDING)])])
    await declare_indexes(collection, [IndexModel([("wanted", ASCENDING)])])

    assert await index_fields(collection) == {("_id",), ("wanted",)}
    assert await collection.count_documents({}) == 1


async def test_the_stores_keep_their_outbox_index_and_drop_an_old_builds_index(
    database: AsyncIOMotorDatabase[Any],
) -> None:
    # The services of this test session declared their indexes at start; an older build's
    # index appears, as after an upgrade, and the next start removes it.
    await database["popups"].create_index([("account_id", ASCENDING), ("legacy", ASCENDING)])
    await database["tickets"].create_index([("legacy", ASCENDING)])

    await PopupStore(database).ensure_indexes()
    await TicketStore(database).ensure_indexes()

    popups = await index_fields(database["popups"])
    tickets = await index_fields(database["tickets"])
    assert ("account_id", "legacy") not in popups
    assert ("legacy",) not in tickets
    assert {(PENDING_FLAG,), ("number",)} <= popups
    assert (PENDING_FLAG,) in tickets
    assert (PENDING_FLAG,) in await index_fields(database["announcements"])
