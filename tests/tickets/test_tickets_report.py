"""The agents' tickets report: its figures computed here, independently, from tickets of
known times and compared with the gateway's answer; the times it needs kept by a ticket's
own changes; the period's bounds; the CSV download."""

import codecs
import csv
import io
import math
import random
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from motor.motor_asyncio import AsyncIOMotorDatabase

from services.tickets.store import TicketStore
from shared.vocabulary import IMPORTANCES
from tests.support.reports import Known
from tests.support.system import Account
from tests.support.tickets import new_ticket

WARSAW = ZoneInfo("Europe/Warsaw")
# Days no other test writes in (they all write now), so the report's every figure is this
# test's; they span the change to summer time (2021-03-28: that day has 23 hours).
FIRST_DAY, LAST_DAY = date(2021, 3, 22), date(2021, 4, 4)
REPORT = "/api/v1/agent/reports/tickets"
# The seeded tickets' accounts; one named as a spreadsheet would run it as a formula.
FORMULA_ACCOUNT = '=SUM(1,2) "hotel", Kraków'


def known_tickets(accounts: list[str], count: int) -> list[Known]:
    """Tickets from 3 days before the period to 2 after, answered or not, by support or the
    user, resolved, closed without resolution, or reopened; whole seconds (dates are ms)."""
    rng = random.Random(19)
    start = datetime(2021, 3, 19, tzinfo=WARSAW).astimezone(UTC)
    tickets = []
    for _ in range(count):
        created = start + timedelta(seconds=rng.randrange(0, 19 * 86400))
        replies, at = [], created
        for _ in range(rng.randrange(0, 4)):
            at += timedelta(seconds=rng.randrange(60, 30 * 3600))
            replies.append((rng.choice(["agent", "agent", "user"]), at))
        done = at + timedelta(seconds=rng.randrange(60, 3 * 86400))
        ending = rng.choice(["resolved", "resolved and closed", "closed", "open"])
        tickets.append(
            Known(
                account_id=rng.choice(accounts),
                importance=rng.choice(IMPORTANCES),
                created_at=created,
                replies=replies,
                resolved_at=done if ending.startswith("resolved") else None,
                closed_at=(done + timedelta(hours=5)) if "closed" in ending else None,
                # Tickets stored before the target was kept have none.
                first_response_due_at=(
                    created + timedelta(seconds=rng.randrange(1800, 20 * 3600))
                    if rng.random() < 0.85
                    else None
                ),
            )
        )
    # On the period's edges, local time: the first second and the last of the period.
    first_second = datetime(2021, 3, 22, tzinfo=WARSAW).astimezone(UTC)
    last_second = datetime(2021, 4, 5, tzinfo=WARSAW).astimezone(UTC) - timedelta(seconds=1)
    tickets += [Known(accounts[0], "high", first_second), Known(accounts[0], "low", last_second)]
    return tickets


def nearest_rank(values: list[float], share: float) -> float | None:
    """The percentile as MongoDB's discrete method takes it: the smallest value with at
    least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def local_day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    day = moment.astimezone(WARSAW).date()
    return day if FIRST_DAY <= day <= LAST_DAY else None


def expected_figures(tickets: Iterable[Known], now: datetime) -> dict[str, Any]:
    tickets = list(tickets)
    opened = [t for t in tickets if local_day(t.created_at)]
    resolved = [t for t in tickets if local_day(t.done_at)]
    first_responses = [
        (t.first_reply_at - t.created_at).total_seconds() for t in opened if t.first_reply_at
    ]
    resolutions = [(t.done_at - t.created_at).total_seconds() for t in resolved if t.done_at]
    return {
        "opened": len(opened),
        "resolved": len(resolved),
        "first_response": durations(first_responses),
        "resolution": durations(resolutions),
        "sla_breaches": sum(t.breached(now) for t in opened),
    }


def durations(seconds: list[float]) -> dict[str, Any]:
    return {
        "count": len(seconds),
        "median_seconds": nearest_rank(seconds, 0.5),
        "p90_seconds": nearest_rank(seconds, 0.9),
    }


def grouped(
    tickets: list[Known], key: Callable[[Known, str], Any], now: datetime
) -> dict[Any, dict[str, Any]]:
    """The expected figures per group: a ticket opened in one group may be resolved in
    another (a day), so each kind of event picks its own tickets."""
    keys = {key(t, moment) for t in tickets for moment in ("created", "done")} - {None}
    return {
        group: {
            **expected_figures([t for t in tickets if key(t, "created") == group], now),
            **{
                name: value
                for name, value in expected_figures(
                    [t for t in tickets if key(t, "done") == group], now
                ).items()
                if name in ("resolved", "resolution")
            },
        }
        for group in keys
    }


def by_day(ticket: Known, moment: str) -> date | None:
    return local_day(ticket.created_at if moment == "created" else ticket.done_at)


def figures_of(row: dict[str, Any]) -> dict[str, Any]:
    return {
        name: row[name]
        for name in ("opened", "resolved", "first_response", "resolution", "sla_breaches")
    }


async def report(gateway: httpx.AsyncClient, agent: dict[str, str], **params: str) -> Any:
    response = await gateway.get(REPORT, params=params, headers=agent)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_report_counts_what_the_tickets_times_say(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    accounts = [account.account_id, other_account.account_id, FORMULA_ACCOUNT]
    tickets = known_tickets(accounts, 80)
    await TicketStore(database).insert_seeded([t.stored() for t in tickets])
    now = datetime.now(UTC)

    body = await report(gateway, agent, **{"from": "2021-03-22", "to": "2021-04-04"})

    assert (body["first_day"], body["last_day"], body["time_zone"]) == (
        "2021-03-22",
        "2021-04-04",
        "Europe/Warsaw",
    )
    # Midnight in Warsaw: winter time at the start, summer time after the end.
    assert (body["since"], body["until"]) == ("2021-03-21T23:00:00Z", "2021-04-04T22:00:00Z")
    assert figures_of(body["total"]) == expected_figures(tickets, now)
    days = grouped(tickets, by_day, now)
    assert [row["day"] for row in body["days"]] == [
        (FIRST_DAY + timedelta(days=n)).isoformat() for n in range(14)
    ]
    for row in body["days"]:
        assert figures_of(row) == days.get(
            date.fromisoformat(row["day"]), expected_figures([], now)
        ), row["day"]
    in_period = [t for t in tickets if local_day(t.created_at) or local_day(t.done_at)]
    importances = grouped(in_period, lambda t, m: by_day(t, m) and t.importance, now)
    assert [row["importance"] for row in body["importances"]] == list(IMPORTANCES)
    for row in body["importances"]:
        assert figures_of(row) == importances[row["importance"]], row["importance"]
    per_account = grouped(in_period, lambda t, m: by_day(t, m) and t.account_id, now)
    assert body["accounts_total"] == len(per_account) == 3
    assert {row["account_id"]: figures_of(row) for row in body["accounts"]} == per_account
    opened_order = [
        (-row["opened"], -row["resolved"], row["account_id"]) for row in body["accounts"]
    ]
    assert opened_order == sorted(opened_order)
    assert body["total"]["sla_breaches"] > 0
    assert 0 < body["total"]["resolution"]["count"] < body["total"]["resolved"] + 1

    response = await gateway.get(
        f"{REPORT}.csv", params={"from": "2021-03-22", "to": "2021-04-04"}, headers=agent
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="tickets-report-2021-03-22-2021-04-04.csv"'
    )
    # A byte order mark first, for Excel.
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["group"] for row in rows] == ["total"] + ["day"] * 14 + ["importance"] * 4 + [
        "account"
    ] * 3
    total = rows[0]
    assert (total["key"], int(total["opened"]), int(total["resolved"])) == (
        "2021-03-22/2021-04-04",
        body["total"]["opened"],
        body["total"]["resolved"],
    )
    assert total["first_response_median_hours"] == (
        f"{body['total']['first_response']['median_seconds'] / 3600:.2f}"
    )
    # Quoted as one cell, and written as text so a spreadsheet does not run it.
    formula = next(row for row in rows if row["key"].startswith("'"))
    assert formula["key"] == "'" + FORMULA_ACCOUNT
    assert '"\'=SUM(1,2) ""hotel"", Kraków"' in response.text


async def test_a_tickets_answer_resolution_and_closing_are_counted_from_now_on(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    user = account.user()
    number = await new_ticket(gateway, user, importance="critical")
    created = await database["tickets"].find_one({"_id": number})
    assert created is not None
    assert created["first_response_due_at"] == created["sla_due_at"]
    response = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies", data={"message": "Sprawdzamy."}, headers=agent
    )
    assert response.status_code == 201, response.text
    for status in ("resolved", "closed"):
        response = await gateway.patch(
            f"/api/v1/agent/tickets/{number}", json={"status": status}, headers=agent
        )
        assert response.status_code == 200, response.text

    stored = await database["tickets"].find_one({"_id": number})
    assert stored is not None
    assert stored["first_response_due_at"] == created["first_response_due_at"]
    assert stored["resolved_at"] <= stored["closed_at"]
    body = await report(gateway, agent)
    mine = next(row for row in body["accounts"] if row["account_id"] == account.account_id)
    assert (mine["opened"], mine["resolved"], mine["sla_breaches"]) == (1, 1, 0)
    assert mine["first_response"]["count"] == mine["resolution"]["count"] == 1
    reply_at = stored["messages"][1]["created_at"]
    assert mine["first_response"]["median_seconds"] == pytest.approx(
        (reply_at - stored["created_at"]).total_seconds(), abs=0.001
    )
    assert mine["resolution"]["median_seconds"] == pytest.approx(
        (stored["resolved_at"] - stored["created_at"]).total_seconds(), abs=0.001
    )

    # Reopened: neither resolved nor closed any more.
    response = await gateway.patch(
        f"/api/v1/agent/tickets/{number}", json={"status": "in_progress"}, headers=agent
    )
    assert response.status_code == 200, response.text
    reopened = await database["tickets"].find_one({"_id": number})
    assert reopened is not None
    assert (reopened["resolved_at"], reopened["closed_at"]) == (None, None)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-03-02", "to": "2026-03-01"}, "period_invalid"),
        ({"from": "2025-01-01", "to": "2026-01-02"}, "period_too_long"),
        ({"from": "2026-02-30"}, "date_invalid"),
        ({"to": "yesterday"}, "date_invalid"),
    ],
)
async def test_a_period_the_report_does_not_cover_is_refused(
    gateway: httpx.AsyncClient, agent: dict[str, str], params: dict[str, str], code: str
) -> None:
    for path in (REPORT, f"{REPORT}.csv"):
        response = await gateway.get(path, params=params, headers=agent)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == code


async def test_a_year_and_a_day_is_covered_and_the_default_is_the_last_30_days(
    gateway: httpx.AsyncClient, agent: dict[str, str]
) -> None:
    leap_year = await report(gateway, agent, **{"from": "2024-01-01", "to": "2024-12-31"})
    assert len(leap_year["days"]) == 366
    # 366 days and one hour: the clocks went back twice (two Octobers), forward once.
    two_autumns = await report(gateway, agent, **{"from": "2025-10-26", "to": "2026-10-26"})
    assert len(two_autumns["days"]) == 366
    default = await report(gateway, agent)
    today = datetime.now(WARSAW).date()
    assert (default["first_day"], default["last_day"]) == (
        (today - timedelta(days=29)).isoformat(),
        today.isoformat(),
    )
    assert len(default["days"]) == 30
    assert {row["importance"] for row in default["importances"]} == set(IMPORTANCES)
