"""Rating rules as plain functions: resolutions, who may rate until when, the report's figures."""

from datetime import UTC, datetime, timedelta

import pytest

from services.tickets.domain import resolution_after
from services.tickets.rating_rules import (
    RATING_WINDOW,
    StarsOfAccount,
    ensure_may_rate,
    ensure_report_period,
    figures,
    rating_deadline,
)
from shared.errors import Conflict, Forbidden, InvalidRequest
from shared.people import Caller
from shared.ratings import REPORT_ACCOUNTS_MAX

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(days=3)
ANNA = Caller(role="user", id="anna", name="Anna", account_id="hotel")
EWA = Caller(role="agent", id="ewa", name="Ewa", account_id="support")


def test_resolving_starts_a_resolution_closing_keeps_it_reopening_ends_it() -> None:
    assert resolution_after("in_progress", "resolved", 0, None, NOW) == (1, NOW)
    assert resolution_after("resolved", "resolved", 1, EARLIER, NOW) == (1, EARLIER)
    assert resolution_after("resolved", "closed", 1, EARLIER, NOW) == (1, EARLIER)
    assert resolution_after("resolved", "in_progress", 1, EARLIER, NOW) == (1, None)
    assert resolution_after("in_progress", "closed", 1, None, NOW) == (1, None)
    assert resolution_after("closed", "resolved", 1, EARLIER, NOW) == (2, NOW)


def test_a_resolution_may_be_rated_by_users_while_it_stands_for_two_weeks() -> None:
    assert rating_deadline("resolved", EARLIER) == EARLIER + RATING_WINDOW
    assert rating_deadline("closed", EARLIER) == EARLIER + RATING_WINDOW
    assert rating_deadline("in_progress", EARLIER) is None
    assert rating_deadline("closed", None) is None
    ensure_may_rate(ANNA, "resolved", EARLIER, NOW)
    with pytest.raises(Forbidden):
        ensure_may_rate(EWA, "resolved", EARLIER, NOW)
    with pytest.raises(Conflict, match="not resolved"):
        ensure_may_rate(ANNA, "awaiting_reply", None, NOW)
    with pytest.raises(Conflict, match="passed"):
        ensure_may_rate(ANNA, "resolved", NOW - RATING_WINDOW, NOW)


def test_a_report_period_runs_forwards_and_at_most_a_year() -> None:
    ensure_report_period(NOW - timedelta(days=366), NOW)
    with pytest.raises(InvalidRequest):
        ensure_report_period(NOW, NOW)
    with pytest.raises(InvalidRequest):
        ensure_report_period(NOW - timedelta(days=367), NOW)


def test_figures_count_average_every_star_and_each_account() -> None:
    result = figures(
        [
            StarsOfAccount("hotel-a", 5, 3),
            StarsOfAccount("hotel-a", 1, 1),
            StarsOfAccount("hotel-b", 4, 2),
            StarsOfAccount("hotel-c", 2, 4),
        ]
    )

    assert (result.count, result.average) == (10, 3.2)
    assert [(row.rating, row.count) for row in result.distribution] == [
        (1, 1),
        (2, 4),
        (3, 0),
        (4, 2),
        (5, 3),
    ]
    assert [(a.account_id, a.count, a.average) for a in result.accounts] == [
        ("hotel-a", 4, 4.0),
        ("hotel-c", 4, 2.0),
        ("hotel-b", 2, 4.0),
    ]


def test_figures_of_nothing_and_of_many_accounts() -> None:
    empty = figures([])
    assert (empty.count, empty.average, empty.accounts) == (0, None, [])
    assert [row.count for row in empty.distribution] == [0] * 5
    many = figures(StarsOfAccount(f"hotel-{n:03d}", 3, 1) for n in range(REPORT_ACCOUNTS_MAX + 5))
    assert (len(many.accounts), many.accounts_total) == (
        REPORT_ACCOUNTS_MAX,
        REPORT_ACCOUNTS_MAX + 5,
    )
