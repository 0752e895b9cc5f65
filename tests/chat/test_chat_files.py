"""Typing and files in a live chat through the gateway, against the real broker and services."""

import uuid
from dataclasses import dataclass

import httpx
import pytest

from tests.support.chat import Stats, memory_is_empty, queued_chat
from tests.support.raw_http import declared_upload
from tests.support.sockets import ChatPeer, ConnectChat, stays_quiet
from tests.support.system import HelpDesk, bearer, make_token

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@dataclass
class LiveChat:
    chat_id: str
    user: ChatPeer
    agent: ChatPeer
    user_token: str
    agent_token: str
    account_id: str


@pytest.fixture
async def live(connect: ConnectChat) -> LiveChat:
    """A chat an agent accepted; both sides' sockets and the tokens of the two people."""
    account_id = f"hotel-{uuid.uuid4().hex[:8]}"
    user_token = make_token("user", account_id, "anna", name="Anna")
    agent_token = make_token("agent", "support", f"ewa-{uuid.uuid4().hex[:6]}", name="Ewa")
    agent = await connect(agent=True, token=agent_token)
    user = await connect(token=user_token)
    chat_id = await queued_chat(user, agent)
    await agent.send(type="accept", chat_id=chat_id)
    await user.expect("accepted")
    await agent.expect("accepted")
    return LiveChat(chat_id, user, agent, user_token, agent_token, account_id)


def files_url(chat_id: str, file_id: str = "") -> str:
    return f"/api/v1/chat/{chat_id}/files" + (f"/{file_id}" if file_id else "")


async def share(
    gateway: httpx.AsyncClient, token: str, chat_id: str, content: bytes, name: str = "a.png"
) -> httpx.Response:
    return await gateway.post(
        files_url(chat_id),
        params={"filename": name},
        content=content,
        headers={**bearer(token), "Content-Type": "application/octet-stream"},
    )


async def test_a_screenshot_goes_both_ways_and_each_side_downloads_it(
    gateway: httpx.AsyncClient, live: LiveChat
) -> None:
    sent = await share(gateway, live.user_token, live.chat_id, PNG, "Zrzut ekranu 1.png")
    assert sent.status_code == 201, sent.text
    ref = sent.json()
    assert ref["content_type"] == "image/png"
    assert ref["filename"] == "Zrzut ekranu 1.png"
    assert ref["size"] == len(PNG)
    for side in (live.agent, live.user):
        notice = await side.expect("file")
        assert (notice["chat_id"], notice["from"], notice["file"]) == (live.chat_id, "user", ref)

    fetched = await gateway.get(
        files_url(live.chat_id, ref["id"]), headers=bearer(live.agent_token)
    )
    assert fetched.status_code == 200
    assert fetched.content == PNG
    assert fetched.headers["content-type"] == "image/png"
    assert fetched.headers["content-disposition"].startswith("attachment;")
    assert fetched.headers["cache-control"] == "private, no-store"

    # A name that claims an image does not make a PDF one: the type comes from the content.
    back = await share(gateway, live.agent_token, live.chat_id, PDF, "instrukcja.png")
    assert back.status_code == 201, back.text
    assert (back.json()["content_type"], back.json()["filename"]) == (
        "application/pdf",
        "instrukcja.pdf",
    )
    notice = await live.user.expect("file")
    assert notice["from"] == "agent"
    own = await gateway.get(
        files_url(live.chat_id, back.json()["id"]), headers=bearer(live.user_token)
    )
    assert own.content == PDF


async def test_nobody_else_can_fetch_or_send_a_chat_file(
    gateway: httpx.AsyncClient, live: LiveChat
) -> None:
    ref = (await share(gateway, live.user_token, live.chat_id, PNG)).json()
    strangers = [
        # The same user id in another hotel, a colleague in the same hotel, another agent.
        make_token("user", "another-hotel", "anna"),
        make_token("user", live.account_id, "jan"),
        make_token("agent", "support", "ola"),
    ]
    for token in strangers:
        fetched = await gateway.get(files_url(live.chat_id, ref["id"]), headers=bearer(token))
        assert (fetched.status_code, fetched.json()["code"]) == (404, "chat_not_found")
        sent = await share(gateway, token, live.chat_id, PNG)
        assert (sent.status_code, sent.json()["code"]) == (404, "chat_not_found")
    missing = await gateway.get(files_url(live.chat_id, "nope"), headers=bearer(live.user_token))
    assert (missing.status_code, missing.json()["code"]) == (404, "chat_file_not_found")
    unsigned = await gateway.get(files_url(live.chat_id, ref["id"]))
    assert unsigned.status_code == 401
    forged = make_token("user", live.account_id, "anna", secret="forged-" + "x" * 32)
    assert (await share(gateway, forged, live.chat_id, PNG)).status_code == 401


async def test_a_wrong_type_an_empty_or_an_oversized_file_is_refused_and_nobody_sees_it(
    system: HelpDesk, gateway: httpx.AsyncClient, live: LiveChat
) -> None:
    script = await share(gateway, live.user_token, live.chat_id, b"MZ\x90\x00\x03" + b"\x00" * 60)
    assert (script.status_code, script.json()["code"]) == (415, "attachment_type_not_accepted")
    empty = await share(gateway, live.user_token, live.chat_id, b"")
    assert (empty.status_code, empty.json()["code"]) == (422, "attachment_empty")
    limit = system.settings.chat_file_max_mb * 1024 * 1024
    path = files_url(live.chat_id)
    # Refused on its declared length, before the gateway reads (or keeps) any of it.
    huge = declared_upload(system.gateway_url, path, limit + 1, bearer(live.user_token))
    assert (huge.status, huge.json()["code"]) == (413, "request_too_large")
    await stays_quiet(live.agent, "file")


async def test_a_file_of_the_largest_size_allowed_arrives_whole(
    system: HelpDesk, gateway: httpx.AsyncClient, live: LiveChat
) -> None:
    # As base64 in one RPC message it is a third larger: the broker carries it whole.
    limit = system.settings.chat_file_max_mb * 1024 * 1024
    content = PNG + bytes(range(256)) * ((limit - len(PNG)) // 256)
    content += b"\x00" * (limit - len(content))
    sent = await share(gateway, live.user_token, live.chat_id, content)
    assert sent.status_code == 201, sent.text
    ref = sent.json()
    fetched = await gateway.get(
        files_url(live.chat_id, ref["id"]), headers=bearer(live.agent_token)
    )
    assert fetched.content == content


async def test_a_file_waits_for_an_agent(gateway: httpx.AsyncClient, connect: ConnectChat) -> None:
    token = make_token("user", f"hotel-{uuid.uuid4().hex[:8]}", "anna")
    user = await connect(token=token)
    await user.start()
    chat_id = (await user.expect("queued"))["chat_id"]
    early = await share(gateway, token, chat_id, PNG)
    assert (early.status_code, early.json()["code"]) == (409, "chat_not_accepted_yet")


async def test_files_are_gone_when_the_chat_ends(
    gateway: httpx.AsyncClient, live: LiveChat, chat_stats: Stats
) -> None:
    ref = (await share(gateway, live.user_token, live.chat_id, PNG)).json()
    assert (await chat_stats()).file_bytes >= len(PNG)
    await live.user.close()
    await live.agent.expect("ended")
    await memory_is_empty(chat_stats)
    assert (await chat_stats()).files == 0
    fetched = await gateway.get(
        files_url(live.chat_id, ref["id"]), headers=bearer(live.agent_token)
    )
    assert fetched.status_code == 404


async def test_each_side_sees_the_other_typing_and_a_flood_of_typing_is_dropped(
    live: LiveChat,
) -> None:
    await live.user.send(type="typing")
    notice = await live.agent.expect("typing")
    assert (notice["chat_id"], notice["from"]) == (live.chat_id, "user")
    # Sent again at once: the gateway passes one per two seconds per chat, the rest is dropped.
    for _ in range(5):
        await live.user.send(type="typing")
    await stays_quiet(live.agent, "typing", within=1.0)
    await live.agent.send(type="typing", chat_id=live.chat_id)
    notice = await live.user.expect("typing")
    assert notice["from"] == "agent"
    # Nobody is told about their own typing, and a dropped hint is no error.
    await stays_quiet(live.user, "typing", where=lambda frame: frame["from"] == "user", within=0.5)
    assert not [frame for frame in live.user.seen + live.agent.seen if frame["type"] == "error"]


async def test_a_chat_id_naming_no_running_instance_is_a_chat_that_has_ended(
    gateway: httpx.AsyncClient,
) -> None:
    # Ids name the chat service instance holding the chat (`<instance>.<random>`); one that
    # names no running instance (stopped, killed, or made up) has no chat: 404, never 503.
    token = make_token("user", f"hotel-{uuid.uuid4().hex[:6]}", "anna")
    chat_id = f"{uuid.uuid4().hex[:12]}.{uuid.uuid4().hex[:8]}"
    sent = await share(gateway, token, chat_id, PNG)
    assert (sent.status_code, sent.json()["code"]) == (404, "chat_ended")
    fetched = await gateway.get(files_url(chat_id, "nope"), headers=bearer(token))
    assert (fetched.status_code, fetched.json()["code"]) == (404, "chat_ended")
