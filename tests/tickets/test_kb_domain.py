"""The knowledge base feedback's rules: ISO weeks in the support time zone, and which
articles count as opened before a ticket."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.tickets.knowledge.domain import (
    OPENED_BEFORE_TICKET,
    counts_as_reader,
    iso_week,
    opened_before,
    recent_weeks,
)
from shared.people import Caller

WARSAW = ZoneInfo("Europe/Warsaw")


def test_the_week_is_the_iso_week_in_the_support_time_zone() -> None:
    # Sunday 23:30 UTC is already Monday in Warsaw: the next ISO week.
    assert iso_week(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), WARSAW) == "2026-W49"
    assert iso_week(datetime(2026, 11, 29, 22, 30, tzinfo=UTC), WARSAW) == "2026-W48"
    # 1 January 2027 is a Friday: ISO week 53 of 2026.
    assert iso_week(datetime(2027, 1, 1, 12, tzinfo=UTC), WARSAW) == "2026-W53"


def test_recent_weeks_come_newest_first() -> None:
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    assert recent_weeks(now, WARSAW, 3) == ["2026-W49", "2026-W48", "2026-W47"]


def test_only_articles_opened_within_the_window_before_the_ticket_count() -> None:
    ticket_at = datetime(2026, 12, 2, 12, tzinfo=UTC)
    opened = {
        "read-just-before": ticket_at - timedelta(minutes=2),
        "read-at-the-edge": ticket_at - OPENED_BEFORE_TICKET,
        "read-in-the-morning": ticket_at - OPENED_BEFORE_TICKET - timedelta(seconds=1),
        "read-after": ticket_at + timedelta(seconds=1),
    }
    assert opened_before(opened, ticket_at) == ["read-at-the-edge", "read-just-before"]


def test_only_users_readings_measure_the_content() -> None:
    user = Caller(role="user", id="anna", name="Anna", account_id="hotel")
    assert counts_as_reader(user)
    assert not counts_as_reader(user.model_copy(update={"role": "agent"}))
