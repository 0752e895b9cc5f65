"""Support hours: weekly opening times and public holidays in the support time zone.

Everything the user sees about availability (chat online/offline, when an answer can be
expected) and the SLA clocks of the ops console are computed here, so the rules live once.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLAUSE = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$"
)
# A calendar that never opens would make next_open() search forever; a year is plenty
# to cross any run of holidays.
_SEARCH_DAYS = 370


class InvalidSupportHours(ValueError):
    """The HELPDESK_SUPPORT_HOURS or HELPDESK_HOLIDAYS value cannot be understood."""


@dataclass(frozen=True)
class OpeningHours:
    open: time
    close: time


@dataclass(frozen=True)
class WeeklySchedule:
    """Opening hours per weekday (0 = Monday); `always` means round the clock."""

    days: dict[int, OpeningHours]
    always: bool = False

    @classmethod
    def parse(cls, spec: str) -> "WeeklySchedule":
        """Parse `mon-fri 08:00-17:00`, several clauses joined by `;` or `,`, or `always`."""
        text = spec.strip().lower()
        if text == "always":
            return cls(days={}, always=True)
        days: dict[int, OpeningHours] = {}
        for clause in filter(None, (c.strip() for c in re.split(r"[;,]", text))):
            match = _CLAUSE.match(clause)
            if not match:
                raise InvalidSupportHours(f"cannot read support hours clause {clause!r}")
            first = _day_index(match["first"])
            last = _day_index(match["last"] or match["first"])
            hours = OpeningHours(_parse_time(match["open"]), _parse_time(match["close"]))
            if hours.open >= hours.close:
                raise InvalidSupportHours(f"opening must be before closing in {clause!r}")
            if last < first:
                raise InvalidSupportHours(f"day range runs backwards in {clause!r}")
            for day in range(first, last + 1):
                days[day] = hours
        if not days:
            raise InvalidSupportHours("support hours name no day")
        return cls(days=days)

    def describe(self) -> list[dict[str, str]]:
        """The schedule as the Help menu shows it: one row per open weekday."""
        return [
            {
                "day": DAY_NAMES[day],
                "open": hours.open.strftime("%H:%M"),
                "close": hours.close.strftime("%H:%M"),
            }
            for day, hours in sorted(self.days.items())
        ]


def _day_index(name: str) -> int:
    try:
        return DAY_NAMES.index(name)
    except ValueError:
        raise InvalidSupportHours(f"unknown day {name!r}; use one of {DAY_NAMES}") from None


def _parse_time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return time.max
    try:
        return time(hours, minutes)
    except ValueError:
        raise InvalidSupportHours(f"not a time of day: {text!r}") from None


class SupportCalendar:
    """When support works: a weekly schedule minus public holidays, in one time zone."""

    def __init__(self, schedule: WeeklySchedule, tz: str, holiday_country: str | None) -> None:
        self.schedule = schedule
        self.tz = ZoneInfo(tz)
        self.tz_name = tz
        # The `holidays` package is kept current by its maintainers (moving feasts, new
        # statutory days), which a hand-written list would not be.
        self._holidays = (
            holiday_calendars.country_holidays(holiday_country) if holiday_country else None
        )

    @classmethod
    def from_settings(cls, support_hours: str, tz: str, holidays: str) -> "SupportCalendar":
        country = None if holidays.strip().lower() in ("", "none") else holidays.strip().upper()
        if country and country not in holiday_calendars.list_supported_countries():
            raise InvalidSupportHours(f"unknown holiday calendar {holidays!r}")
        return cls(WeeklySchedule.parse(support_hours), tz, country)

    def is_holiday(self, day: date) -> bool:
        return self._holidays is not None and day in self._holidays

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        """The opening window of a local calendar day, as aware UTC datetimes."""
        if self.schedule.always:
            start = datetime.combine(day, time.min, self.tz)
            return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
        hours = self.schedule.days.get(day.weekday())
        if hours is None or self.is_holiday(day):
            return None
        # Combining a local wall time with the zone picks the right UTC offset on DST days.
        start = datetime.combine(day, hours.open, self.tz)
        end = datetime.combine(day, hours.close, self.tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def _windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Opening windows that end after `moment`, in order, lazily."""
        local_day = moment.astimezone(self.tz).date()
        for offset in range(_SEARCH_DAYS):
            window = self._window(local_day + timedelta(days=offset))
            if window and window[1] > moment:
                yield window

    def is_open(self, moment: datetime) -> bool:
        moment = _aware(moment)
        if self.schedule.always:
            return True
        window = self._window(moment.astimezone(self.tz).date())
        return window is not None and window[0] <= moment < window[1]

    def next_open(self, moment: datetime) -> datetime:
        """The moment support is next open: `moment` itself when open now."""
        moment = _aware(moment)
        for start, _end in self._windows_from(moment):
            return max(start, moment)
        raise InvalidSupportHours("support is never open within a year")

    def add_business_time(self, moment: datetime, duration: timedelta) -> datetime:
        """The moment when `duration` of support time has passed after `moment`."""
        moment = _aware(moment)
        remaining = duration
        if remaining <= timedelta(0):
            return moment
        for start, end in self._windows_from(moment):
            start = max(start, moment)
            if start + remaining <= end:
                return start + remaining
            remaining -= end - start
        raise InvalidSupportHours("the duration does not fit in a year of support hours")


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("support-hours arithmetic needs an aware datetime")
    return moment.astimezone(UTC)
