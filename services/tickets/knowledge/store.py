"""Every MongoDB call about the knowledge base's use (motor), and the indexes of its report.

One document per person and article for a vote (changing it is one upsert), one per person
for the articles they opened (the latest time of each, so it never grows past the number
of articles), one per person, week and query for a search that found nothing (counted
people are distinct by construction), and one per ticket and article for an article opened
before a ticket (redelivered events find theirs and add nothing).
"""

import hashlib
from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, IndexModel
from pymongo.errors import BulkWriteError

from shared.database import declare_indexes
from shared.knowledge import REPORT_ROWS_PER_WEEK, KbLang, MissedSearch, OpenedBeforeTicket

WEEK = ("week", ASCENDING)


class KnowledgeStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.votes: AsyncIOMotorCollection[Any] = database["kb_votes"]
        self.readers: AsyncIOMotorCollection[Any] = database["kb_readers"]
        self.missed: AsyncIOMotorCollection[Any] = database["kb_missed_searches"]
        self.before_ticket: AsyncIOMotorCollection[Any] = database["kb_opened_before_ticket"]

    async def ensure_indexes(self) -> None:
        # The report's queries: votes counted by answer, the rest by week.
        await declare_indexes(
            self.votes, [IndexModel([("helpful", ASCENDING), ("slug", ASCENDING)])]
        )
        await declare_indexes(self.missed, [IndexModel([WEEK, ("key", ASCENDING)])])
        await declare_indexes(self.before_ticket, [IndexModel([WEEK, ("slug", ASCENDING)])])

    async def set_vote(
        self, person: str, account_id: str, slug: str, helpful: bool, at: datetime
    ) -> None:
        await self.votes.update_one(
            {"_id": f"{person}:{slug}"},
            {"$set": {"slug": slug, "account_id": account_id, "helpful": helpful, "at": at}},
            upsert=True,
        )

    async def vote_of(self, person: str, slug: str) -> bool | None:
        document = await self.votes.find_one({"_id": f"{person}:{slug}"}, {"helpful": 1})
        return bool(document["helpful"]) if document else None

    async def vote_counts(self) -> dict[str, tuple[int, int]]:
        """Per article: (helpful, not helpful)."""
        counts: dict[str, tuple[int, int]] = {}
        for helpful in (True, False):
            pipeline: list[dict[str, Any]] = [
                {"$match": votes_query(helpful)},
                {"$group": {"_id": "$slug", "n": {"$sum": 1}}},
            ]
            async for row in self.votes.aggregate(pipeline):
                yes, no = counts.get(row["_id"], (0, 0))
                counts[row["_id"]] = (yes + row["n"], no) if helpful else (yes, no + row["n"])
        return counts

    async def note_opened(self, person: str, slug: str, at: datetime) -> None:
        # Slugs are [a-z0-9-] (checked at the boundary): safe as a field name.
        await self.readers.update_one(
            {"_id": person}, {"$set": {f"opened.{slug}": at}}, upsert=True
        )

    async def opened_by(self, person: str) -> dict[str, datetime]:
        document = await self.readers.find_one({"_id": person})
        opened: dict[str, datetime] = document.get("opened", {}) if document else {}
        return opened

    async def note_missed(
        self, person: str, week: str, query: str, lang: KbLang, at: datetime
    ) -> None:
        key = f"{lang}:{query}"
        # Hashed: the query is up to 100 characters of anything, the id stays short.
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        await self.missed.update_one(
            {"_id": f"{week}:{person}:{digest}"},
            {"$set": {"week": week, "key": key, "at": at}, "$inc": {"searches": 1}},
            upsert=True,
        )

    async def missed_in(self, week: str) -> list[MissedSearch]:
        """The week's most frequent queries without results: by people, then searches."""
        pipeline: list[dict[str, Any]] = [
            {"$match": week_query(week)},
            {"$group": {"_id": "$key", "people": {"$sum": 1}, "searches": {"$sum": "$searches"}}},
            {"$sort": {"people": -1, "searches": -1, "_id": 1}},
            {"$limit": REPORT_ROWS_PER_WEEK},
        ]
        rows = []
        async for row in self.missed.aggregate(pipeline):
            lang, _, query = row["_id"].partition(":")
            rows.append(
                MissedSearch(
                    week=week,
                    query=query,
                    lang=lang,
                    searches=row["searches"],
                    people=row["people"],
                )
            )
        return rows

    async def note_opened_before_ticket(
        self, number: str, account_id: str, slugs: list[str], week: str, at: datetime
    ) -> None:
        documents = [
            {
                "_id": f"{number}:{slug}",
                "slug": slug,
                "account_id": account_id,
                "week": week,
                "at": at,
            }
            for slug in slugs
        ]
        try:
            await self.before_ticket.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            # The event delivered again: its links are there already. Anything else is a bug.
            if any(
                failure.get("keyPattern") != {"_id": 1} for failure in error.details["writeErrors"]
            ):
                raise

    async def opened_before_ticket_in(self, week: str) -> list[OpenedBeforeTicket]:
        pipeline: list[dict[str, Any]] = [
            {"$match": week_query(week)},
            {"$group": {"_id": "$slug", "tickets": {"$sum": 1}}},
            {"$sort": {"tickets": -1, "_id": 1}},
            {"$limit": REPORT_ROWS_PER_WEEK},
        ]
        return [
            OpenedBeforeTicket(week=week, slug=row["_id"], tickets=row["tickets"])
            async for row in self.before_ticket.aggregate(pipeline)
        ]


def votes_query(helpful: bool) -> dict[str, Any]:
    """The report's first stage over votes: served by the (helpful, slug) index."""
    return {"helpful": helpful}


def week_query(week: str) -> dict[str, Any]:
    """The report's first stage over one week's rows: served by the week index."""
    return {"week": week}
