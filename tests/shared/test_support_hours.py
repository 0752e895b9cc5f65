"""The support-hours calendar that drives chat availability, expected answers and SLA clocks."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.support_hours import InvalidSupportHours, SupportCalendar

WARSAW = ZoneInfo("Europe/Warsaw")


def warsaw(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW)


@pytest.fixture
def calendar() -> SupportCalendar:
    return SupportCalendar.from_settings("mon-fri 08:00-17:00", "Europe/Warsaw", "PL")


def test_friday_afternoon_plus_two_hours_lands_on_monday_morning(calendar: SupportCalendar) -> None:
    due = calendar.add_business_time(warsaw(2026, 11, 27, 16, 30), timedelta(hours=2))
    assert due == warsaw(2026, 11, 30, 9, 30)


def test_open_during_hours_and_closed_at_night_and_weekend(calendar: SupportCalendar) -> None:
    assert calendar.is_open(warsaw(2026, 11, 26, 8, 0))
    assert calendar.is_open(warsaw(2026, 11, 26, 16, 59))
    assert not calendar.is_open(warsaw(2026, 11, 26, 17, 0))
    assert not calendar.is_open(warsaw(2026, 11, 26, 7, 59))
    assert not calendar.is_open(warsaw(2026, 11, 28, 12, 0))


def test_public_holiday_is_closed_and_skipped(calendar: SupportCalendar) -> None:
    # 11 November is Polish Independence Day; in 2026 it is a Wednesday.
    assert not calendar.is_open(warsaw(2026, 11, 11, 10, 0))
    assert calendar.next_open(warsaw(2026, 11, 10, 18, 0)) == warsaw(2026, 11, 12, 8, 0)
    due = calendar.add_business_time(warsaw(2026, 11, 10, 16, 0), timedelta(hours=3))
    assert due == warsaw(2026, 11, 12, 10, 0)


def test_christmas_and_new_year_are_skipped(calendar: SupportCalendar) -> None:
    # 24-26 December 2026 are holidays in Poland (Christmas Eve since 2025), then a weekend.
    assert calendar.next_open(warsaw(2026, 12, 23, 17, 30)) == warsaw(2026, 12, 28, 8, 0)


def test_dst_change_keeps_local_opening_times(calendar: SupportCalendar) -> None:
    # Clocks go forward on Sunday 29 March 2026: UTC+1 on Friday, UTC+2 on Monday.
    due = calendar.add_business_time(warsaw(2026, 3, 27, 16, 0), timedelta(hours=2))
    assert due == warsaw(2026, 3, 30, 9, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    # And back on Sunday 25 October 2026.
    due = calendar.add_business_time(warsaw(2026, 10, 23, 16, 0), timedelta(hours=2))
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_next_open_is_now_when_open(calendar: SupportCalendar) -> None:
    now = warsaw(2026, 11, 26, 10, 15)
    assert calendar.next_open(now) == now


def test_always_is_open_round_the_clock() -> None:
    calendar = SupportCalendar.from_settings("always", "Europe/Warsaw", "PL")
    sunday_night = warsaw(2026, 11, 29, 3, 0)
    assert calendar.is_open(sunday_night)
    assert calendar.next_open(sunday_night) == sunday_night
    due = calendar.add_business_time(sunday_night, timedelta(hours=30))
    assert due == sunday_night + timedelta(hours=30)


def test_several_clauses_and_no_holidays() -> None:
    calendar = SupportCalendar.from_settings(
        "mon-thu 08:00-17:00; fri 08:00-15:00", "Europe/Warsaw", "none"
    )
    assert not calendar.is_open(warsaw(2026, 11, 27, 15, 30))
    assert calendar.is_open(warsaw(2026, 11, 11, 10, 0))
    assert calendar.schedule.describe()[-1] == {"day": "fri", "open": "08:00", "close": "15:00"}


@pytest.mark.parametrize(
    ("hours", "holidays"),
    [
        ("mon-fri 17:00-08:00", "PL"),
        ("someday 08:00-17:00", "PL"),
        ("mon-fri 8-17", "PL"),
        ("fri-mon 08:00-17:00", "PL"),
        ("mon-fri 08:00-17:00", "XX"),
    ],
)
def test_bad_configuration_is_refused_with_a_reason(hours: str, holidays: str) -> None:
    with pytest.raises(InvalidSupportHours):
        SupportCalendar.from_settings(hours, "Europe/Warsaw", holidays)


def test_naive_datetimes_are_refused(calendar: SupportCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar.is_open(datetime(2026, 11, 26, 10, 0))
