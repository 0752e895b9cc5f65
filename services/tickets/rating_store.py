"""Every MongoDB call for satisfaction ratings (motor), and the indexes the report needs.

One document per rating in `ratings`: a ticket's is keyed by its number and resolution, so
rating the same resolution again changes it; a chat's holds only its account, stars and
time (no key that could tie it to a chat, a name or a phone).
"""

from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel

from services.tickets.rating_rules import StarsOfAccount
from shared.database import declare_indexes
from shared.ratings import RatingComment, RatingKind, TicketRating

RATED_AT = ("rated_at", ASCENDING)
LATEST_FIRST = [("rated_at", DESCENDING)]
INDEXES = [
    # The ticket's ratings, latest resolution first.
    IndexModel([("number", ASCENDING), ("resolution", DESCENDING)]),
    # The report's period, of both kinds, of one kind, of one account.
    IndexModel([RATED_AT]),
    IndexModel([("kind", ASCENDING), RATED_AT]),
    IndexModel([("account_id", ASCENDING), RATED_AT]),
    # The report's recent comments.
    IndexModel([("has_comment", ASCENDING), ("rated_at", DESCENDING)]),
]


class RatingStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.ratings: AsyncIOMotorCollection[Any] = database["ratings"]

    async def ensure_indexes(self) -> None:
        await declare_indexes(self.ratings, INDEXES)

    async def save_ticket_rating(self, rating: TicketRating, account_id: str) -> None:
        """Give or change the rating of one resolution of a ticket."""
        fields = rating.model_dump()
        await self.ratings.update_one(
            {"_id": f"{rating.number}:{rating.resolution}"},
            {
                "$set": {
                    **fields,
                    "kind": "ticket",
                    "account_id": account_id,
                    "has_comment": rating.comment is not None,
                }
            },
            upsert=True,
        )

    async def ticket_ratings(self, number: str) -> list[TicketRating]:
        """Every rated resolution of the ticket, the latest first."""
        cursor = self.ratings.find({"number": number}).sort("resolution", DESCENDING)
        return [TicketRating.model_validate(document) async for document in cursor]

    async def ticket_rating(self, number: str, resolution: int) -> TicketRating | None:
        document = await self.ratings.find_one({"_id": f"{number}:{resolution}"})
        return TicketRating.model_validate(document) if document else None

    async def save_chat_rating(self, account_id: str, rating: int, rated_at: datetime) -> None:
        await self.ratings.insert_one(
            {"kind": "chat", "account_id": account_id, "rating": rating, "rated_at": rated_at}
        )

    async def stars_by_account(
        self, period: tuple[datetime, datetime], kind: RatingKind | None, account_id: str | None
    ) -> list[StarsOfAccount]:
        """How many ratings of each star each account gave in [since, until)."""
        pipeline: list[dict[str, Any]] = [
            {"$match": period_query(period, kind, account_id)},
            {
                "$group": {
                    "_id": {"account_id": "$account_id", "rating": "$rating"},
                    "count": {"$sum": 1},
                }
            },
        ]
        return [
            StarsOfAccount(row["_id"]["account_id"], row["_id"]["rating"], row["count"])
            async for row in self.ratings.aggregate(pipeline)
        ]

    async def recent_comments(
        self, period: tuple[datetime, datetime], account_id: str | None, limit: int
    ) -> list[RatingComment]:
        query = comments_query(period, account_id)
        cursor = self.ratings.find(query).sort(LATEST_FIRST).limit(limit)
        return [RatingComment.model_validate(document) async for document in cursor]


def period_query(
    period: tuple[datetime, datetime], kind: RatingKind | None, account_id: str | None
) -> dict[str, Any]:
    query: dict[str, Any] = {"rated_at": {"$gte": period[0], "$lt": period[1]}}
    if kind:
        query["kind"] = kind
    if account_id:
        query["account_id"] = account_id
    return query


def comments_query(period: tuple[datetime, datetime], account_id: str | None) -> dict[str, Any]:
    """Ratings with a comment (only tickets have them) in the period."""
    return {**period_query(period, None, account_id), "has_comment": True}
