"""Per-person rate limits on the actions that create work for support, shared by every gateway.

`limits` is a maintained implementation of moving-window counting (the same engine as
slowapi). The decisive count is kept in MongoDB, which every gateway already uses, with
the library's own async storage (motor): a person's window is one document holding the
times of their last requests, updated with one atomic `$push`/`$slice` upsert that
refuses when the window is full, and removed by a TTL index. So with any number of
gateways a person gets the limit once, not once per gateway. Checked against the local
server and two gateway processes (tests/gateway/test_rate_limits.py). Not RabbitMQ: it
has no atomic read-and-count a request could wait on.

A person is a user id within an account: host applications' ids are unique only per hotel.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MongoDBStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter as SharedWindows
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter as LocalWindows
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry, Counter

from shared.errors import RateLimited
from shared.people import Caller
from shared.settings import Settings
from shared.tracing import database_listeners

logger = logging.getLogger("helpdesk.gateway.ratelimit")

# `hit` (count one) or `test` (is there room?), asked of the shared windows for a person.
SharedQuestion = Callable[[SharedWindows, RateLimitItem, str, str], Awaitable[bool]]

# The library's collections in the help desk's database: it keeps moving windows in the
# first and creates the second (fixed-window counters, unused here) with its TTL index.
WINDOWS_COLLECTION = "rate_limit_windows"
COUNTERS_COLLECTION = "rate_limit_counters"
# A client of the limiter's own, failing faster than the gateway's other database calls
# (shared/database.py, 3 s): a limit check must not hold a request long when the
# database is away, since this instance's own count then decides (see `RateLimiter`).
STORE_TIMEOUT_MS = 1500
# After a failure the shared store is left alone this long: one request in that time
# pays the timeout, not every request.
STORE_RETRY_SECONDS = 5.0


def shared_store(
    settings: Settings, tracer_provider: TracerProvider | None = None
) -> MongoDBStorage:
    """The shared count: MongoDB through `limits`' async storage (motor)."""
    return MongoDBStorage(
        settings.mongo_url.replace("mongodb", "async+mongodb", 1),
        database_name=settings.mongo_db,
        window_collection_name=WINDOWS_COLLECTION,
        counter_collection_name=COUNTERS_COLLECTION,
        # Any driver error becomes `limits.errors.StorageError`, the one the limiter catches.
        wrap_exceptions=True,
        serverSelectionTimeoutMS=STORE_TIMEOUT_MS,
        connectTimeoutMS=STORE_TIMEOUT_MS,
        socketTimeoutMS=2 * STORE_TIMEOUT_MS,
        # A limit check shows in the request's trace like the gateway's other database calls.
        # The library types its pass-through client options as scalars; motor takes these.
        event_listeners=database_listeners(tracer_provider),  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Limit:
    action: str
    rate: str
    # The refusal's stable code, for clients to translate.
    code: str

    async def __call__(self) -> None:
        """As a route's dependency, the limit it counts, declared where the body guard
        reads it: a caller already over it is refused before the body is read. The
        endpoint still counts the request itself, after validating it."""


class RateLimiter:
    """Counts in the shared store; this instance's own count is a pre-filter and the
    fallback.

    The own count holds only requests the shared count accepted (or, while the store is
    away, that it accepted itself), so it never exceeds the person's true count: a person
    over the limit here alone is refused without asking the database. When the database
    does not answer, the limit fails open to the own count (each gateway bounds the person
    by the limit, as before limits were shared) rather than refusing everyone with 503: the
    chat files it guards need no database, and a ticket's own write reports an outage.
    """

    def __init__(self, enabled: bool, store: Storage, registry: CollectorRegistry) -> None:
        self.enabled = enabled
        self._shared = SharedWindows(store)
        self._local = LocalWindows(MemoryStorage())
        self._retry_at = 0.0
        self._fallbacks = Counter(
            "helpdesk_rate_limit_fallbacks",
            "Rate-limit checks this gateway decided alone: the shared store did not answer",
            ["action"],
            registry=registry,
        )

    async def check(self, limit: Limit, who: Caller) -> None:
        """Count one request; refuse it if the person is over the limit."""
        if not self.enabled:
            return
        counted = await self._answer(limit, who, SharedWindows.hit)
        if counted is False:
            raise _refusal(limit)
        # Counted here too: for the pre-filter, and to decide while the store is away.
        counted_here = self._local.hit(parse(limit.rate), limit.action, who.person_key)
        if counted is None and not counted_here:
            raise _refusal(limit)

    async def ensure_room(self, limit: Limit, who: Caller) -> None:
        """Refuse a person already over the limit, counting nothing."""
        if self.enabled and await self._answer(limit, who, SharedWindows.test) is False:
            raise _refusal(limit)

    async def _answer(self, limit: Limit, who: Caller, question: SharedQuestion) -> bool | None:
        """The pre-filter's refusal, else the shared count's answer to `question`, else
        (the store away) None: this instance decides."""
        item = parse(limit.rate)
        if not self._local.test(item, limit.action, who.person_key):
            return False
        if time.monotonic() >= self._retry_at:
            try:
                return await question(self._shared, item, limit.action, who.person_key)
            except StorageError as error:
                self._retry_at = time.monotonic() + STORE_RETRY_SECONDS
                logger.warning(
                    "rate limits counted per gateway: the shared store does not answer",
                    extra={
                        "event": "rate_limit_store_unavailable",
                        "action": limit.action,
                        "error": type(error.storage_error).__name__,
                        "retry_seconds": STORE_RETRY_SECONDS,
                    },
                )
        self._fallbacks.labels(limit.action).inc()
        return None


def _refusal(limit: Limit) -> RateLimited:
    return RateLimited(f"too many requests ({limit.rate}); please wait a moment", limit.code)
