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


class RateLimiter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, limit: Limit, who: Caller) -> None:
        if not self.enabled:
            return
        item: RateLimitItem = parse(limit.rate)
        if not self._limiter.hit(item, limit.action, who.person_key):
            raise RateLimited(f"too many requests ({limit.rate}); please wait a moment", limit.code)
