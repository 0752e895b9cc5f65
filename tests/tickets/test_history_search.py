"""History search: words of a ticket's subject or messages find it in the account's history,
in any case, with or without Polish diacritics, in another inflection; with the other
filters and pages; never another account's ticket."""

from typing import Any

import httpx
import pytest

from services.tickets.search import SEARCH_VERSION, TERMS_MAX, ticket_terms
from services.tickets.store import SEARCH_TERMS, SEARCH_VERSION_FIELD, TicketStore
from tests.support.system import Account
from tests.support.tickets import history, new_ticket, reply


def numbers(page: dict[str, object]) -> list[str]:
    items = page["items"]
    assert isinstance(items, list)
    return [row["number"] for row in items]


@pytest.fixture
async def printer_and_invoice(gateway: httpx.AsyncClient, account: Account) -> list[str]:
    """A ticket about a printer (in its message) and one about an invoice (in its subject)."""
    anna = account.user("anna")
    printer = await new_ticket(
        gateway, anna, "Nie działa wydruk", message="Recepcja nie drukuje: problem z drukarką."
    )
    invoice = await new_ticket(gateway, anna, "Faktura za marzec", message="Prosimy o korektę.")
    return [printer, invoice]


async def test_a_word_of_the_subject_finds_the_ticket(
    gateway: httpx.AsyncClient, account: Account, printer_and_invoice: list[str]
) -> None:
    page = await history(gateway, account.user(), q="faktura")
    assert numbers(page) == [printer_and_invoice[1]]
    assert page["total"] == 1 and page["total_exact"] is True


async def test_a_word_of_a_message_finds_the_ticket_in_another_form_without_diacritics(
    gateway: httpx.AsyncClient, account: Account, printer_and_invoice: list[str]
) -> None:
    # The message says "drukarką"; the user types the dictionary form without the ogonek.
    for query in ("drukarka", "DRUKARKĄ", "drukarke", "Drukarki"):
        page = await history(gateway, account.user(), q=query)
        assert numbers(page) == [printer_and_invoice[0]], query


async def test_every_word_must_be_found_somewhere_in_the_ticket(
    gateway: httpx.AsyncClient, account: Account, printer_and_invoice: list[str]
) -> None:
    # "wydruk" is in the subject, "recepcja" in the message: both are the printer ticket's.
    assert numbers(await history(gateway, account.user(), q="wydruk recepcji")) == [
        printer_and_invoice[0]
    ]
    assert numbers(await history(gateway, account.user(), q="faktura drukarka")) == []


async def test_a_reply_is_searched_too_and_a_new_subject_replaces_the_old(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    printer_and_invoice: list[str],
) -> None:
    invoice = printer_and_invoice[1]
    answered = await reply(gateway, invoice, agent, "Korekta została wystawiona.", agent=True)
    assert answered.status_code == 201, answered.text
    assert numbers(await history(gateway, account.user(), q="wystawiona")) == [invoice]
    changed = await gateway.patch(
        f"/api/v1/agent/tickets/{invoice}", json={"subject": "Rozliczenie"}, headers=agent
    )
    assert changed.status_code == 200, changed.text
    assert numbers(await history(gateway, account.user(), q="rozliczenia")) == [invoice]
    assert numbers(await history(gateway, account.user(), q="marzec")) == []


async def test_other_accounts_tickets_are_never_found(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    printer_and_invoice: list[str],
) -> None:
    theirs = await new_ticket(gateway, other_account.user(), "Faktura", message="Drukarka")
    for query in ("faktura", "drukarka", theirs):
        page = await history(gateway, other_account.user(), q=query)
        assert numbers(page) == [theirs], query
        assert theirs not in numbers(await history(gateway, account.user(), q=query))
    assert numbers(await history(gateway, account.user(), q="faktura")) == [printer_and_invoice[1]]


async def test_search_combines_with_the_filters_and_pages(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user()
    found = [await new_ticket(gateway, anna, f"Minibar {n}", message="Brak cen.") for n in range(5)]
    await new_ticket(gateway, anna, "Minibar", message="Inny temat")
    await gateway.patch(
        f"/api/v1/agent/tickets/{found[0]}", json={"status": "resolved"}, headers=agent
    )
    first = await history(gateway, anna, q="ceny", page=1, page_size=2)
    third = await history(gateway, anna, q="ceny", page=3, page_size=2)
    assert numbers(first) == [found[0], found[4]]
    assert numbers(third) == [found[1]]
    assert first["total"] == third["total"] == 5
    resolved = await history(gateway, anna, q="ceny", status="resolved")
    assert numbers(resolved) == [found[0]]
    by_subject = await history(gateway, anna, q="ceny", subject="Minibar 2")
    assert numbers(by_subject) == [found[2]]


async def test_the_ticket_number_finds_its_ticket(
    gateway: httpx.AsyncClient, account: Account, printer_and_invoice: list[str]
) -> None:
    number = printer_and_invoice[1]
    assert numbers(await history(gateway, account.user(), q=number.lower())) == [number]


@pytest.mark.parametrize("query", ["?!", "  …  ", "x" * 201])
async def test_a_search_without_a_word_or_too_long_is_refused_with_a_reason(
    gateway: httpx.AsyncClient, account: Account, query: str
) -> None:
    response = await gateway.get("/api/v1/tickets", params={"q": query}, headers=account.user())
    assert response.status_code == 422, response.text
    if len(query) <= 200:
        assert response.json()["code"] == "search_query_invalid"


async def test_an_empty_search_box_lists_everything(
    gateway: httpx.AsyncClient, account: Account, printer_and_invoice: list[str]
) -> None:
    page = await history(gateway, account.user(), q="  ")
    assert numbers(page) == list(reversed(printer_and_invoice))


async def test_tickets_stored_before_search_are_given_their_terms_once(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    number = await new_ticket(gateway, account.user(), "Klimatyzacja", message="Pokój 12 gorąco")
    tickets = database["tickets"]
    # As a release before search stored it: no terms, no version.
    await tickets.update_one({"_id": number}, {"$unset": {SEARCH_TERMS: "", "search_version": ""}})
    assert numbers(await history(gateway, account.user(), q="goraco")) == []

    store = TicketStore(database)
    assert await store.backfill_search_terms() >= 1
    assert await store.backfill_search_terms() == 0

    stored = await tickets.find_one({"_id": number})
    assert stored[SEARCH_VERSION_FIELD] == SEARCH_VERSION
    assert numbers(await history(gateway, account.user(), q="goraco")) == [number]


def test_a_ticket_keeps_at_most_its_first_terms() -> None:
    words = " ".join(f"slowo{n}" for n in range(TERMS_MAX * 2))
    terms = ticket_terms("HD-000001", "Temat", [words])
    assert len(terms) == TERMS_MAX
    assert {"hd", "000001", "temat"} <= set(terms)
