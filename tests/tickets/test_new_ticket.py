"""New ticket ("Nowe powiadomienie"): fields, limits, numbering, idempotency, events."""

import asyncio
import re
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.support.database import count
from tests.support.events import EventLog, ticket_events_settled
from tests.support.system import Account, HelpDesk


def ticket_form(**fields: str) -> dict[str, str]:
    return {"subject": "Nie mogę wystawić faktury", "message": "Błąd przy zapisie.", **fields}


async def test_new_ticket_gets_a_number_status_and_expected_answer(
    gateway: httpx.AsyncClient, account: Account, database: object
) -> None:
    response = await gateway.post(
        "/api/v1/tickets",
        data=ticket_form(importance="high"),
        headers=account.user("anna", "Anna Kowalska"),
    )
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert re.fullmatch(r"HD-\d{6}", ticket["number"])
    assert ticket["status"] == "new"
    assert ticket["importance"] == "high"
    assert ticket["subject"] == "Nie mogę wystawić faktury"
    assert ticket["message"] == "Błąd przy zapisie."
    assert ticket["account_id"] == account.account_id
    assert ticket["author"] == {"role": "user", "id": "anna", "name": "Anna Kowalska"}
    assert ticket["attachment"] is None
    created = datetime.fromisoformat(ticket["created_at"])
    due = datetime.fromisoformat(ticket["sla_due_at"])
    # The test system has support "always" open: high importance is due in 4 hours.
    assert (due - created).total_seconds() == pytest.approx(4 * 3600, abs=1)
    assert ticket["expected_answer_by"] == ticket["sla_due_at"]
    assert ticket["created_at"].endswith("Z")


async def test_ticket_is_stored_in_the_database(
    gateway: httpx.AsyncClient, account: Account, database: object
) -> None:
    response = await gateway.post(
        "/api/v1/tickets", data=ticket_form(), headers=account.user("anna")
    )
    number = response.json()["number"]
    stored = await database["tickets"].find_one({"_id": number})  # type: ignore[index]
    assert stored["account_id"] == account.account_id
    assert stored["importance"] == "normal"
    assert [message["body"] for message in stored["messages"]] == ["Błąd przy zapisie."]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"message": ""}, "message"),
        ({"message": "x" * 20_001}, "message"),
        ({"importance": "urgent"}, "importance"),
    ],
)
async def test_invalid_fields_are_422_and_save_nothing(
    gateway: httpx.AsyncClient,
    account: Account,
    database: object,
    fields: dict[str, str],
    problem: str,
) -> None:
    response = await gateway.post(
        "/api/v1/tickets",
        data=ticket_form(**fields),
        files={"file": ("shot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")},
        headers=account.user(),
    )
    assert response.status_code == 422
    assert problem in response.text
    tickets = database["tickets"]  # type: ignore[index]
    assert await tickets.count_documents({"account_id": account.account_id}) == 0
    files = database["attachments.files"]  # type: ignore[index]
    assert await count(files, {"metadata.account_id": account.account_id}) == 0


async def test_limits_at_the_edges_are_accepted(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    response = await gateway.post(
        "/api/v1/tickets",
        data=ticket_form(subject="s" * 200, message="m" * 20_000, importance="low"),
        headers=account.user(),
    )
    assert response.status_code == 201
    assert len(response.json()["subject"]) == 200


async def test_missing_fields_are_422(gateway: httpx.AsyncClient, account: Account) -> None:
    response = await gateway.post(
        "/api/v1/tickets", data={"subject": "Tylko temat"}, headers=account.user()
    )
    assert response.status_code == 422


async def test_fifty_concurrent_tickets_get_fifty_unique_numbers(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    async def create(index: int) -> str:
        response = await gateway.post(
            "/api/v1/tickets",
            data=ticket_form(subject=f"Zgłoszenie {index}"),
            headers=account.user(f"user-{index}"),
        )
        assert response.status_code == 201, response.text
        number: str = response.json()["number"]
        return number

    numbers = await asyncio.gather(*(create(index) for index in range(50)))
    assert len(set(numbers)) == 50


async def test_same_idempotency_key_returns_the_same_ticket(
    gateway: httpx.AsyncClient, account: Account, event_log: EventLog, database: Any
) -> None:
    headers = {**account.user("anna"), "Idempotency-Key": "form-42"}
    first, second = await asyncio.gather(
        gateway.post("/api/v1/tickets", data=ticket_form(), headers=headers),
        gateway.post("/api/v1/tickets", data=ticket_form(), headers=headers),
    )
    third = await gateway.post("/api/v1/tickets", data=ticket_form(), headers=headers)
    assert {first.status_code, second.status_code, third.status_code} == {201}
    numbers = {first.json()["number"], second.json()["number"], third.json()["number"]}
    assert len(numbers) == 1
    assert await database["tickets"].count_documents({"account_id": account.account_id}) == 1
    await ticket_events_settled(event_log, database, numbers.pop())
    assert len(event_log.of_type("ticket.created", account_id=account.account_id)) == 1


async def test_same_key_from_another_user_is_another_ticket(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    first = await gateway.post(
        "/api/v1/tickets",
        data=ticket_form(),
        headers={**account.user("anna"), "Idempotency-Key": "k-1"},
    )
    second = await gateway.post(
        "/api/v1/tickets",
        data=ticket_form(),
        headers={**account.user("piotr"), "Idempotency-Key": "k-1"},
    )
    assert first.json()["number"] != second.json()["number"]


async def test_same_user_id_and_key_in_another_hotel_is_another_ticket(
    gateway: httpx.AsyncClient, account: Account, other_account: Account
) -> None:
    # Host applications' user ids may be unique only within a hotel.
    key = {"Idempotency-Key": "form-1"}
    first = await gateway.post(
        "/api/v1/tickets",
        data=ticket_form(subject="Hotel A"),
        headers={**account.user("anna"), **key},
    )
    second = await gateway.post(
        "/api/v1/tickets",
        data=ticket_form(subject="Hotel B"),
        headers={**other_account.user("anna"), **key},
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["number"] != second.json()["number"]
    assert second.json()["subject"] == "Hotel B"
    assert second.json()["account_id"] == other_account.account_id
    listed = await gateway.get("/api/v1/tickets", headers=other_account.user("anna"))
    assert [row["subject"] for row in listed.json()["items"]] == ["Hotel B"]
    preview = await gateway.get(
        f"/api/v1/tickets/{first.json()['number']}", headers=other_account.user("anna")
    )
    assert preview.status_code == 404


async def test_ticket_created_event_is_published_once(
    gateway: httpx.AsyncClient, account: Account, event_log: EventLog, database: Any
) -> None:
    response = await gateway.post(
        "/api/v1/tickets", data=ticket_form(importance="critical"), headers=account.user("anna")
    )
    number = response.json()["number"]
    [event] = await event_log.wait_for("ticket.created", number=number)
    assert event["version"] == 1
    assert event["payload"]["account_id"] == account.account_id
    assert event["payload"]["importance"] == "critical"
    assert event["payload"]["author"]["id"] == "anna"
    assert event["occurred_at"].endswith("Z")
    await ticket_events_settled(event_log, database, number)
    assert len(event_log.of_type("ticket.created", number=number)) == 1


async def test_agents_can_see_but_users_of_other_accounts_cannot(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, agent: dict[str, str]
) -> None:
    number = (
        await gateway.post("/api/v1/tickets", data=ticket_form(), headers=account.user())
    ).json()["number"]
    assert (await gateway.get(f"/api/v1/tickets/{number}", headers=agent)).status_code == 200
    foreign = await gateway.get(f"/api/v1/tickets/{number}", headers=other_account.user())
    assert foreign.status_code == 404
    reply = await gateway.post(
        f"/api/v1/tickets/{number}/replies", data={"message": "hi"}, headers=other_account.user()
    )
    assert reply.status_code == 404


async def test_service_unavailable_is_503_not_500(
    system: HelpDesk, gateway: httpx.AsyncClient, account: Account
) -> None:
    tickets = system.services["tickets"]
    tickets.stop()
    try:
        response = await gateway.post("/api/v1/tickets", data=ticket_form(), headers=account.user())
        assert response.status_code == 503
        assert "retry-after" in response.headers
    finally:
        tickets.start()
