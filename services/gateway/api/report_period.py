"""The period an agents' report covers, as its query names it: `from` and `to`, calendar
days in the support time zone, `to` included; by default the last 30 days, today included."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query

from services.gateway.deps import Calendar
from shared.tickets import CalendarDay

DEFAULT_REPORT_DAYS = 30


@dataclass(frozen=True)
class ReportDays:
    first: date
    last: date


async def report_days(
    calendar: Calendar,
    first_day: Annotated[
        CalendarDay | None,
        Query(
            alias="from", description="first day (support time zone); default 29 days before `to`"
        ),
    ] = None,
    last_day: Annotated[
        CalendarDay | None, Query(alias="to", description="last day, included; default today")
    ] = None,
) -> ReportDays:
    """The days asked for; the services refuse a period that ends before it starts or is
    longer than a report covers (422)."""
    last = last_day or datetime.now(calendar.tz).date()
    first = first_day or last - timedelta(days=DEFAULT_REPORT_DAYS - 1)
    return ReportDays(first, last)


Period = Annotated[ReportDays, Depends(report_days)]
