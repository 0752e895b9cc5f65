"""Rules of the knowledge base's feedback: which readings count, ISO weeks, what links an
article to a ticket."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shared.people import Caller

# An article read this long before a ticket is taken as what the person tried first. Half
# an hour covers reading a few articles and writing the ticket; a longer window would link
# tickets about something else read in the morning.
OPENED_BEFORE_TICKET = timedelta(minutes=30)


def counts_as_reader(caller: Caller) -> bool:
    """Only users' readings and votes measure the content; agents open articles to check
    or to send a link, which says nothing about whether the article helps."""
    return caller.role == "user"


def iso_week(moment: datetime, zone: ZoneInfo) -> str:
    """`2026-W49`: the ISO week of `moment` in the support time zone, the week agents
    plan in (a Monday 00:30 in Warsaw is still Sunday in UTC)."""
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def recent_weeks(now: datetime, zone: ZoneInfo, count: int) -> list[str]:
    """The ISO weeks of the last `count` weeks, this one first."""
    return [iso_week(now - timedelta(weeks=back), zone) for back in range(count)]


def opened_before(opened: Mapping[str, datetime], ticket_at: datetime) -> list[str]:
    """The articles opened within OPENED_BEFORE_TICKET before a ticket written at `ticket_at`."""
    since = ticket_at - OPENED_BEFORE_TICKET
    return sorted(slug for slug, at in opened.items() if since <= at <= ticket_at)
