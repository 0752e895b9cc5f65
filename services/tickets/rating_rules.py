"""Satisfaction-rating rules: who may rate a ticket and until when, and a report's figures
from the counts the store groups. No I/O."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.errors import Conflict, Forbidden, InvalidRequest
from shared.people import Caller
from shared.ratings import REPORT_ACCOUNTS_MAX, STARS_MAX, STARS_MIN, AccountRatings, StarCount
from shared.vocabulary import TicketStatus

# Long enough for someone back from a week off to answer the pop-up (it can be snoozed),
# short enough that the rating still speaks of that resolution.
RATING_WINDOW = timedelta(days=14)
RATEABLE_STATUSES: frozenset[TicketStatus] = frozenset({"resolved", "closed"})
# A report reads what was rated in its period: a year bounds the work of one request.
REPORT_PERIOD_MAX = timedelta(days=366)


def rating_deadline(status: TicketStatus, resolved_at: datetime | None) -> datetime | None:
    """Until when the resolution that stands may be rated (and its rating changed); none
    when no resolution stands (never resolved, or reopened since)."""
    if status not in RATEABLE_STATUSES or resolved_at is None:
        return None
    return resolved_at + RATING_WINDOW


def ensure_may_rate(
    caller: Caller, status: TicketStatus, resolved_at: datetime | None, now: datetime
) -> None:
    """Users of the ticket's account rate a resolution while it stands; support never rates."""
    if caller.role != "user":
        raise Forbidden("only the users of the ticket's account rate it", "users_only")
    deadline = rating_deadline(status, resolved_at)
    if deadline is None:
        raise Conflict(
            "this ticket is not resolved; it can be rated once support resolves it",
            "ticket_not_resolved",
        )
    if now >= deadline:
        raise Conflict("the time to rate this resolution has passed", "rating_period_over")


def ensure_report_period(since: datetime, until: datetime) -> None:
    if until <= since:
        raise InvalidRequest("the period ends before it starts", "period_invalid")
    if until - since > REPORT_PERIOD_MAX:
        raise InvalidRequest("a report covers at most 366 days", "period_too_long")


@dataclass(frozen=True)
class StarsOfAccount:
    """How many ratings of `rating` stars one account gave: a row of the store's grouping."""

    account_id: str
    rating: int
    count: int


@dataclass(frozen=True)
class Figures:
    count: int
    average: float | None
    distribution: list[StarCount]
    accounts: list[AccountRatings]
    accounts_total: int


def figures(rows: Iterable[StarsOfAccount]) -> Figures:
    """Count, average, every star's count and each account's, from the grouped counts."""
    stars: Counter[int] = Counter()
    per_account: dict[str, Counter[int]] = {}
    for row in rows:
        stars[row.rating] += row.count
        per_account.setdefault(row.account_id, Counter())[row.rating] += row.count
    accounts = sorted(
        (
            AccountRatings(
                account_id=account_id, count=counts.total(), average=_average(counts) or 0.0
            )
            for account_id, counts in per_account.items()
        ),
        key=lambda account: (-account.count, account.account_id),
    )
    return Figures(
        count=stars.total(),
        average=_average(stars),
        distribution=[
            StarCount(rating=rating, count=stars[rating])
            for rating in range(STARS_MIN, STARS_MAX + 1)
        ],
        accounts=accounts[:REPORT_ACCOUNTS_MAX],
        accounts_total=len(accounts),
    )


def _average(stars: Counter[int]) -> float | None:
    total = stars.total()
    if not total:
        return None
    return round(sum(rating * count for rating, count in stars.items()) / total, 2)
