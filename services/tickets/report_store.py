"""The tickets report's reads (motor): two aggregations over the tickets of a period,
grouped on the database side, and the indexes their `$match` stages use.

Tickets opened in the period are found by `created_at`; tickets resolved in it by
`resolved_at`, or `closed_at` for those closed without being resolved. Each aggregation
groups its tickets four ways in one `$facet`: all of them, per day (support time zone),
per importance and per account.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, IndexModel

from services.tickets.report_rules import Groups, Opened, Percentiles, Resolved, T
from shared.tickets import THREAD_MAX

# Declared with the tickets' other indexes (services/tickets/store.py).
REPORT_INDEXES = [
    IndexModel([(name, ASCENDING)]) for name in ("created_at", "resolved_at", "closed_at")
]
# The four ways each aggregation groups its tickets: the `$group` key of each.
GROUPINGS: dict[str, Any] = {
    "total": None,
    "days": "$day",
    "importances": "$importance",
    "accounts": "$account_id",
}
# MongoDB 7 knows only the approximate method (a t-digest, close to the exact value): a
# report of medians needs no more, and the times never travel to the service to be sorted.
MEDIAN_AND_P90 = {"p": [0.5, 0.9], "method": "approximate"}
# The first reply by support: the earliest agent's message after the ticket's own text.
FIRST_REPLY_AT = {
    "$min": {
        "$map": {
            "input": {
                "$filter": {
                    "input": {"$slice": ["$messages", 1, THREAD_MAX]},
                    "as": "message",
                    "cond": {"$eq": ["$$message.author.role", "agent"]},
                }
            },
            "as": "message",
            "in": "$$message.created_at",
        }
    }
}


class ReportStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.tickets: AsyncIOMotorCollection[Any] = database["tickets"]

    async def opened(
        self, period: tuple[datetime, datetime], time_zone: str, now: datetime
    ) -> Groups[Opened]:
        """The tickets created in [since, until): counts, first-response times, breaches."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"created_at": _within(period)}},
            {
                "$project": {
                    "day": _day("$created_at", time_zone),
                    "importance": 1,
                    "account_id": 1,
                    "created_at": 1,
                    "first_reply_at": FIRST_REPLY_AT,
                    # Missing (tickets stored before it was kept) reads as none.
                    "due": {"$ifNull": ["$first_response_due_at", None]},
                }
            },
            {
                "$project": {
                    "day": 1,
                    "importance": 1,
                    "account_id": 1,
                    "first_response": _milliseconds("$created_at", "$first_reply_at"),
                    "breached": {"$cond": [_breached(now), 1, 0]},
                }
            },
            _facet(
                {
                    "opened": {"$sum": 1},
                    "answered": {"$sum": {"$cond": [{"$eq": ["$first_response", None]}, 0, 1]}},
                    "first_response": {
                        "$percentile": {"input": "$first_response", **MEDIAN_AND_P90}
                    },
                    "sla_breaches": {"$sum": "$breached"},
                }
            ),
        ]
        return await self._groups(
            pipeline,
            lambda row: Opened(
                opened=row["opened"],
                answered=row["answered"],
                first_response=_percentiles(row["first_response"]),
                sla_breaches=row["sla_breaches"],
            ),
        )

    async def resolved(self, period: tuple[datetime, datetime], time_zone: str) -> Groups[Resolved]:
        """The tickets whose resolution that stands began in [since, until), and how long
        from creation it took."""
        within = _within(period)
        pipeline: list[dict[str, Any]] = [
            {
                "$match": {
                    "$or": [{"resolved_at": within}, {"resolved_at": None, "closed_at": within}]
                }
            },
            {
                "$project": {
                    "importance": 1,
                    "account_id": 1,
                    "created_at": 1,
                    "done_at": {"$ifNull": ["$resolved_at", "$closed_at"]},
                }
            },
            {
                "$project": {
                    "day": _day("$done_at", time_zone),
                    "importance": 1,
                    "account_id": 1,
                    "resolution": _milliseconds("$created_at", "$done_at"),
                }
            },
            _facet(
                {
                    "resolved": {"$sum": 1},
                    "resolution": {"$percentile": {"input": "$resolution", **MEDIAN_AND_P90}},
                }
            ),
        ]
        return await self._groups(
            pipeline,
            lambda row: Resolved(
                resolved=row["resolved"], resolution=_percentiles(row["resolution"])
            ),
        )

    async def _groups(
        self, pipeline: list[dict[str, Any]], figure: Callable[[dict[str, Any]], T]
    ) -> Groups[T]:
        facets = await self.tickets.aggregate(pipeline).to_list(length=1)
        rows = facets[0] if facets else {}
        totals = rows.get("total", [])
        return Groups(
            total=figure(totals[0]) if totals else None,
            days={date.fromisoformat(row["_id"]): figure(row) for row in rows.get("days", [])},
            importances={row["_id"]: figure(row) for row in rows.get("importances", [])},
            accounts={row["_id"]: figure(row) for row in rows.get("accounts", [])},
        )


def _within(period: tuple[datetime, datetime]) -> dict[str, datetime]:
    return {"$gte": period[0], "$lt": period[1]}


def _milliseconds(start: str, end: str) -> dict[str, Any]:
    """From one time to another, none when the second is none. (`$dateDiff` rather than
    `$subtract` of dates: the same on MongoDB, and the local server knows only the former.)"""
    return {"$dateDiff": {"startDate": start, "endDate": end, "unit": "millisecond"}}


def _day(date_field: str, time_zone: str) -> dict[str, Any]:
    """The calendar day of a time where support works, as YYYY-MM-DD."""
    return {"$dateToString": {"format": "%Y-%m-%d", "date": date_field, "timezone": time_zone}}


def _breached(now: datetime) -> dict[str, Any]:
    """A first-response target (kept since tickets carry it) that the first reply missed,
    or that passed with no reply yet. Dates compare above null, so none is ruled out first."""
    return {
        "$and": [
            {"$ne": ["$due", None]},
            {
                "$or": [
                    {"$gt": ["$first_reply_at", "$due"]},
                    {"$and": [{"$eq": ["$first_reply_at", None]}, {"$lt": ["$due", now]}]},
                ]
            },
        ]
    }


def _facet(accumulators: dict[str, Any]) -> dict[str, Any]:
    return {
        "$facet": {
            name: [{"$group": {"_id": key, **accumulators}}] for name, key in GROUPINGS.items()
        }
    }


def _percentiles(values: list[float | None] | None) -> Percentiles:
    median, p90 = values or (None, None)
    return Percentiles(median=median, p90=p90)
