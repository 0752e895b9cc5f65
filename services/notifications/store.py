"""Every MongoDB call of the notifications service (motor), and the indexes its screens need.

One document per pop-up, keyed by what caused it (`_id`: the event, or the announcement and
person), so consuming a cause twice finds the pop-up already there. Its number is unique
too. A state change sets the fields it changes, with its event pushed onto the outbox in
the same update; it is versioned, because the event carries the whole pop-up as it is
after the change.
"""

import contextlib
from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.notifications.models import StoredAnnouncement, StoredPopup
from shared.counters import Counter
from shared.database import database_answers, declare_indexes, find_page
from shared.events import Event
from shared.outbox import OUTBOX_INDEX, pushing_events, with_events
from shared.pages import Total
from shared.versioned import update_versioned

POPUP_COUNTER = "popup"
OWNER = [("account_id", ASCENDING), ("user_id", ASCENDING)]
NEWEST = ("created_at", DESCENDING)
# Ties of created_at are broken by number, so pages never overlap.
NEWEST_FIRST = [NEWEST, ("number", DESCENDING)]
# Every screen's query has an index: active pop-ups (and, by its prefix, the unread
# count), the whole history, one ticket's pop-ups, the announcements a person already
# has, and the reminder scan (due times of snoozed pop-ups).
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
    [("remind_pending", ASCENDING), ("visible_at", ASCENDING)],
]
ANNOUNCEMENT_INDEXES: list[list[tuple[str, int]]] = [
    [("account_id", ASCENDING), ("user_id", ASCENDING), ("created_at", ASCENDING)],
]


class PopupStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.database = database
        self.popups: AsyncIOMotorCollection[Any] = database["popups"]
        self.announcements: AsyncIOMotorCollection[Any] = database["announcements"]
        self.numbers = Counter(database["popup_counters"], POPUP_COUNTER)
        # The people this service has seen (signed in to the Help menu), by `_id` only:
        # their account and user id hashed (shared.people.person_key). See `knows`.
        self.people: AsyncIOMotorCollection[Any] = database["popup_people"]

    async def ensure_indexes(self) -> None:
        popup_indexes = [IndexModel("number", unique=True), *map(IndexModel, POPUP_INDEXES)]
        await declare_indexes(self.popups, [*popup_indexes, OUTBOX_INDEX])
        announcement_indexes = [*map(IndexModel, ANNOUNCEMENT_INDEXES), OUTBOX_INDEX]
        await declare_indexes(self.announcements, announcement_indexes)
        await self.numbers.create()

    async def answers(self) -> bool:
        return await database_answers(self.database)

    async def insert(self, popup: StoredPopup, event: Event[Any]) -> bool:
        """Save a new pop-up with its event; False if one with its key exists already."""
        try:
            await self.popups.insert_one(with_events(popup_document(popup), event))
        except DuplicateKeyError:
            return False
        return True

    async def insert_new(self, popups: list[tuple[StoredPopup, Event[Any]]]) -> int:
        """Save new pop-ups, each with its event, in one write; those whose key exists
        already (made meanwhile by another read of the same person) are left out. How
        many were saved."""
        documents = [with_events(popup_document(popup), event) for popup, event in popups]
        try:
            await self.popups.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            others = [
                failure
                for failure in error.details["writeErrors"]
                if failure.get("keyPattern") != {"_id": 1}
            ]
            if others:
                # A number taken twice means the counter is behind the pop-ups: a bug to hear of.
                raise
            saved: int = error.details["nInserted"]
            return saved
        return len(documents)

    async def by_key(self, key: str) -> StoredPopup | None:
        document = await self.popups.find_one({"_id": key})
        return _popup(document) if document else None

    async def owned(self, account_id: str, user_id: str, number: str) -> StoredPopup | None:
        document = await self.popups.find_one(
            {"number": number, "account_id": account_id, "user_id": user_id}
        )
        return _popup(document) if document else None

    # Each change below is given the pop-up as decided from the one read (its version as
    # read) and the event announcing it; it answers the pop-up as written, or None if the
    # pop-up changed meanwhile (decide again).

    async def snooze(self, popup: StoredPopup, event: Event[Any]) -> StoredPopup | None:
        return await self._change(popup, event, "snoozed_until", "visible_at", "remind_pending")

    async def mark_read(self, popup: StoredPopup, event: Event[Any]) -> StoredPopup | None:
        return await self._change(popup, event, "read", "read_at")

    async def mark_seen(self, popup: StoredPopup, event: Event[Any]) -> StoredPopup | None:
        return await self._change(popup, event, "seen")

    async def delete(self, popup: StoredPopup, event: Event[Any]) -> StoredPopup | None:
        """Hidden, never removed: history keeps it."""
        fields = ("deleted", "deleted_at", "remind_pending", "snoozed_until")
        return await self._change(popup, event, *fields)

    async def remind(self, popup: StoredPopup, event: Event[Any]) -> StoredPopup | None:
        return await self._change(popup, event, "remind_pending", "snoozed_until", "seen")

    async def _change(
        self, popup: StoredPopup, event: Event[Any], *fields: str
    ) -> StoredPopup | None:
        changes = popup.model_dump(include=set(fields))
        update = pushing_events({"$set": changes}, event)
        written = await update_versioned(self.popups, popup.key, popup.version, update)
        return popup.model_copy(update={"version": popup.version + 1}) if written else None

    async def page(
        self,
        account_id: str,
        user_id: str,
        active_at: datetime | None,
        ticket_number: str | None,
        skip: int,
        limit: int,
    ) -> tuple[list[StoredPopup], Total]:
        """One page of a person's pop-ups, newest first; with `active_at`, only those that
        pop up at that moment."""
        query = page_query(account_id, user_id, active_at, ticket_number)
        rows, total = await find_page(self.popups, query, NEWEST_FIRST, skip, limit, {"outbox": 0})
        return [_popup(row) for row in rows], total

    async def unread(self, account_id: str, user_id: str) -> int:
        """Pop-ups not previewed yet: the Help button's badge."""
        return await self.popups.count_documents(
            {"account_id": account_id, "user_id": user_id, **UNREAD}
        )

    async def due(self, now: datetime, limit: int) -> list[str]:
        """The keys of snoozed pop-ups whose time has come."""
        cursor = self.popups.find(due_query(now), {"_id": 1}).limit(limit)
        return [document["_id"] async for document in cursor]

    async def reminders_waiting(self) -> int:
        return await self.popups.count_documents({"remind_pending": True})

    async def announcement_ids_of(self, account_id: str, user_id: str) -> set[str]:
        cursor = self.popups.find(announced_query(account_id, user_id), {"announcement_id": 1})
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

    async def insert_announcement(
        self, announcement: StoredAnnouncement, event: Event[Any]
    ) -> None:
        document = announcement_document(announcement)
        await self.announcements.insert_one(with_events(document, event))

    async def announcements_for(
        self, account_id: str, user_id: str, excluding: set[str]
    ) -> list[StoredAnnouncement]:
        """The announcements meant for a person but those `excluding`, oldest first."""
        query = {**announcements_query(account_id, user_id), "_id": {"$nin": list(excluding)}}
        cursor = self.announcements.find(query, {"outbox": 0}).sort("created_at", ASCENDING)
        return [_announcement(document) async for document in cursor]


def popup_document(popup: StoredPopup) -> dict[str, Any]:
    """The pop-up as stored: keyed by what caused it."""
    return {"_id": popup.key, **popup.model_dump(exclude={"key"})}


def _popup(document: dict[str, Any]) -> StoredPopup:
    return StoredPopup.model_validate({**document, "key": document["_id"]})


def announcement_document(announcement: StoredAnnouncement) -> dict[str, Any]:
    return {
        "_id": announcement.announcement_id,
        **announcement.model_dump(exclude={"announcement_id"}),
    }


def _announcement(document: dict[str, Any]) -> StoredAnnouncement:
    return StoredAnnouncement.model_validate({**document, "announcement_id": document["_id"]})


# Not previewed yet (closed ones count too: the user has not read them, and the manual
# sends them to history for what they closed).
UNREAD: dict[str, Any] = {"read": False, "deleted": False}


def page_query(
    account_id: str, user_id: str, active_at: datetime | None, ticket_number: str | None
) -> dict[str, Any]:
    """A person's pop-ups; with `active_at`, those that pop up as a modal at that moment:
    arrived and not dealt with (read, closed or deleted), or a reminder whose time has
    come. Pop-ups stored before `seen` existed have no such field and so never pop up
    again: they had popped up at every page load until then."""
    query: dict[str, Any] = {"account_id": account_id, "user_id": user_id}
    if active_at is not None:
        query |= {**UNREAD, "seen": False, "visible_at": {"$lte": active_at}}
    if ticket_number:
        query["ticket_number"] = ticket_number
    return query


def due_query(now: datetime) -> dict[str, Any]:
    return {"remind_pending": True, "visible_at": {"$lte": now}}


def announced_query(account_id: str, user_id: str) -> dict[str, Any]:
    """A person's pop-ups made from announcements."""
    return {"account_id": account_id, "user_id": user_id, "announcement_id": {"$ne": None}}


def announcements_query(account_id: str, user_id: str) -> dict[str, Any]:
    """Announcements meant for a person: to them, to their account, or to everyone."""
    return {"account_id": {"$in": [None, account_id]}, "user_id": {"$in": [None, user_id]}}
