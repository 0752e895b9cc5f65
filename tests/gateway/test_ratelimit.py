"""Per-person rate limits: a person is a user id within an account; the count is shared."""

import time
from typing import Any

import pytest
from limits.aio.storage import MemoryStorage, Storage
from motor.motor_asyncio import AsyncIOMotorDatabase
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry

from services.gateway.ratelimit import (
    STORE_TIMEOUT_MS,
    WINDOWS_COLLECTION,
    Limit,
    RateLimiter,
    shared_store,
)
from shared.errors import RateLimited
from shared.people import Caller, person_key
from shared.settings import Settings
from tests.support.harness import free_port

ONE_A_MINUTE = Limit("ticket.create", "1/minute", "ticket_rate_limited")
THREE_A_MINUTE = Limit("ticket.reply", "3/minute", "reply_rate_limited")


def person(account_id: str, user_id: str = "anna") -> Caller:
    return Caller(role="user", id=user_id, name="Anna", account_id=account_id)


def limiter(store: Storage | None = None) -> RateLimiter:
    # The library's in-memory async storage stands in for MongoDB: one object that several
    # limiters (gateways) share.
    return RateLimiter(True, store or MemoryStorage(), CollectorRegistry())


async def test_the_same_user_id_in_another_hotel_has_its_own_limit() -> None:
    gateway = limiter()
    await gateway.check(ONE_A_MINUTE, person("hotel-a"))
    with pytest.raises(RateLimited) as refused:
        await gateway.check(ONE_A_MINUTE, person("hotel-a"))
    assert refused.value.code == "ticket_rate_limited"
    await gateway.check(ONE_A_MINUTE, person("hotel-b"))


async def test_account_and_user_ids_cannot_be_shifted_into_each_other() -> None:
    gateway = limiter()
    await gateway.check(ONE_A_MINUTE, person("a:b", "c"))
    await gateway.check(ONE_A_MINUTE, person("a", "b:c"))


async def test_gateways_sharing_a_store_allow_a_person_the_limit_once() -> None:
    store = MemoryStorage()
    first, second = limiter(store), limiter(store)
    anna = person("hotel-a")
    for gateway in (first, second, first):
        await gateway.check(THREE_A_MINUTE, anna)
    for gateway in (second, first):
        with pytest.raises(RateLimited):
            await gateway.ensure_room(THREE_A_MINUTE, anna)
        with pytest.raises(RateLimited):
            await gateway.check(THREE_A_MINUTE, anna)


async def test_without_its_store_a_gateway_counts_alone_and_says_so() -> None:
    """The database away: no 500, no refusal of everyone; this gateway's own count decides."""
    registry = CollectorRegistry()
    unreachable = shared_store(Settings(mongo_url=f"mongodb://127.0.0.1:{free_port()}/"))
    gateway = RateLimiter(True, unreachable, registry)
    anna = person("hotel-a")
    started = time.monotonic()
    for _ in range(3):
        await gateway.ensure_room(THREE_A_MINUTE, anna)
        await gateway.check(THREE_A_MINUTE, anna)
    with pytest.raises(RateLimited):
        await gateway.check(THREE_A_MINUTE, anna)
    # One call waited for the store; the others did not try it again so soon.
    assert time.monotonic() - started < 2 * STORE_TIMEOUT_MS / 1000 + 1
    fallbacks = registry.get_sample_value(
        "helpdesk_rate_limit_fallbacks_total", {"action": "ticket.reply"}
    )
    assert fallbacks == 6
    unreachable.storage.close()


async def test_a_window_in_mongodb_is_per_person_expires_and_shows_in_the_trace(
    base_settings: Settings, own_database: AsyncIOMotorDatabase[Any]
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    store = shared_store(base_settings.model_copy(update={"mongo_db": own_database.name}), provider)
    gateway = RateLimiter(True, store, CollectorRegistry())
    with provider.get_tracer("test").start_as_current_span("POST /api/v1/tickets") as request:
        await gateway.check(THREE_A_MINUTE, person("hotel-a"))
    store.storage.close()
    windows = own_database[WINDOWS_COLLECTION]
    window = await windows.find_one()
    assert window is not None
    assert person_key("hotel-a", "anna") in window["_id"]
    assert len(window["entries"]) == 1
    ttl = [index async for index in windows.list_indexes() if "expireAfterSeconds" in index]
    assert [(dict(index["key"]), index["expireAfterSeconds"]) for index in ttl] == [
        ({"expireAt": 1}, 0)
    ]
    request_id = request.get_span_context().span_id
    commands = {
        span.name
        for span in exporter.get_finished_spans()
        if span.parent is not None and span.parent.span_id == request_id
    }
    # The count is one `update` (an upsert), made inside the request's span.
    assert f"{own_database.name}.update" in commands
