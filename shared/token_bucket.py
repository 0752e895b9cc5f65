"""A token bucket: a burst at once, then a steady rate; the chat service's and the gateway's."""

from dataclasses import dataclass
from datetime import datetime


@dataclass
class TokenBucket:
    """Allows `burst` actions at once, refilled at `per_minute`; cheap enough per chat side."""

    per_minute: int
    burst: int
    tokens: float
    updated: datetime

    @classmethod
    def full(cls, per_minute: int, burst: int, now: datetime) -> "TokenBucket":
        return cls(per_minute, burst, float(burst), now)

    def _refill(self, now: datetime) -> None:
        elapsed = max((now - self.updated).total_seconds(), 0.0)
        self.tokens = min(self.burst, self.tokens + elapsed * self.per_minute / 60)
        self.updated = now

    def take(self, now: datetime) -> bool:
        self._refill(now)
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def is_full(self, now: datetime) -> bool:
        self._refill(now)
        return self.tokens >= self.burst
