"""The whole live chat through the gateway's sockets, against the real broker and services."""

import asyncio
from datetime import UTC, datetime

import websockets

from tests.support.chat import Stats, lists, memory_is_empty, queued_chat
from tests.support.sockets import ConnectChat, socket_url
from tests.support.system import HelpDesk, make_token


async def test_conversation_from_start_to_the_user_closing_the_window(
    connect: ConnectChat, chat_stats: Stats
) -> None:
    agent = await connect(agent=True, name="Ewa (wsparcie)")
    await agent.expect("queue")
    user = await connect()
    await user.start(name="Anna Kowalska", question="Jak wystawić fakturę?")
    queued = await user.expect("queued")
    assert queued["position"] == 1
    chat_id = queued["chat_id"]
    snapshot = await agent.expect("queue", where=lists(chat_id))
    item = next(item for item in snapshot["items"] if item["chat_id"] == chat_id)
    assert item["name"] == "Anna Kowalska"
    assert item["question"] == "Jak wystawić fakturę?"
    assert item["waiting_seconds"] >= 0

    await agent.send(type="accept", chat_id=chat_id)
    assert (await user.expect("accepted"))["agent_name"] == "Ewa (wsparcie)"
    accepted = await agent.expect("accepted")
    assert accepted["chat_id"] == chat_id
    assert accepted["phone"] == "+48600123456"
    # Accepted chats leave the queue every agent sees.
    await agent.expect("queue", where=lambda frame: not lists(chat_id)(frame))

    await user.send(type="message", text="Dzień dobry")
    line = await agent.expect("message")
    assert (line["chat_id"], line["from"], line["text"]) == (chat_id, "user", "Dzień dobry")
    assert datetime.fromisoformat(line["at"]) <= datetime.now(UTC)
    await agent.send(type="message", chat_id=chat_id, text="Witam, już pomagam")
    reply = await user.expect("message", where=lambda frame: frame["from"] == "agent")
    assert reply["text"] == "Witam, już pomagam"

    await user.close()
    ended = await agent.expect("ended")
    assert (ended["chat_id"], ended["reason"]) == (chat_id, "user_left")
    await memory_is_empty(chat_stats)


async def test_either_side_can_end_and_an_agent_holds_several_chats(
    connect: ConnectChat, chat_stats: Stats
) -> None:
    agent = await connect(agent=True)
    first, second = await connect(), await connect()
    chat_ids = [await queued_chat(user, agent) for user in (first, second)]
    for chat_id in chat_ids:
        await agent.send(type="accept", chat_id=chat_id)
    await first.expect("accepted")
    await second.expect("accepted")

    await first.send(type="message", text="pierwszy")
    await second.send(type="message", text="drugi")
    texts = {}
    for _ in chat_ids:
        line = await agent.expect("message")
        texts[line["chat_id"]] = line["text"]
    assert texts == dict(zip(chat_ids, ["pierwszy", "drugi"], strict=True))

    await first.send(type="end")
    assert (await first.expect("ended"))["reason"] == "ended_by_user"
    assert (await agent.expect("ended"))["chat_id"] == chat_ids[0]
    await agent.send(type="end", chat_id=chat_ids[1])
    assert (await second.expect("ended"))["reason"] == "ended_by_agent"
    await memory_is_empty(chat_stats)


async def test_offline_outside_support_hours_queues_nothing(
    system: HelpDesk, connect: ConnectChat, chat_stats: Stats
) -> None:
    # Open one hour on a day three days away, no holidays: closed right now.
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(datetime.now(UTC).weekday() + 3) % 7]
    closed = system.spawn(
        "gateway", HELPDESK_SUPPORT_HOURS=f"{day} 10:00-11:00", HELPDESK_HOLIDAYS="none"
    ).start()
    try:
        before = await chat_stats()
        user = await connect(gateway_url=closed.url)
        await user.start()
        offline = await user.expect("offline")
        assert datetime.fromisoformat(offline["next_open"]) > datetime.now(UTC)
        assert {contact["topic"] for contact in offline["contacts"]} >= {"general"}
        assert all(contact["phone"] and contact["email"] for contact in offline["contacts"])
        assert await chat_stats() == before
        assert not [frame for frame in user.seen if frame["type"] == "queued"]
    finally:
        closed.stop()


async def test_two_agents_racing_to_accept_exactly_one_wins(
    connect: ConnectChat, chat_stats: Stats
) -> None:
    agents = [await connect(agent=True), await connect(agent=True)]
    user = await connect()
    chat_id = await queued_chat(user, agents[0])
    await agents[1].expect("queue", where=lists(chat_id))
    await asyncio.gather(*(agent.send(type="accept", chat_id=chat_id) for agent in agents))

    outcomes = [await agent.expect("accepted", "error") for agent in agents]
    assert sorted(frame["type"] for frame in outcomes) == ["accepted", "error"]
    loser = next(frame for frame in outcomes if frame["type"] == "error")
    assert "already accepted" in loser["detail"]
    await user.expect("accepted")
    await user.close()
    await memory_is_empty(chat_stats)


async def test_queue_positions_move_up_for_three_waiting_users(
    connect: ConnectChat, chat_stats: Stats
) -> None:
    agent = await connect(agent=True)
    users = [await connect() for _ in range(3)]
    chat_ids = []
    for expected, user in enumerate(users, start=1):
        await user.start()
        queued = await user.expect("queued")
        assert queued["position"] == expected
        chat_ids.append(queued["chat_id"])
    snapshot = await agent.expect("queue", where=lambda frame: len(frame["items"]) >= 3)
    assert [item["chat_id"] for item in snapshot["items"]][-3:] == chat_ids

    await agent.send(type="accept", chat_id=chat_ids[0])
    await users[0].expect("accepted")
    assert (await users[1].expect("queued"))["position"] == 1
    assert (await users[2].expect("queued"))["position"] == 2
    # Someone ahead gives up (closes the window): the last one moves up again.
    await users[1].close()
    assert (await users[2].expect("queued"))["position"] == 1
    for user in (users[0], users[2]):
        await user.close()
    await memory_is_empty(chat_stats)


async def test_the_pre_chat_form_is_validated_with_clear_errors(connect: ConnectChat) -> None:
    user = await connect()
    await user.send(type="start", name="", phone="12", question="x" * 1001)
    detail = (await user.expect("error"))["detail"]
    assert "name" in detail and "phone" in detail and "question" in detail
    assert "country code" in detail
    await user.send(type="message", text="nikt nie słucha")
    assert "no such open chat" in (await user.expect("error"))["detail"]
    await user.send(type="start", name="Anna", phone="+48 600 123 456", question="Jak?")
    await user.expect("queued")
    await user.send(type="start", name="Anna", phone="+48 600 123 456", question="Znowu?")
    assert "already has an open chat" in (await user.expect("error"))["detail"]
    await user.send(type="message", text="x" * 2001)
    assert "text" in (await user.expect("error"))["detail"]


async def test_a_chat_name_with_hidden_characters_is_refused_with_its_code(
    connect: ConnectChat,
) -> None:
    user = await connect()
    await user.send(type="start", name="An\u202ena", phone="+48 600 123 456", question="Jak?")
    refused = await user.expect("error")
    assert refused["code"] == "text_forbidden_characters"
    assert "name" in refused["detail"]
    await user.close()


async def test_sockets_need_a_valid_token_and_the_console_an_agent(system: HelpDesk) -> None:
    cases = [
        ("/api/v1/chat", "not-a-token", 4401),
        ("/api/v1/agent/chat", "not-a-token", 4401),
        ("/api/v1/agent/chat", make_token("user"), 4403),
    ]
    for path, token, code in cases:
        async with websockets.connect(socket_url(system.gateway_url, path, token)) as socket:
            try:
                await asyncio.wait_for(socket.recv(), timeout=5)
            except websockets.ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code == code
            else:
                raise AssertionError(f"{path} answered instead of closing with {code}")


async def test_restart_of_the_chat_service_ends_its_chats_on_both_sides(
    system: HelpDesk, connect: ConnectChat, chat_stats: Stats
) -> None:
    agent = await connect(agent=True)
    user = await connect()
    chat_id = await queued_chat(user, agent)
    await agent.send(type="accept", chat_id=chat_id)
    await user.expect("accepted")
    chat = system.services["chat"]
    # Killed, not stopped: the service cannot say goodbye, its successor has to.
    chat.stop(kill=True)
    chat.start()
    for peer in (user, agent):
        ended = await peer.expect("ended", within=30)
        assert (ended["chat_id"], ended["reason"]) == (chat_id, "service_restarted")
    assert (await chat_stats()).open_chats == 0
    # And the new instance serves the same sockets at once.
    await user.start()
    await user.expect("queued")
    await user.close()
    await memory_is_empty(chat_stats)
