"""What the stores rely on from MongoDB, checked against the server at HELPDESK_MONGO_URL.

One place to check a server swap, or a real MongoDB (`HELPDESK_MONGO_URL=mongodb://...
.venv/bin/pytest tests/conformance`): every update operator, index, query shape, GridFS
use and atomicity guarantee that services/*/store.py, shared/outbox.py, shared/versioned.py,
shared/counters.py and shared/attachments.py depend on. Needs only the database server.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId
from gridfs.errors import NoFile
from motor.motor_asyncio import (
    AsyncIOMotorClient,
    AsyncIOMotorCollection,
    AsyncIOMotorDatabase,
    AsyncIOMotorGridFSBucket,
)
from pymongo import ASCENDING, DESCENDING, DeleteOne, InsertOne, ReturnDocument, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.clock import stored_utcnow
from shared.settings import Settings
from tests.support.database import plan_stages

WRITERS = 50


@pytest.fixture(scope="module")
async def scratch() -> AsyncIterator[AsyncIOMotorDatabase[Any]]:
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(Settings().mongo_url, tz_aware=True)
    name = f"conformance_{uuid.uuid4().hex[:8]}"
    yield client[name]
    await client.drop_database(name)
    client.close()


@pytest.fixture
def things(scratch: AsyncIOMotorDatabase[Any]) -> AsyncIOMotorCollection[Any]:
    return scratch[f"things_{uuid.uuid4().hex[:8]}"]


# Update operators, and values through them


async def test_set_and_push_keep_dates_and_subdocuments(
    things: AsyncIOMotorCollection[Any],
) -> None:
    at = stored_utcnow()
    await things.insert_one({"_id": 1, "messages": []})
    message = {"id": "m1", "author": {"id": "a", "role": "agent"}, "created_at": at}
    await things.update_one(
        {"_id": 1},
        {"$set": {"updated_at": at, "author": {"id": "u"}}, "$push": {"messages": message}},
    )
    stored = await things.find_one({"_id": 1})
    assert stored == {"_id": 1, "messages": [message], "updated_at": at, "author": {"id": "u"}}
    assert stored["updated_at"].tzinfo is not None


async def test_push_each_appends_in_order_and_inc_counts(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.insert_one({"_id": 1, "outbox": [{"event_id": "a"}], "version": 1})
    await things.update_one(
        {"_id": 1},
        {
            "$push": {"outbox": {"$each": [{"event_id": "b"}, {"event_id": "c"}]}},
            "$set": {"outbox_pending": True},
            "$inc": {"version": 1},
        },
    )
    stored = await things.find_one({"_id": 1})
    assert [entry["event_id"] for entry in stored["outbox"]] == ["a", "b", "c"]
    assert stored["version"] == 2 and stored["outbox_pending"] is True


async def test_pull_by_condition_then_a_filter_on_an_empty_array(
    things: AsyncIOMotorCollection[Any],
) -> None:
    outbox = [{"event_id": "a"}, {"event_id": "b"}, {"event_id": "c"}]
    await things.insert_one({"_id": 1, "outbox": outbox, "outbox_pending": True})
    await things.update_one({"_id": 1}, {"$pull": {"outbox": {"event_id": {"$in": ["a", "b"]}}}})
    cleared = await things.update_one(
        {"_id": 1, "outbox": {"$size": 0}}, {"$set": {"outbox_pending": False}}
    )
    assert cleared.matched_count == 0
    await things.update_one({"_id": 1}, {"$pull": {"outbox": {"event_id": {"$in": ["c"]}}}})
    cleared = await things.update_one(
        {"_id": 1, "outbox": {"$size": 0}}, {"$set": {"outbox_pending": False}}
    )
    assert cleared.matched_count == 1
    assert await things.find_one({"_id": 1}) == {"_id": 1, "outbox": [], "outbox_pending": False}


async def test_set_on_insert_creates_once_and_never_overwrites(
    things: AsyncIOMotorCollection[Any],
) -> None:
    for _ in range(2):
        await things.update_one({"_id": "c"}, {"$setOnInsert": {"value": 0}}, upsert=True)
    await things.update_one({"_id": "c"}, {"$inc": {"value": 5}})
    await things.update_one({"_id": "c"}, {"$setOnInsert": {"value": 0}}, upsert=True)
    assert await things.find_one({"_id": "c"}) == {"_id": "c", "value": 5}


async def test_upsert_with_set_and_inc_counts_from_one_then_adds(
    things: AsyncIOMotorCollection[Any],
) -> None:
    # A search without results: the first one makes the row, each later one counts.
    for _ in range(3):
        await things.update_one(
            {"_id": "w:p:q"}, {"$set": {"key": "pl:vat"}, "$inc": {"searches": 1}}, upsert=True
        )
    assert await things.find_one({"_id": "w:p:q"}) == {
        "_id": "w:p:q",
        "key": "pl:vat",
        "searches": 3,
    }


async def test_set_of_a_dashed_field_in_a_map_on_upsert_keeps_each_entry(
    things: AsyncIOMotorCollection[Any],
) -> None:
    # A reader's articles: slugs with dashes as field names, each set on its own.
    at = stored_utcnow()
    for slug, moment in (
        ("reset-hasla", at),
        ("nowa-rezerwacja", at),
        ("reset-hasla", at + timedelta(1)),
    ):
        await things.update_one({"_id": "p"}, {"$set": {f"opened.{slug}": moment}}, upsert=True)
    assert await things.find_one({"_id": "p"}) == {
        "_id": "p",
        "opened": {"reset-hasla": at + timedelta(1), "nowa-rezerwacja": at},
    }


async def test_upsert_with_set_creates_then_updates(things: AsyncIOMotorCollection[Any]) -> None:
    at = stored_utcnow()
    for moment in (at, at + timedelta(seconds=1)):
        await things.update_one({"_id": "mark"}, {"$set": {"at": moment}}, upsert=True)
    assert await things.find_one({"_id": "mark"}) == {
        "_id": "mark",
        "at": at + timedelta(seconds=1),
    }


async def test_set_of_a_nested_field_only_where_it_is_null(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.insert_one({"_id": 1, "metadata": {"account_id": "h"}})
    first = await things.update_one(
        {"_id": 1, "metadata.ticket_number": None}, {"$set": {"metadata.ticket_number": "A"}}
    )
    second = await things.update_one(
        {"_id": 1, "metadata.ticket_number": None}, {"$set": {"metadata.ticket_number": "B"}}
    )
    assert (first.modified_count, second.modified_count) == (1, 0)
    stored = await things.find_one({"_id": 1})
    assert stored["metadata"] == {"account_id": "h", "ticket_number": "A"}


async def test_find_one_and_update_returns_before_or_after(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.insert_one({"_id": "n", "value": 1})
    before = await things.find_one_and_update({"_id": "n"}, {"$inc": {"value": 1}})
    after = await things.find_one_and_update(
        {"_id": "n"}, {"$inc": {"value": 3}}, return_document=ReturnDocument.AFTER
    )
    # A counter is created at start ($setOnInsert), never by this call: none, no document.
    missing = await things.find_one_and_update({"_id": "none"}, {"$inc": {"value": 1}})
    assert (before["value"], after["value"], missing) == (1, 5, None)
    assert await things.count_documents({"_id": "none"}) == 0


async def test_bulk_write_applies_each_operation_and_reports_counts(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.insert_many([{"_id": 1, "n": 0}, {"_id": 2, "n": 0}])
    result = await things.bulk_write(
        [
            InsertOne({"_id": 3, "n": 0}),
            UpdateOne({"_id": 1}, {"$inc": {"n": 1}}),
            DeleteOne({"_id": 2}),
        ]
    )
    assert (result.inserted_count, result.modified_count, result.deleted_count) == (1, 1, 1)
    assert [d async for d in things.find({}).sort("_id", ASCENDING)] == [
        {"_id": 1, "n": 1},
        {"_id": 3, "n": 0},
    ]
    with pytest.raises(BulkWriteError) as failure:
        await things.bulk_write([InsertOne({"_id": 1})])
    assert failure.value.details["writeErrors"][0]["code"] == 11000


# Atomicity under concurrent writers


async def test_concurrent_inc_hands_out_every_number_once(
    things: AsyncIOMotorCollection[Any],
) -> None:
    # The counter exists first ($setOnInsert at start), as the stores create theirs.
    await things.update_one({"_id": "ticket"}, {"$setOnInsert": {"value": 0}}, upsert=True)

    async def next_number() -> int:
        counter = await things.find_one_and_update(
            {"_id": "ticket"},
            {"$inc": {"value": 1}},
            return_document=ReturnDocument.AFTER,
        )
        value: int = counter["value"]
        return value

    numbers = await asyncio.gather(*(next_number() for _ in range(WRITERS)))
    assert sorted(numbers) == list(range(1, WRITERS + 1))


async def test_concurrent_push_keeps_every_element(things: AsyncIOMotorCollection[Any]) -> None:
    await things.insert_one({"_id": 1, "messages": []})
    await asyncio.gather(
        *(things.update_one({"_id": 1}, {"$push": {"messages": n}}) for n in range(WRITERS))
    )
    stored = await things.find_one({"_id": 1})
    assert sorted(stored["messages"]) == list(range(WRITERS))


async def test_concurrent_version_guarded_updates_let_exactly_one_win(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.insert_one({"_id": 1, "version": 1, "status": "new"})
    results = await asyncio.gather(
        *(
            things.update_one(
                {"_id": 1, "version": 1}, {"$set": {"status": f"s{n}"}, "$inc": {"version": 1}}
            )
            for n in range(WRITERS)
        )
    )
    assert sum(result.matched_count for result in results) == 1
    assert (await things.find_one({"_id": 1}))["version"] == 2


async def test_concurrent_inserts_of_one_key_let_exactly_one_win(
    things: AsyncIOMotorCollection[Any],
) -> None:
    async def insert(n: int) -> bool:
        try:
            await things.insert_one({"_id": "key", "by": n})
        except DuplicateKeyError:
            return False
        return True

    assert sum(await asyncio.gather(*(insert(n) for n in range(WRITERS)))) == 1


# Indexes


async def test_unique_index_refuses_a_duplicate_with_code_11000(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.create_index("number", unique=True)
    await things.insert_one({"_id": "a", "number": "P-1"})
    with pytest.raises(DuplicateKeyError) as failure:
        await things.insert_one({"_id": "b", "number": "P-1"})
    assert failure.value.code == 11000
    with pytest.raises(DuplicateKeyError):
        await things.insert_one({"_id": "a", "number": "P-2"})


async def test_an_unordered_insert_of_many_saves_all_but_the_duplicates_and_names_them(
    things: AsyncIOMotorCollection[Any],
) -> None:
    """Pop-ups of announcements made by two reads at once (notifications store)."""
    await things.create_index("number", unique=True)
    await things.insert_one({"_id": "b", "number": "P-2"})
    with pytest.raises(BulkWriteError) as failure:
        await things.insert_many(
            [
                {"_id": "a", "number": "P-1"},
                {"_id": "b", "number": "P-9"},
                {"_id": "c", "number": "P-3"},
            ],
            ordered=False,
        )
    details = failure.value.details
    assert details["nInserted"] == 2
    [duplicate] = details["writeErrors"]
    assert (duplicate["code"], duplicate["index"], duplicate["keyPattern"]) == (
        11000,
        1,
        {"_id": 1},
    )
    assert sorted(await things.distinct("_id")) == ["a", "b", "c"]
    # A number taken twice is told apart from a key made meanwhile by its key pattern.
    with pytest.raises(BulkWriteError) as failure:
        await things.insert_many([{"_id": "d", "number": "P-1"}], ordered=False)
    assert failure.value.details["writeErrors"][0]["keyPattern"] == {"number": 1}


async def test_indexes_are_listed_with_their_directions_and_dropped_by_name(
    things: AsyncIOMotorCollection[Any],
) -> None:
    name = await things.create_index([("account_id", ASCENDING), ("updated_at", DESCENDING)])
    await things.create_index([("legacy", ASCENDING)])
    listed = {index["name"]: dict(index["key"]) async for index in things.list_indexes()}
    assert listed[name] == {"account_id": 1, "updated_at": -1}
    await things.drop_index("legacy_1")
    assert {index["name"] async for index in things.list_indexes()} == {"_id_", name}


async def test_a_compound_index_serves_equality_range_and_sort(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.create_index(
        [("account_id", ASCENDING), ("updated_at", DESCENDING), ("_id", DESCENDING)]
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    await things.insert_many(
        [
            {
                "_id": n,
                "account_id": "a" if n % 2 else "b",
                "updated_at": start + timedelta(hours=n),
            }
            for n in range(100)
        ]
    )
    query = {"account_id": "a", "updated_at": {"$gte": start, "$lt": start + timedelta(days=1)}}
    plan = await things.find(query).sort([("updated_at", -1), ("_id", -1)]).limit(5).explain()
    assert "IXSCAN" in plan_stages(plan) and "COLLSCAN" not in plan_stages(plan)
    assert "SORT" not in plan_stages(plan)


async def test_an_in_over_values_is_served_by_an_index_in_its_sort_order(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.create_index([("status", ASCENDING), ("due", ASCENDING), ("_id", ASCENDING)])
    statuses = ["new", "in_progress", "resolved"]
    await things.insert_many(
        [{"_id": n, "status": statuses[n % 3], "due": 100 - n} for n in range(60)]
    )
    query = {"status": {"$in": ["in_progress", "new"]}}
    rows = [row async for row in things.find(query).sort([("due", 1), ("_id", 1)]).limit(3)]
    assert [row["due"] for row in rows] == [42, 43, 45]
    plan = await things.find(query).sort([("due", 1), ("_id", 1)]).limit(3).explain()
    assert "IXSCAN" in plan_stages(plan) and "COLLSCAN" not in plan_stages(plan)


async def test_an_index_on_an_array_path_finds_an_element(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.create_index("messages.attachment.id")
    await things.insert_many(
        [
            {"_id": 1, "messages": [{"attachment": None}, {"attachment": {"id": "f1"}}]},
            {"_id": 2, "messages": [{"attachment": {"id": "f2"}}]},
        ]
    )
    found = await things.find_one({"messages.attachment.id": "f1"}, {"_id": 1})
    assert found == {"_id": 1}
    plan = await things.find({"messages.attachment.id": "f2"}).explain()
    assert "IXSCAN" in plan_stages(plan)


async def test_a_multikey_index_on_an_array_of_terms_finds_every_word_in_order(
    things: AsyncIOMotorCollection[Any],
) -> None:
    """The history search (services/tickets/store.py): each word by any of its terms."""
    await things.create_index([("account_id", 1), ("terms", 1), ("updated_at", -1), ("_id", -1)])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    await things.insert_many(
        [
            {
                "_id": n,
                "account_id": "a" if n % 2 else "b",
                "terms": [f"w{n % 5}", f"x{n % 7}", "common"],
                "updated_at": start + timedelta(hours=n),
            }
            for n in range(200)
        ]
    )
    query = {
        "account_id": "a",
        "$and": [{"terms": {"$in": ["w1", "w2"]}}, {"terms": {"$in": ["x3"]}}],
    }
    order = [("updated_at", -1), ("_id", -1)]
    rows = [row["_id"] async for row in things.find(query).sort(order).limit(4)]
    assert rows == [171, 157, 101, 87]
    assert await things.count_documents(query, limit=100) == 6
    plan = await things.find(query).sort(order).limit(4).explain()
    assert "IXSCAN" in plan_stages(plan) and "COLLSCAN" not in plan_stages(plan)
    # A document matching a term twice (w1 and common) comes back once.
    both = {"account_id": "a", "terms": {"$in": ["w1", "common"]}}
    assert await things.count_documents(both) == 100


async def test_not_equal_on_an_indexed_field_finds_the_documents_without_it_by_the_index(
    things: AsyncIOMotorCollection[Any],
) -> None:
    """The search backfill finds tickets without terms, or of an older analysis."""
    await things.create_index("search_version")
    await things.insert_many(
        [{"_id": 1, "search_version": 1}, {"_id": 2}, {"_id": 3, "search_version": 0}]
    )
    query = {"search_version": {"$ne": 1}}
    assert sorted([row["_id"] async for row in things.find(query)]) == [2, 3]
    plan = await things.find(query).limit(10).explain()
    assert "IXSCAN" in plan_stages(plan) and "COLLSCAN" not in plan_stages(plan)


# Queries


async def test_sort_skip_limit_count_and_projection(things: AsyncIOMotorCollection[Any]) -> None:
    await things.insert_many(
        [{"_id": n, "account_id": "a", "rank": n % 5, "messages": ["x"]} for n in range(23)]
    )
    cursor = things.find({"account_id": "a"}, {"messages": 0})
    page = [row async for row in cursor.sort([("rank", -1), ("_id", 1)]).skip(5).limit(5)]
    assert [row["_id"] for row in page] == [8, 13, 18, 2, 7]
    assert all("messages" not in row for row in page)
    assert await things.count_documents({"account_id": "a", "rank": 4}) == 4
    assert await things.count_documents({"account_id": "nobody"}) == 0
    # A count that stops early: the history's total past 10,000 (shared/database.py).
    assert await things.count_documents({"account_id": "a"}, limit=10) == 10
    assert await things.count_documents({"account_id": "a"}, limit=100) == 23


async def test_count_in_a_collection_that_does_not_exist_is_zero(
    scratch: AsyncIOMotorDatabase[Any],
) -> None:
    assert await scratch[f"never_{uuid.uuid4().hex[:8]}.files"].count_documents({}) == 0


async def test_null_matches_missing_fields_and_ne_null_excludes_them(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.insert_many([{"_id": 1}, {"_id": 2, "a": None}, {"_id": 3, "a": "x"}])
    assert {d["_id"] async for d in things.find({"a": None})} == {1, 2}
    assert {d["_id"] async for d in things.find({"a": {"$ne": None}})} == {3}
    assert {d["_id"] async for d in things.find({"a": {"$in": [None, "x"]}})} == {1, 2, 3}


async def test_date_ranges_and_case_insensitive_literal_regex(
    things: AsyncIOMotorCollection[Any],
) -> None:
    at = stored_utcnow()
    await things.insert_many(
        [
            {"_id": 1, "visible_at": at - timedelta(minutes=1), "subject": "Faktura (kopia)"},
            {"_id": 2, "visible_at": at + timedelta(minutes=1), "subject": "faktura"},
        ]
    )
    assert [d["_id"] async for d in things.find({"visible_at": {"$lte": at}})] == [1]
    regex = {"subject": {"$regex": r"FAKTURA \(kopia\)", "$options": "i"}}
    assert [d["_id"] async for d in things.find(regex)] == [1]


async def test_distinct_and_the_aggregation_stages_in_use(
    things: AsyncIOMotorCollection[Any],
) -> None:
    await things.insert_many(
        [
            {"_id": 1, "account_id": "a", "subject": "B", "tags": ["x", "y"]},
            {"_id": 2, "account_id": "a", "subject": "a", "tags": ["x"]},
            {"_id": 3, "account_id": "a", "subject": "B", "tags": []},
            {"_id": 4, "account_id": "z", "subject": "C", "tags": ["y"]},
        ]
    )
    assert sorted(await things.distinct("subject", {"account_id": "a"})) == ["B", "a"]
    await things.insert_many([{"account_id": "n", "subject": text} for text in ("0", "012", "1e5")])
    assert sorted(await things.distinct("subject", {"account_id": "n"})) == ["0", "012", "1e5"]
    pipeline: list[dict[str, Any]] = [
        {"$match": {"account_id": "a"}},
        {"$unwind": "$tags"},
        {"$group": {"_id": "$tags", "n": {"$sum": 1}}},
        {"$sort": {"n": -1, "_id": 1}},
        {"$limit": 1},
    ]
    assert [row async for row in things.aggregate(pipeline)] == [{"_id": "x", "n": 2}]
    # Grouped by two fields at once (the ratings report: stars per account).
    stars = [("p", 4), ("p", 4), ("q", 1)]
    await things.insert_many([{"g": "r", "account_id": a, "rating": r} for a, r in stars])
    by_two: list[dict[str, Any]] = [
        {"$match": {"g": "r"}},
        {"$group": {"_id": {"account_id": "$account_id", "rating": "$rating"}, "n": {"$sum": 1}}},
    ]
    rows = [row async for row in things.aggregate(by_two)]
    assert sorted((row["_id"]["account_id"], row["_id"]["rating"], row["n"]) for row in rows) == [
        ("p", 4, 2),
        ("q", 1, 1),
    ]


async def test_a_group_sums_ones_and_a_field_then_sorts_by_both_and_limits(
    things: AsyncIOMotorCollection[Any],
) -> None:
    # The knowledge base report: per week, queries by distinct people, then by searches.
    await things.insert_many(
        [
            {"week": "2026-W49", "key": "pl:vat", "searches": 1},
            {"week": "2026-W49", "key": "pl:vat", "searches": 4},
            {"week": "2026-W49", "key": "pl:drukarka", "searches": 1},
            {"week": "2026-W49", "key": "pl:drukarka", "searches": 1},
            {"week": "2026-W49", "key": "pl:wifi", "searches": 9},
            {"week": "2026-W48", "key": "pl:vat", "searches": 7},
        ]
    )
    pipeline: list[dict[str, Any]] = [
        {"$match": {"week": "2026-W49"}},
        {"$group": {"_id": "$key", "people": {"$sum": 1}, "searches": {"$sum": "$searches"}}},
        {"$sort": {"people": -1, "searches": -1, "_id": 1}},
        {"$limit": 2},
    ]
    assert [row async for row in things.aggregate(pipeline)] == [
        {"_id": "pl:vat", "people": 2, "searches": 5},
        {"_id": "pl:drukarka", "people": 2, "searches": 2},
    ]


async def test_the_tickets_report_expressions(things: AsyncIOMotorCollection[Any]) -> None:
    # The tickets report (services/tickets/report_store.py): times between dates, the first
    # of some array elements, days in a time zone, percentiles, four groupings at once.
    created = datetime(2021, 3, 27, 23, 30, tzinfo=UTC)  # 28 March in Warsaw, summer time
    messages = [
        {"role": "user", "at": created},
        {"role": "agent", "at": created + timedelta(hours=3)},
        {"role": "agent", "at": created + timedelta(hours=2)},
    ]
    await things.insert_many(
        [
            {"g": "a", "n": n, "created_at": created, "messages": messages[: 1 + n % 3]}
            for n in range(1, 11)
        ]
    )
    first_agent_at = {
        "$min": {
            "$map": {
                "input": {
                    "$filter": {
                        "input": {"$slice": ["$messages", 1, 500]},
                        "as": "m",
                        "cond": {"$eq": ["$$m.role", "agent"]},
                    }
                },
                "as": "m",
                "in": "$$m.at",
            }
        }
    }
    percentiles = {"p": [0.5, 0.9], "method": "approximate"}
    pipeline: list[dict[str, Any]] = [
        {"$match": {"g": "a"}},
        {
            "$project": {
                "n": 1,
                "day": {
                    "$dateToString": {
                        "format": "%Y-%m-%d",
                        "date": "$created_at",
                        "timezone": "Europe/Warsaw",
                    }
                },
                "first": first_agent_at,
                "due": {"$ifNull": ["$missing", None]},
            }
        },
        {
            "$project": {
                "n": 1,
                "day": 1,
                "since": {
                    "$dateDiff": {"startDate": created, "endDate": "$first", "unit": "millisecond"}
                },
                # Dates order above null: `$lt` of a null and a date holds, `$gt` does not.
                "null_below": {"$lt": ["$due", created]},
                "none": {"$cond": [{"$eq": ["$first", None]}, 1, 0]},
            }
        },
        {
            "$facet": {
                "all": [
                    {
                        "$group": {
                            "_id": None,
                            "count": {"$sum": 1},
                            "none": {"$sum": "$none"},
                            "p": {"$percentile": {"input": "$n", **percentiles}},
                            # Nones (no reply) are left out: three of 2 h, four of 3 h.
                            "since": {"$percentile": {"input": "$since", **percentiles}},
                        }
                    }
                ],
                "days": [{"$group": {"_id": "$day", "count": {"$sum": 1}}}],
                "checks": [{"$group": {"_id": "$null_below", "count": {"$sum": 1}}}],
            }
        },
    ]
    [facets] = await things.aggregate(pipeline).to_list(length=1)
    [total] = facets["all"]
    # n % 3 == 0: no reply at all (3, 6, 9); == 1: one by an agent after 3 h; == 2: the
    # earliest of two is after 2 h.
    assert (total["count"], total["none"]) == (10, 3)
    assert total["p"] == [5, 9]
    assert total["since"] == [3 * 3600 * 1000, 3 * 3600 * 1000]
    assert facets["days"] == [{"_id": "2021-03-28", "count": 10}]
    assert facets["checks"] == [{"_id": True, "count": 10}]


# GridFS


async def test_gridfs_put_get_update_metadata_and_delete(
    scratch: AsyncIOMotorDatabase[Any],
) -> None:
    bucket = AsyncIOMotorGridFSBucket(scratch, bucket_name=f"files_{uuid.uuid4().hex[:6]}")
    data = bytes(range(256)) * 5000  # several chunks
    stream = bucket.open_upload_stream("zrzut.png", metadata={"account_id": "h"})
    await stream.write(data[:700_000])
    await stream.write(data[700_000:])
    await stream.close()
    file_id = stream._id

    download = await bucket.open_download_stream(file_id)
    assert await download.read() == data
    files = scratch[f"{bucket.collection.name}.files"]
    document = await files.find_one({"_id": file_id})
    assert document["length"] == len(data)
    assert isinstance(document["uploadDate"], datetime)
    old = datetime.now(UTC) + timedelta(minutes=1)
    assert await files.count_documents({"_id": file_id, "uploadDate": {"$lt": old}}) == 1

    await files.update_one({"_id": file_id}, {"$set": {"metadata.ticket_number": "HD-1"}})
    claimed = await files.find_one({"_id": file_id})
    assert claimed["metadata"] == {"account_id": "h", "ticket_number": "HD-1"}

    await bucket.delete(file_id)
    with pytest.raises(NoFile):
        await bucket.open_download_stream(file_id)
    chunks = scratch[f"{bucket.collection.name}.chunks"]
    assert await chunks.count_documents({"files_id": file_id}) == 0


async def test_gridfs_abort_leaves_nothing_before_or_after_chunks_were_written(
    scratch: AsyncIOMotorDatabase[Any],
) -> None:
    bucket = AsyncIOMotorGridFSBucket(scratch, bucket_name=f"files_{uuid.uuid4().hex[:6]}")
    chunks = scratch[f"{bucket.collection.name}.chunks"]
    files = scratch[f"{bucket.collection.name}.files"]
    for size in (10, 1_000_000):
        stream = bucket.open_upload_stream("half.bin")
        await stream.write(b"x" * size)
        await stream.abort()
        assert await chunks.count_documents({"files_id": stream._id}) == 0
        assert await files.count_documents({"_id": stream._id}) == 0


async def test_an_object_id_round_trips_as_a_key(things: AsyncIOMotorCollection[Any]) -> None:
    object_id = ObjectId()
    await things.insert_one({"_id": object_id, "files_id": object_id})
    assert await things.find_one({"files_id": ObjectId(str(object_id))}) is not None
