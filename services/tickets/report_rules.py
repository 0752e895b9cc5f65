"""Tickets-report rules: the period, and the report's figures from the groups the store
counts. No I/O."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from shared.errors import InvalidRequest
from shared.reports import (
    REPORT_ACCOUNTS_MAX,
    REPORT_DAYS_MAX,
    AccountFigures,
    DayFigures,
    Durations,
    ImportanceFigures,
    TicketFigures,
    TicketsReport,
)
from shared.vocabulary import IMPORTANCES


@dataclass(frozen=True)
class Percentiles:
    """The median and 90th percentile of a group's times, in milliseconds as the store
    measures them; none when the group measured nothing."""

    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class Opened:
    """Tickets opened in the period, of one group: how many, how soon support first
    answered those it answered, and how many breached their first-response target."""

    opened: int = 0
    answered: int = 0
    first_response: Percentiles = Percentiles()
    sla_breaches: int = 0


@dataclass(frozen=True)
class Resolved:
    """Tickets resolved in the period, of one group, and how long they took."""

    resolved: int = 0
    resolution: Percentiles = Percentiles()


T = TypeVar("T", Opened, Resolved)


@dataclass
class Groups(Generic[T]):
    """One figure of each group: all tickets, each day (support time zone), importance and
    account; a group without tickets is missing."""

    total: T | None = None
    days: dict[date, T] = field(default_factory=dict)
    importances: dict[str, T] = field(default_factory=dict)
    accounts: dict[str, T] = field(default_factory=dict)


def period(first_day: date, last_day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Midnight of the first day to midnight after the last where support works, in UTC;
    refused when it ends before it starts or is longer than a report covers. Counted in
    days, not hours: a year from one October to the next has two autumn clock changes."""
    if last_day < first_day:
        raise InvalidRequest("the period ends before it starts", "period_invalid")
    if len(days_of(first_day, last_day)) > REPORT_DAYS_MAX:
        raise InvalidRequest(f"a report covers at most {REPORT_DAYS_MAX} days", "period_too_long")
    return _midnight(first_day, tz), _midnight(last_day + timedelta(days=1), tz)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tz).astimezone(UTC)


def days_of(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def figures(opened: Opened | None, resolved: Resolved | None) -> TicketFigures:
    """One group's figures, in seconds, from what the store counted of it."""
    opened, resolved = opened or Opened(), resolved or Resolved()
    return TicketFigures(
        opened=opened.opened,
        resolved=resolved.resolved,
        first_response=_durations(opened.answered, opened.first_response),
        resolution=_durations(resolved.resolved, resolved.resolution),
        sla_breaches=opened.sla_breaches,
    )


def _durations(count: int, milliseconds: Percentiles) -> Durations:
    def seconds(value: float | None) -> float | None:
        return None if value is None or not count else round(value / 1000, 3)

    return Durations(
        count=count,
        median_seconds=seconds(milliseconds.median),
        p90_seconds=seconds(milliseconds.p90),
    )


def report(
    first_day: date,
    last_day: date,
    bounds: tuple[datetime, datetime],
    time_zone: str,
    opened: Groups[Opened],
    resolved: Groups[Resolved],
) -> TicketsReport:
    """The whole report: every day and importance (zeros included), the accounts with the
    most tickets opened first (then resolved), at most REPORT_ACCOUNTS_MAX."""
    accounts = sorted(
        (
            AccountFigures(
                account_id=account_id,
                **figures(
                    opened.accounts.get(account_id), resolved.accounts.get(account_id)
                ).model_dump(),
            )
            for account_id in opened.accounts.keys() | resolved.accounts.keys()
        ),
        key=lambda row: (-row.opened, -row.resolved, row.account_id),
    )
    return TicketsReport(
        first_day=first_day,
        last_day=last_day,
        since=bounds[0],
        until=bounds[1],
        time_zone=time_zone,
        total=figures(opened.total, resolved.total),
        days=[
            DayFigures(
                day=day, **figures(opened.days.get(day), resolved.days.get(day)).model_dump()
            )
            for day in days_of(first_day, last_day)
        ],
        importances=[
            ImportanceFigures(
                importance=importance,
                **figures(
                    opened.importances.get(importance), resolved.importances.get(importance)
                ).model_dump(),
            )
            for importance in IMPORTANCES
        ],
        accounts=accounts[:REPORT_ACCOUNTS_MAX],
        accounts_total=len(accounts),
    )
