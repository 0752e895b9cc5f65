"""Pop-ups reach every open socket of their user at once, from any gateway instance."""

import re

import httpx
import pytest
import websockets

from tests.support.popups import about, answered_ticket, eventually_listed, popups
from tests.support.sockets import OpenStream, socket_url, stays_quiet
from tests.support.system import Account, HelpDesk, make_token
from tests.support.tickets import new_ticket, reply


async def test_agent_reply_pops_up_on_both_sockets_of_the_author_and_not_on_another_users(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    first_tab = await open_stream(account.account_id, "anna")
    second_tab = await open_stream(account.account_id, "anna")
    colleague = await open_stream(account.account_id, "piotr")
    number = await answered_ticket(gateway, account.user("anna"), agent, "Ceny już się zgadzają.")
    for tab in (first_tab, second_tab):
        popup = (await tab.expect("popup.created", where=about(number)))["data"]
        assert re.fullmatch(r"P-\d{6}", popup["number"])
        assert number in popup["title"]
        assert popup["body"] == "Ceny już się zgadzają."
        assert popup["ticket_number"] == number
        assert (popup["read"], popup["deleted"], popup["snoozed_until"]) == (False, False, None)
    await stays_quiet(colleague, "popup.created", about(number))


async def test_the_users_own_reply_makes_no_popup_but_reaches_their_other_tabs(
    gateway: httpx.AsyncClient, account: Account, open_stream: OpenStream
) -> None:
    tab = await open_stream(account.account_id, "anna")
    number = await new_ticket(gateway, account.user("anna"))
    await reply(gateway, number, account.user("anna"), "Jeszcze jedno", agent=False)
    posted = await tab.expect("reply.posted")
    assert posted["data"]["ticket_number"] == number
    await stays_quiet(tab, "popup.created", about(number))
    assert await popups(gateway, account.user("anna"), state="all", ticket_number=number) == []


@pytest.mark.parametrize(
    ("status", "title_part"), [("resolved", "rozwiązane"), ("awaiting_reply", "odpowiedź")]
)
async def test_status_change_that_needs_the_user_pops_up(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    open_stream: OpenStream,
    status: str,
    title_part: str,
) -> None:
    tab = await open_stream(account.account_id, "anna")
    number = await new_ticket(gateway, account.user("anna"))
    changed = await gateway.patch(
        f"/api/v1/agent/tickets/{number}", json={"status": status}, headers=agent
    )
    assert changed.status_code == 200
    assert (await tab.expect("ticket.updated"))["data"]["status"] == status
    popup = (await tab.expect("popup.created", where=about(number)))["data"]
    assert number in popup["title"] and title_part in popup["title"]


async def test_in_progress_is_no_reason_for_a_popup(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    tab = await open_stream(account.account_id, "anna")
    number = await new_ticket(gateway, account.user("anna"))
    await gateway.patch(
        f"/api/v1/agent/tickets/{number}", json={"status": "in_progress"}, headers=agent
    )
    await tab.expect("ticket.updated")
    await stays_quiet(tab, "popup.created", about(number))


async def test_two_gateway_instances_each_deliver_to_their_own_sockets(
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    open_stream: OpenStream,
) -> None:
    second = system.spawn("gateway").start()
    try:
        on_first = await open_stream(account.account_id, "anna")
        on_second = await open_stream(account.account_id, "anna", gateway_url=second.url)
        number = await answered_ticket(gateway, account.user("anna"), agent, "Odpowiedź")
        numbers = {
            (await tab.expect("popup.created", where=about(number)))["data"]["number"]
            for tab in (on_first, on_second)
        }
        assert len(numbers) == 1
    finally:
        second.stop()


async def test_a_client_that_was_offline_catches_up_from_the_active_list(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    anna = account.user("anna")
    number = await answered_ticket(gateway, anna, agent, "Odpowiedź pod nieobecność")
    missed = await eventually_listed(gateway, anna, bool, state="active", ticket_number=number)
    assert [item["body"] for item in missed] == ["Odpowiedź pod nieobecność"]
    # Back online: the socket gets what comes next, the list still holds what it missed.
    tab = await open_stream(account.account_id, "anna")
    await reply(gateway, number, agent, "I jeszcze to", agent=True)
    assert (await tab.expect("popup.created", where=about(number)))["data"]["body"] == (
        "I jeszcze to"
    )
    active = await popups(gateway, anna, state="active", ticket_number=number)
    assert [item["body"] for item in active] == ["I jeszcze to", "Odpowiedź pod nieobecność"]


@pytest.mark.parametrize("path", ["/api/v1/stream", "/api/v1/agent/stream"])
async def test_a_bad_token_is_closed_with_4401(system: HelpDesk, path: str) -> None:
    forged = make_token("user", secret="not-the-secret-" * 4)
    async with websockets.connect(socket_url(system.gateway_url, path, forged)) as socket:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_the_agents_stream_is_only_for_agents(system: HelpDesk, account: Account) -> None:
    token = make_token("user", account.account_id, "anna")
    url = socket_url(system.gateway_url, "/api/v1/agent/stream", token)
    async with websockets.connect(url) as socket:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_agents_stream_shows_new_tickets_replies_and_the_chat_queue(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    console = await open_stream(agent=True)
    assert "items" in (await console.expect("chat.queue"))["data"]
    number = await new_ticket(gateway, account.user("anna"))
    created = await console.expect("ticket.created", where=lambda f: f["data"]["number"] == number)
    assert created["data"]["account_id"] == account.account_id
    await reply(gateway, number, account.user("anna"), "Dodatkowe informacje", agent=False)
    await console.expect("reply.posted", where=lambda f: f["data"]["ticket_number"] == number)
