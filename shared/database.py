"""The one way a process opens its MongoDB database (motor)."""

from typing import Any

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo.errors import PyMongoError

from shared.settings import Settings

# Short server-selection timeout: with the database down, a request fails fast with 503
# instead of hanging for pymongo's default 30 s.
SERVER_SELECTION_TIMEOUT_MS = 3000
SOCKET_TIMEOUT_MS = 15_000


def connect_database(settings: Settings) -> AsyncIOMotorDatabase[Any]:
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(
        settings.mongo_url,
        tz_aware=True,
        serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
        connectTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
        # A server that stops answering mid-request must not hold a handler forever.
        socketTimeoutMS=SOCKET_TIMEOUT_MS,
    )
    return client[settings.mongo_db]


async def database_answers(database: AsyncIOMotorDatabase[Any]) -> bool:
    try:
        await database.command("ping")
    except PyMongoError:
        return False
    return True
