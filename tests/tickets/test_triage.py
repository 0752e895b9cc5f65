"""Support sets a ticket's importance (the priority users chose) and tags; the queue filters
by them; tags already in use are suggested."""

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest

from services.tickets.triage import tags_after
from shared.errors import InvalidRequest
from shared.triage import TAGS_PER_TICKET_MAX
from tests.support.events import EventLog, ticket_events_settled
from tests.support.system import Account
from tests.support.tickets import new_ticket


async def patch(
    gateway: httpx.AsyncClient, number: str, agent: dict[str, str], **body: Any
) -> httpx.Response:
    return await gateway.patch(f"/api/v1/agent/tickets/{number}", json=body, headers=agent)


async def test_raising_the_importance_brings_the_sla_due_time_nearer_and_users_see_it(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], event_log: EventLog
) -> None:
    user = account.user()
    number = await new_ticket(gateway, user, "Brak dostępu do grafiku", "low")
    before = (await gateway.get(f"/api/v1/agent/tickets/{number}", headers=agent)).json()
    response = await patch(gateway, number, agent, importance="critical")
    assert response.status_code == 200, response.text
    raised = response.json()
    assert raised["importance"] == "critical"
    assert datetime.fromisoformat(raised["sla_due_at"]) < datetime.fromisoformat(
        before["sla_due_at"]
    )
    # The importance is the user's own field: their history shows support's choice.
    [row] = (await gateway.get("/api/v1/tickets", headers=user)).json()["items"]
    assert row["importance"] == "critical" and row["updated_at"] == raised["updated_at"]
    [event] = await event_log.wait_for("ticket.triaged", number=number)
    assert event["payload"]["changes"]["importance"] == "critical"
    # Lowering it again never pushes a running deadline back.
    lowered = (await patch(gateway, number, agent, importance="low")).json()
    assert lowered["sla_due_at"] == raised["sla_due_at"]


async def test_tags_are_added_removed_and_kept_as_one_lowercase_spelling(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    event_log: EventLog,
    database: Any,
) -> None:
    number = await new_ticket(gateway, account.user(), "Faktura korygująca")
    added = await patch(gateway, number, agent, add_tags=["  Faktury ", "JPK", "faktury"])
    assert added.status_code == 200, added.text
    assert added.json()["tags"] == ["faktury", "jpk"]
    again = (await patch(gateway, number, agent, add_tags=["jpk", "Pilne  klienta"])).json()
    assert again["tags"] == ["faktury", "jpk", "pilne klienta"]
    removed = (await patch(gateway, number, agent, remove_tags=["JPK"])).json()
    assert removed["tags"] == ["faktury", "pilne klienta"]
    shown = (await gateway.get(f"/api/v1/agent/tickets/{number}", headers=agent)).json()
    assert shown["tags"] == ["faktury", "pilne klienta"]
    await ticket_events_settled(event_log, database, number)
    changes = [e["payload"]["changes"] for e in event_log.of_type("ticket.triaged", number=number)]
    assert [(c["tags_added"], c["tags_removed"]) for c in changes] == [
        (["faktury", "jpk"], []),
        (["pilne klienta"], []),
        ([], ["jpk"]),
    ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"add_tags": [""]}, None),
        ({"add_tags": ["x" * 31]}, None),
        ({"add_tags": ["a\u202eb"]}, "text_forbidden_characters"),
        ({"add_tags": [f"t{n}" for n in range(TAGS_PER_TICKET_MAX + 1)]}, None),
        ({"add_tags": ["vip"], "remove_tags": ["VIP"]}, "tags_conflicting"),
        ({"importance": "urgent"}, None),
        ({"assignee_id": ""}, None),
    ],
)
async def test_bad_triage_is_422_and_saves_nothing(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: Any,
    body: dict[str, Any],
    code: str | None,
) -> None:
    number = await new_ticket(gateway, account.user())
    response = await patch(gateway, number, agent, **body)
    assert response.status_code == 422, response.text
    if code:
        assert response.json()["code"] == code
    stored = await database["tickets"].find_one({"_id": number})
    assert stored.get("tags", []) == [] and stored["importance"] == "normal"


async def test_a_ticket_takes_at_most_its_number_of_tags(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    number = await new_ticket(gateway, account.user())
    full = [f"t{n}" for n in range(TAGS_PER_TICKET_MAX)]
    assert (await patch(gateway, number, agent, add_tags=full)).status_code == 200
    one_more = await patch(gateway, number, agent, add_tags=["jeszcze"])
    assert one_more.status_code == 422
    assert one_more.json()["code"] == "tags_too_many"


async def test_the_queue_filters_by_tag_and_importance_and_suggests_tags_in_use(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    tag = f"zz{uuid.uuid4().hex[:8]}"
    tagged = await new_ticket(gateway, account.user(), "Channel manager", "high")
    other = await new_ticket(gateway, account.user(), "Channel manager", "low")
    await patch(gateway, tagged, agent, add_tags=[tag, f"{tag}-b"])
    await patch(gateway, other, agent, add_tags=[f"{tag}-c"], importance="high")
    params = {"account_id": account.account_id, "tag": tag.upper()}
    rows = (await gateway.get("/api/v1/agent/tickets", params=params, headers=agent)).json()
    assert [row["number"] for row in rows["items"]] == [tagged]
    assert rows["items"][0]["tags"] == [tag, f"{tag}-b"]
    params = {"account_id": account.account_id, "importance": "high"}
    rows = (await gateway.get("/api/v1/agent/tickets", params=params, headers=agent)).json()
    assert {row["number"] for row in rows["items"]} == {tagged, other}
    suggested = await gateway.get("/api/v1/agent/tags", params={"prefix": tag}, headers=agent)
    assert suggested.json() == [tag, f"{tag}-b", f"{tag}-c"]
    narrower = await gateway.get(
        "/api/v1/agent/tags", params={"prefix": f"{tag.upper()}-"}, headers=agent
    )
    assert narrower.json() == [f"{tag}-b", f"{tag}-c"]
    # A prefix is text, never a pattern.
    pattern = await gateway.get("/api/v1/agent/tags", params={"prefix": ".*"}, headers=agent)
    assert pattern.status_code == 200 and pattern.json() == []


def test_tags_keep_their_order_and_come_once() -> None:
    assert tags_after(["a", "b"], ["c", "a", "c"], ["b"]) == ["a", "c"]
    with pytest.raises(InvalidRequest):
        tags_after([], ["x"], ["x"])
