"""The agents' queue across accounts: SLA order, filters, status and subject changes."""

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.support.events import EventLog, ticket_events_settled
from tests.support.system import Account
from tests.support.tickets import new_ticket


async def queue(
    gateway: httpx.AsyncClient, agent: dict[str, str], **params: str
) -> list[dict[str, object]]:
    response = await gateway.get("/api/v1/agent/tickets", params=params, headers=agent)
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


async def test_queue_across_accounts_is_sorted_by_sla_due_time(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, agent: dict[str, str]
) -> None:
    # Other tests' tickets share the queue (more than a page of them may be due sooner):
    # a word of this test's own narrows it to these three, across both accounts.
    marker = f"kolejka{uuid.uuid4().hex[:8]}"
    low = await new_ticket(gateway, account.user(), f"Raport miesięczny {marker}", "low")
    critical = await new_ticket(
        gateway, other_account.user(), f"System nie działa {marker}", "critical"
    )
    normal = await new_ticket(gateway, account.user(), f"Faktura {marker}", "normal")
    mine = {low, critical, normal}
    rows = await queue(gateway, agent, q=marker)
    assert {row["number"] for row in rows} == mine
    assert [row["number"] for row in rows] == [critical, normal, low]
    dues = [datetime.fromisoformat(str(row["sla_due_at"])) for row in rows]
    assert dues == sorted(dues)
    assert {row["account_id"] for row in rows} == {account.account_id, other_account.account_id}


async def test_queue_filters_by_status_importance_account_and_text(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, agent: dict[str, str]
) -> None:
    first = await new_ticket(gateway, account.user(), "Błąd przy [eksporcie] JPK", "high")
    second = await new_ticket(gateway, account.user(), "Pytanie o cennik", "low")
    await new_ticket(gateway, other_account.user(), "Eksport do księgowości", "high")
    await gateway.patch(
        f"/api/v1/agent/tickets/{second}", json={"status": "resolved"}, headers=agent
    )
    by_account = await queue(gateway, agent, account_id=account.account_id)
    assert [row["number"] for row in by_account] == [first]
    resolved = await queue(gateway, agent, account_id=account.account_id, status="resolved")
    assert [row["number"] for row in resolved] == [second]
    high = await queue(gateway, agent, account_id=account.account_id, importance="high")
    assert [row["number"] for row in high] == [first]
    # The search looks for words, in any case; punctuation around them is no pattern.
    text = await queue(gateway, agent, q="[EKSPORCIE]")
    assert [row["number"] for row in text] == [first]


async def test_users_cannot_use_agent_endpoints(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    number = await new_ticket(gateway, account.user(), "x", "low")
    user = account.user()
    assert (await gateway.get("/api/v1/agent/tickets", headers=user)).status_code == 403
    patch = await gateway.patch(
        f"/api/v1/agent/tickets/{number}", json={"status": "closed"}, headers=user
    )
    assert patch.status_code == 403
    reply = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies", data={"message": "x"}, headers=user
    )
    assert reply.status_code == 403


async def test_status_and_subject_changes_update_time_and_publish_once(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    event_log: EventLog,
    database: Any,
) -> None:
    number = await new_ticket(gateway, account.user("anna"), "Hasło", "normal")
    before = (await gateway.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    changed = await gateway.patch(
        f"/api/v1/agent/tickets/{number}",
        json={"status": "resolved", "subject": "Reset hasła użytkownika"},
        headers=agent,
    )
    assert changed.status_code == 200
    ticket = changed.json()
    assert ticket["status"] == "resolved"
    assert ticket["subject"] == "Reset hasła użytkownika"
    assert ticket["updated_at"] > before["updated_at"]
    # The ball is in the user's court: no SLA clock runs.
    assert ticket["sla_due_at"] is None
    [event] = await event_log.wait_for("ticket.updated", number=number)
    assert event["payload"]["changes"] == {
        "status": "resolved",
        "subject": "Reset hasła użytkownika",
    }
    assert event["payload"]["ticket_owner_id"] == "anna"
    # The same change again is no change: no new event, no new update time.
    again = await gateway.patch(
        f"/api/v1/agent/tickets/{number}", json={"status": "resolved"}, headers=agent
    )
    assert again.json()["updated_at"] == ticket["updated_at"]
    await ticket_events_settled(event_log, database, number)
    assert len(event_log.of_type("ticket.updated", number=number)) == 1
    subjects = await gateway.get("/api/v1/tickets/subjects", headers=account.user())
    assert subjects.json() == ["Reset hasła użytkownika"]


@pytest.mark.parametrize(
    "body", [{"status": "lost"}, {"subject": ""}, {"subject": "x" * 201}, {"status": 5}]
)
async def test_bad_changes_are_422(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], body: dict[str, object]
) -> None:
    number = await new_ticket(gateway, account.user(), "x", "low")
    response = await gateway.patch(f"/api/v1/agent/tickets/{number}", json=body, headers=agent)
    assert response.status_code == 422
