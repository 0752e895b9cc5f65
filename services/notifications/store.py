"""Every MongoDB call of the notifications service (motor), and the indexes its screens need.

One document per pop-up, keyed by what caused it (`_id`: the event, or the announcement and
person), so consuming a cause twice finds the pop-up already there. Its number is unique
too. State changes replace the whole document, versioned, with their event in its outbox.
"""

import contextlib
from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from shared.database import count_matching, database_answers, declare_indexes, find_page
from shared.outbox import OUTBOX_INDEX
from shared.versioned import replace_versioned

OWNER = [("account_id", ASCENDING), ("user_id", ASCENDING)]
NEWEST = ("created_at", DESCENDING)
# Ties of created_at are broken by number, so pages never overlap.
NEWEST_FIRST = [NEWEST, ("number", DESCENDING)]
# Every screen's query has an index: active pop-ups (and, by its prefix, the unread
# count), the whole history, one ticket's pop-ups, the announcements a person already
# has, and the reminder scan. (`_id` in a compound index makes NX-27017 refuse every
# insert: "JSON path error near '_id'".)
POPUP_INDEXES: list[list[tuple[str, int]]] = [
    [
        *OWNER,
        ("deleted", ASCENDING),
        ("read", ASCENDING),
        ("seen", ASCENDING),
        ("visible_at", ASCENDING),
    ],
    [*OWNER, *NEWEST_FIRST],
    [*OWNER, ("ticket_number", ASCENDING), *NEWEST_FIRST],
    [*OWNER, ("announcement_id", ASCENDING)],
    # The reminder scan's equality alone: NX-27017 serves an equality from an index only
    # when one is named after that field, and with a date range beside it checked every
    # pop-up in Python (7 ms a scan at 3,000 pop-ups, once a second, holding the database).
    [("remind_pending", ASCENDING)],
]
ANNOUNCEMENT_INDEXES: list[list[tuple[str, int]]] = [
    [("account_id", ASCENDING), ("user_id", ASCENDING), ("created_at", ASCENDING)],
]


class PopupStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.database = database
        self.popups: AsyncIOMotorCollection[Any] = database["popups"]
        self.announcements: AsyncIOMotorCollection[Any] = database["announcements"]
        self.counters: AsyncIOMotorCollection[Any] = database["popup_counters"]
        # The people this service has seen (signed in to the Help menu), by `_id` only:
        # their account and user id hashed (shared.people.person_key). See `knows`.
        self.people: AsyncIOMotorCollection[Any] = database["popup_people"]

    async def ensure_indexes(self) -> None:
        popup_indexes = [IndexModel("number", unique=True), *map(IndexModel, POPUP_INDEXES)]
        await declare_indexes(self.popups, [*popup_indexes, OUTBOX_INDEX])
        announcement_indexes = [*map(IndexModel, ANNOUNCEMENT_INDEXES), OUTBOX_INDEX]
        await declare_indexes(self.announcements, announcement_indexes)

    async def answers(self) -> bool:
        return await database_answers(self.database)

    async def next_sequence(self) -> int:
        counter = await self.counters.find_one_and_update(
            {"_id": "popup"},
            {"$inc": {"value": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        value: int = counter["value"]
        return value

    async def insert(self, document: dict[str, Any]) -> None:
        await self.popups.insert_one(document)

    async def by_key(self, key: str) -> dict[str, Any] | None:
        document: dict[str, Any] | None = await self.popups.find_one({"_id": key})
        return document

    async def owned(self, account_id: str, user_id: str, number: str) -> dict[str, Any] | None:
        document: dict[str, Any] | None = await self.popups.find_one(
            {"number": number, "account_id": account_id, "user_id": user_id}
        )
        return document

    async def replace(self, document: dict[str, Any]) -> bool:
        return await replace_versioned(self.popups, document)

    async def page(
        self, query: dict[str, Any], skip: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        return await find_page(self.popups, query, NEWEST_FIRST, skip, limit, {"outbox": 0})

    async def count(self, query: dict[str, Any]) -> int:
        return await count_matching(self.popups, query)

    async def due(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        # Only snoozed pop-ups wait for a reminder, so their due times are compared here.
        cursor = self.popups.find({"remind_pending": True}, {"_id": 1, "visible_at": 1})
        due = [document async for document in cursor if document["visible_at"] <= now]
        return due[:limit]

    async def announcement_ids_of(self, account_id: str, user_id: str) -> set[str]:
        cursor = self.popups.find(
            {"account_id": account_id, "user_id": user_id, "announcement_id": {"$ne": None}},
            {"announcement_id": 1},
        )
        return {document["announcement_id"] async for document in cursor}

    async def remember(self, key: str, account_id: str, user_id: str, now: datetime) -> None:
        """Note a person as seen; seen before is fine (the first sighting stays)."""
        document = {"_id": key, "account_id": account_id, "user_id": user_id, "seen_at": now}
        with contextlib.suppress(DuplicateKeyError):
            await self.people.insert_one(document)

    async def knows(self, key: str, account_id: str, user_id: str) -> bool:
        """Whether a person (`key`: their account and user id) was seen or has a pop-up."""
        if await self.people.find_one({"_id": key}, {"_id": 1}) is not None:
            return True
        owner = {"account_id": account_id, "user_id": user_id}
        return await self.popups.find_one(owner, {"_id": 1}) is not None

    async def insert_announcement(self, document: dict[str, Any]) -> None:
        await self.announcements.insert_one(document)

    async def announcement(self, announcement_id: str) -> dict[str, Any] | None:
        document: dict[str, Any] | None = await self.announcements.find_one(
            {"_id": announcement_id}, {"outbox": 0}
        )
        return document

    async def announcements_for(self, account_id: str, user_id: str) -> list[dict[str, Any]]:
        cursor = self.announcements.find(
            {"account_id": {"$in": [None, account_id]}, "user_id": {"$in": [None, user_id]}},
            {"outbox": 0},
        ).sort("created_at", ASCENDING)
        return [document async for document in cursor]
