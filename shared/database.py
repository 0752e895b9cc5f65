"""The one way a process opens its MongoDB database (motor)."""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection, AsyncIOMotorDatabase
from opentelemetry.sdk.trace import TracerProvider
from pymongo import IndexModel
from pymongo.errors import PyMongoError

from shared.pages import TOTAL_LIMIT, Total
from shared.settings import Settings
from shared.tracing import database_listeners

logger = logging.getLogger(__name__)

# What a failed database call raises, for callers that report it without knowing the driver.
DatabaseError = PyMongoError

# Short server-selection timeout: with the database down, a request fails fast with 503
# instead of hanging for pymongo's default 30 s.
SERVER_SELECTION_TIMEOUT_MS = 3000
SOCKET_TIMEOUT_MS = 15_000


def connect_database(
    settings: Settings, tracer_provider: TracerProvider | None = None
) -> AsyncIOMotorDatabase[Any]:
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(
        settings.mongo_url,
        tz_aware=True,
        serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
        connectTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
        # A server that stops answering mid-request must not hold a handler forever.
        socketTimeoutMS=SOCKET_TIMEOUT_MS,
        event_listeners=database_listeners(tracer_provider),
    )
    return client[settings.mongo_db]


async def declare_indexes(
    collection: AsyncIOMotorCollection[Any], wanted: Sequence[IndexModel]
) -> None:
    """Makes the collection's indexes exactly `wanted` (and `_id`): creates the missing ones
    and drops what an earlier release declared and this one no longer does.

    A leftover index is not harmless: a stale unique index would refuse writes the code now
    allows, and every index costs each insert. Dropping happens at a service's start, so during a
    rolling upgrade an old instance may briefly miss an index it wants (slower, not wrong);
    it declares it again when it restarts.
    """
    keys = {_key(model.document["key"]) for model in wanted}
    for model in wanted:
        await collection.create_index(model.document["key"], **_options(model))
    async for index in collection.list_indexes():
        if index["name"] != "_id_" and _key(index["key"]) not in keys:
            await collection.drop_index(index["name"])
            logger.warning(
                "index dropped: no longer declared",
                extra={"collection": collection.name, "index": index["name"]},
            )


def _key(key: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    """An index told by its fields and directions in order (the server may list them as
    floats: 1.0 is 1)."""
    return tuple((field, int(direction)) for field, direction in key.items())


def _options(model: IndexModel) -> dict[str, Any]:
    return {key: value for key, value in model.document.items() if key != "key"}


async def database_answers(database: AsyncIOMotorDatabase[Any]) -> bool:
    try:
        await database.command("ping")
    except PyMongoError:
        return False
    return True


async def find_page(
    collection: AsyncIOMotorCollection[Any],
    query: dict[str, Any],
    sort: list[tuple[str, int]],
    skip: int,
    limit: int,
    projection: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], Total]:
    """One page of a list screen and the total it pages through (a lower bound past
    TOTAL_LIMIT matches)."""
    cursor = collection.find(query, projection).sort(sort).skip(skip).limit(limit)
    rows = [document async for document in cursor]
    if 0 < len(rows) < limit or (not rows and not skip):
        # The last page tells the total itself: no count (it walks every match).
        return rows, Total(skip + len(rows))
    # The count stops one past the limit: that much tells "more than TOTAL_LIMIT".
    counted: int = await collection.count_documents(query, limit=TOTAL_LIMIT + 1)
    if counted > TOTAL_LIMIT:
        return rows, Total(TOTAL_LIMIT, exact=False)
    return rows, Total(counted)
