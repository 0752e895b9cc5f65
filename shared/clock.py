"""The one clock of every process, and the precision the database keeps of a moment."""

from collections.abc import Callable
from datetime import UTC, datetime

# Injected where a rule depends on the time, so tests can pass a clock of their own.
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def stored_precision(moment: datetime) -> datetime:
    """`moment` as BSON keeps it (milliseconds), so a reply equals what a later read finds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def stored_utcnow() -> datetime:
    """Now, as the database will store it: the clock of services that answer what they wrote."""
    return stored_precision(utcnow())
