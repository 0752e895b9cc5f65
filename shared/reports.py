"""The contract between the gateway and the tickets service for the agents' tickets report.

Over a period of days in the support time zone: tickets opened and resolved, how long the
first answer and the resolution took (median and 90th percentile), and first-response
SLA breaches, per day, per importance and per account.
"""

from datetime import date, datetime

from pydantic import BaseModel, Field

from shared.people import Caller
from shared.vocabulary import Importance

# A report reads every ticket of its period: a year (a leap one too) bounds one request.
REPORT_DAYS_MAX = 366
# The accounts shown: enough to read on one screen, bounded whatever the period holds.
REPORT_ACCOUNTS_MAX = 100


class TicketsReportQuery(BaseModel):
    """The tickets report of the days from `first_day` to `last_day`, both included."""

    caller: Caller
    first_day: date
    last_day: date


class Durations(BaseModel):
    """How long something took, over the tickets it happened to, in seconds."""

    count: int = Field(description="tickets measured")
    median_seconds: float | None = Field(description="none when nothing was measured")
    p90_seconds: float | None = Field(description="90th percentile; none when nothing was")


class TicketFigures(BaseModel):
    """The figures of one group of tickets (a day, an importance, an account, or all)."""

    opened: int = Field(description="tickets created in the period (on the day)")
    resolved: int = Field(
        description="tickets resolved (or closed without being resolved) in the period and "
        "not reopened since"
    )
    first_response: Durations = Field(
        description="from creation to the first reply by support, of the tickets opened"
    )
    resolution: Durations = Field(
        description="from creation to the resolution, of the tickets resolved"
    )
    sla_breaches: int = Field(
        description="tickets opened whose first reply came after its target, or has not "
        "come and the target has passed"
    )


class DayFigures(TicketFigures):
    day: date


class ImportanceFigures(TicketFigures):
    importance: Importance


class AccountFigures(TicketFigures):
    account_id: str


class TicketsReport(BaseModel):
    first_day: date
    last_day: date
    # The period as times: midnight of the first day to midnight after the last, UTC.
    since: datetime
    until: datetime
    time_zone: str
    total: TicketFigures
    # Every day of the period and every importance, zeros included: charts need no gaps filled.
    days: list[DayFigures]
    importances: list[ImportanceFigures]
    # The accounts with the most tickets opened first, at most REPORT_ACCOUNTS_MAX.
    accounts: list[AccountFigures]
    accounts_total: int
