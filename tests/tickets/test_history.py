"""Ticket history ("Historia powiadomień"): the account's tickets, filters, pages, unread."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from helpdesk_cli.tickets import seed_tickets
from shared.pages import TOTAL_LIMIT
from tests.support.system import Account, HelpDesk
from tests.support.tickets import history, new_ticket


@pytest.fixture
async def three_tickets(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> list[str]:
    """Faktura (new), Rezerwacja (in_progress), Faktura (resolved), oldest first."""
    anna = account.user("anna")
    first = await new_ticket(gateway, anna, "Faktura")
    second = await new_ticket(gateway, anna, "Rezerwacja")
    third = await new_ticket(gateway, account.user("piotr"), "Faktura")
    await gateway.patch(
        f"/api/v1/agent/tickets/{second}", json={"status": "in_progress"}, headers=agent
    )
    await gateway.patch(
        f"/api/v1/agent/tickets/{third}", json={"status": "resolved"}, headers=agent
    )
    return [first, second, third]


async def test_every_user_of_the_account_sees_its_tickets_newest_update_first(
    gateway: httpx.AsyncClient, account: Account, three_tickets: list[str]
) -> None:
    page = await history(gateway, account.user("someone-else"))
    items = page["items"]
    assert isinstance(items, list)
    assert [row["number"] for row in items] == [
        three_tickets[2],
        three_tickets[1],
        three_tickets[0],
    ]
    assert [row["ordinal"] for row in items] == [1, 2, 3]
    assert page["total"] == 3
    assert set(items[0]) == {
        "ordinal",
        "number",
        "subject",
        "author",
        "status",
        "importance",
        "updated_at",
        "unread",
    }


async def test_other_accounts_see_none_of_them(
    gateway: httpx.AsyncClient, other_account: Account, three_tickets: list[str]
) -> None:
    page = await history(gateway, other_account.user())
    assert page == {"items": [], "total": 0, "total_exact": True, "page": 1, "page_size": 20}


async def test_filter_by_status(
    gateway: httpx.AsyncClient, account: Account, three_tickets: list[str]
) -> None:
    page = await history(gateway, account.user(), status="resolved")
    assert [row["number"] for row in page["items"]] == [three_tickets[2]]  # type: ignore[union-attr]


async def test_filter_by_subject_lists_only_matching_tickets(
    gateway: httpx.AsyncClient, account: Account, three_tickets: list[str]
) -> None:
    page = await history(gateway, account.user(), subject="Faktura")
    assert [row["number"] for row in page["items"]] == [three_tickets[2], three_tickets[0]]  # type: ignore[union-attr]


async def test_filter_by_subject_and_status_combined(
    gateway: httpx.AsyncClient, account: Account, three_tickets: list[str]
) -> None:
    page = await history(gateway, account.user(), subject="Faktura", status="new")
    assert [row["number"] for row in page["items"]] == [three_tickets[0]]  # type: ignore[union-attr]
    none = await history(gateway, account.user(), subject="Rezerwacja", status="resolved")
    assert none["total"] == 0


async def test_filter_by_day_of_last_update_in_support_time_zone(
    gateway: httpx.AsyncClient, account: Account, three_tickets: list[str]
) -> None:
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Warsaw")).date()
    page = await history(gateway, account.user(), date=today.isoformat())
    assert page["total"] == 3
    combined = await history(
        gateway, account.user(), date=today.isoformat(), subject="Faktura", status="resolved"
    )
    assert combined["total"] == 1
    assert (await history(gateway, account.user(), date="2020-01-01"))["total"] == 0


async def test_subjects_dropdown_lists_distinct_subjects_of_the_account(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, three_tickets: list[str]
) -> None:
    await new_ticket(gateway, other_account.user(), "Tylko u innych")
    response = await gateway.get("/api/v1/tickets/subjects", headers=account.user())
    assert response.json() == ["Faktura", "Rezerwacja"]


async def test_subjects_that_look_like_numbers_stay_text(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    # Found by fuzzing: a server whose distinct answered "0" as the number 0 (a 500 here).
    for subject in ("0", "012", "1e5", "Faktura"):
        await new_ticket(gateway, account.user(), subject)
    response = await gateway.get("/api/v1/tickets/subjects", headers=account.user())
    assert response.status_code == 200, response.text
    assert response.json() == ["0", "012", "1e5", "Faktura"]


async def test_pagination_keeps_order_and_ordinals(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    numbers = [await new_ticket(gateway, account.user(), f"Temat {index}") for index in range(7)]
    first = await history(gateway, account.user(), page=1, page_size=3)
    second = await history(gateway, account.user(), page=2, page_size=3)
    third = await history(gateway, account.user(), page=3, page_size=3)
    rows = first["items"] + second["items"] + third["items"]  # type: ignore[operator]
    assert [row["number"] for row in rows] == list(reversed(numbers))
    assert [row["ordinal"] for row in rows] == list(range(1, 8))
    assert first["total"] == second["total"] == third["total"] == 7
    assert len(third["items"]) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "params",
    [
        {"date": "2026-13-45"},
        {"status": "lost"},
        {"page": 0},
        {"page_size": 1000},
        {"subject": "x" * 300},
    ],
)
async def test_bad_filters_are_422(
    gateway: httpx.AsyncClient, account: Account, params: dict[str, str | int]
) -> None:
    response = await gateway.get("/api/v1/tickets", params=params, headers=account.user())
    assert response.status_code == 422


async def test_unread_when_support_replied_after_the_user_last_opened_it(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna, "Hasło")
    assert (await history(gateway, anna))["items"][0]["unread"] is False  # type: ignore[index]
    await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies",
        data={"message": "Proszę spróbować ponownie"},
        headers=agent,
    )
    assert (await history(gateway, anna))["items"][0]["unread"] is True  # type: ignore[index]
    # Unread is per person: Piotr has not opened it either, and opening it is per person.
    piotr = account.user("piotr")
    await gateway.get(f"/api/v1/tickets/{number}", headers=anna)
    assert (await history(gateway, anna))["items"][0]["unread"] is False  # type: ignore[index]
    assert (await history(gateway, piotr))["items"][0]["unread"] is True  # type: ignore[index]


async def test_past_ten_thousand_tickets_the_total_is_a_lower_bound(
    system: HelpDesk, gateway: httpx.AsyncClient, account: Account
) -> None:
    """API.md: `total` is exact up to 10,000; beyond that 10000 with `total_exact: false`,
    so a hotel with years of tickets does not make every page count them all."""
    await seed_tickets(system.settings, TOTAL_LIMIT + 1, account.account_id, lambda _: None)
    anna = account.user("anna")

    first = await history(gateway, anna)
    assert (first["total"], first["total_exact"]) == (TOTAL_LIMIT, False)
    # The last page knows the exact number from its own rows.
    last = await history(gateway, anna, page=TOTAL_LIMIT // 20 + 1, page_size=20)
    assert (last["total"], last["total_exact"], len(last["items"])) == (TOTAL_LIMIT + 1, True, 1)  # type: ignore[arg-type]
    # A filter that matches fewer is counted exactly.
    fewer = await history(gateway, anna, subject="Temat 0")
    assert fewer["total_exact"] is True
    assert 0 < fewer["total"] < TOTAL_LIMIT  # type: ignore[operator]
