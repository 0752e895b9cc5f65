"""Support's own view of a ticket (assignee, tags) reaches the agents' sockets, never the
user's: their stream carries only what they see change."""

import httpx

from tests.support.sockets import OpenStream
from tests.support.system import Account
from tests.support.tickets import new_ticket


async def test_assignment_and_tags_reach_agents_only(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    user_tab = await open_stream(account.account_id, "anna")
    agents_console = await open_stream(agent=True)
    number = await new_ticket(gateway, account.user("anna"), "Grafik sprzątania")
    me = (await gateway.get("/api/v1/agent/agents", headers=agent)).json()["me"]
    url = f"/api/v1/agent/tickets/{number}"
    await gateway.patch(url, json={"assignee_id": me, "add_tags": ["housekeeping"]}, headers=agent)
    triaged = await agents_console.expect(
        "ticket.triaged", where=lambda frame: frame["data"]["number"] == number
    )
    assert triaged["data"]["assignee"]["id"] == me
    assert triaged["data"]["tags"] == ["housekeeping"]
    # A change the user does see comes after it on the same push queue: once the user has
    # it, the triage event would have arrived before it, had it been sent to them.
    await gateway.patch(url, json={"status": "in_progress"}, headers=agent)
    updated = await user_tab.expect(
        "ticket.updated", where=lambda frame: frame["data"]["number"] == number
    )
    assert "assignee" not in updated["data"] and "tags" not in updated["data"]
    assert [frame["type"] for frame in user_tab.seen if frame["type"] == "ticket.triaged"] == []
    assert "housekeeping" not in str(user_tab.seen)
