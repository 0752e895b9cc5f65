"""Per-person rate limits on the actions that create work for support.

`limits` is a maintained implementation of moving-window counting (the same engine as
slowapi); in-memory storage is per gateway instance, which bounds a client per instance.
A person is a user id within an account: host applications' ids are unique only per hotel.
"""

from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from shared.errors import RateLimited
from shared.people import Caller


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
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, limit: Limit, who: Caller) -> None:
        """Count one request; refuse it if the person is over the limit."""
        if self.enabled and not self._limiter.hit(parse(limit.rate), limit.action, who.person_key):
            raise _refusal(limit)

    def ensure_room(self, limit: Limit, who: Caller) -> None:
        """Refuse a person already over the limit, counting nothing."""
        item: RateLimitItem = parse(limit.rate)
        if self.enabled and not self._limiter.test(item, limit.action, who.person_key):
            raise _refusal(limit)


def _refusal(limit: Limit) -> RateLimited:
    return RateLimited(f"too many requests ({limit.rate}); please wait a moment", limit.code)
