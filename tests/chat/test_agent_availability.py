"""Agent availability end to end: an agent away is offered no chat and cannot take one."""

import uuid
from collections.abc import Callable

import httpx

from tests.support.sockets import ConnectChat, Frame, stays_quiet
from tests.support.system import HelpDesk, bearer, make_token
from tests.support.waiting import eventually


def offers(marker: str) -> Callable[[Frame], bool]:
    return lambda frame: any(item["name"] == marker for item in frame["items"])


async def test_an_agent_away_is_not_offered_chats_and_must_go_online_to_take_one(
    gateway: httpx.AsyncClient, connect: ConnectChat
) -> None:
    marker = f"Gość {uuid.uuid4().hex[:8]}"
    ewa_token = make_token("agent", "support", f"ewa-{uuid.uuid4().hex[:8]}", "Ewa")
    ewa = bearer(ewa_token)
    away = await gateway.put("/api/v1/agent/availability", json={"status": "away"}, headers=ewa)
    assert away.status_code == 200, away.text
    assert away.json()["status"] == "away"

    away_console = await connect(agent=True, token=ewa_token)
    first = await away_console.expect("queue")
    assert (first["availability"], first["items"]) == ("away", [])
    online_console = await connect(agent=True)
    user = await connect()
    await user.start(name=marker)
    offered = await online_console.expect("queue", where=offers(marker))
    assert offered["availability"] == "online"
    assert offered["agents_online"] >= 1
    (chat_id,) = [item["chat_id"] for item in offered["items"] if item["name"] == marker]
    await stays_quiet(away_console, "queue", where=offers(marker))

    await away_console.send(type="accept", chat_id=chat_id)
    refused = await away_console.expect("error")
    assert refused["code"] == "chat_agent_away"

    back = await gateway.put("/api/v1/agent/availability", json={"status": "online"}, headers=ewa)
    assert back.json()["status"] == "online"
    await away_console.expect("queue", where=offers(marker))
    await away_console.send(type="accept", chat_id=chat_id)
    accepted = await user.expect("accepted")
    assert accepted["agent_name"] == "Ewa"
    assert (await gateway.get("/api/v1/agent/availability", headers=ewa)).json()["status"] == (
        "online"
    )


async def test_a_status_other_than_online_or_away_is_refused(gateway: httpx.AsyncClient) -> None:
    agent = bearer(make_token("agent", "support"))
    response = await gateway.put(
        "/api/v1/agent/availability", json={"status": "busy"}, headers=agent
    )
    assert response.status_code == 422


async def test_users_see_chat_unavailable_while_no_agent_is_online(
    system: HelpDesk, connect: ConnectChat
) -> None:
    """On a gateway that asks for an agent online (the default; the test session's does not)."""
    gateway = system.spawn("gateway", HELPDESK_CHAT_NEEDS_AGENT_ONLINE="on").start()
    ola_token = make_token("agent", "support", f"ola-{uuid.uuid4().hex[:8]}", "Ola")
    ola = bearer(ola_token)
    try:
        async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:

            async def chat_is(available: bool, reason: str | None = None) -> bool:
                info = (await client.get("/api/v1/help")).json()
                return (info["chat_available"], info["chat_unavailable_reason"]) == (
                    available,
                    reason,
                )

            console = await connect(agent=True, token=ola_token, gateway_url=gateway.url)
            await console.expect("queue", where=lambda frame: frame["agents_online"] >= 1)
            await eventually(lambda: chat_is(True), within=10)

            # Ola goes away; with no other agent online, users are told nobody is there.
            await client.put("/api/v1/agent/availability", json={"status": "away"}, headers=ola)
            await eventually(lambda: chat_is(False, "no_agent_online"), within=10)
            user = await connect(gateway_url=gateway.url)
            await user.start()
            busy = await user.expect("busy")
            assert busy["reason"] == "no_agent_online"

            await client.put("/api/v1/agent/availability", json={"status": "online"}, headers=ola)
            await eventually(lambda: chat_is(True), within=10)
            # Her console closes: nobody is online once more.
            await console.close()
            await eventually(lambda: chat_is(False, "no_agent_online"), within=10)
    finally:
        gateway.stop()


async def test_agents_are_online_again_at_once_after_the_chat_service_restarts(
    system: HelpDesk, gateway: httpx.AsyncClient, connect: ConnectChat
) -> None:
    token = make_token("agent", "support", f"ola-{uuid.uuid4().hex[:8]}", "Ola")
    console = await connect(agent=True, token=token)
    await console.expect("queue", where=lambda frame: frame["agents_online"] >= 1)
    chat = system.services["chat"]
    # Killed: its memory, who is online included, is gone with it.
    chat.stop(kill=True)
    chat.start()

    # Sooner than the console's next heartbeat (20 s): it checks in when told of the restart.
    # Asked of the new chat service itself: a queue frame may still be the killed one's.
    async def online_again() -> bool:
        response = await gateway.get("/api/v1/agent/availability", headers=bearer(token))
        status = response.json() if response.status_code == 200 else {}
        return status.get("status") == "online" and status.get("agents_online", 0) >= 1

    await eventually(online_again, within=10)
