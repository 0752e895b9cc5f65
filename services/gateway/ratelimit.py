"""Per-user rate limits on the actions that create work for support.

`limits` is a maintained implementation of moving-window counting (the same engine as
slowapi); in-memory storage is per gateway instance, which bounds a client per instance.
"""

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from shared.errors import RateLimited


class RateLimiter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, action: str, who: str, limit: str) -> None:
        if not self.enabled:
            return
        item: RateLimitItem = parse(limit)
        if not self._limiter.hit(item, action, who):
            raise RateLimited(f"too many requests ({limit}); please wait a moment")
