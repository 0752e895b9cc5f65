"""Typing notices and files in a chat, by the rules alone: who is told, who may fetch, caps."""

from datetime import timedelta

import pytest

from services.chat.domain import ChatRoom
from shared.chat import (
    AcceptChat,
    EndChat,
    Endpoint,
    FetchFile,
    FileNotice,
    ShareFile,
    ShowTyping,
    TypingNotice,
)
from shared.errors import Conflict, InvalidRequest, NotFound, RateLimited, TooLarge, Unavailable
from shared.people import Caller
from shared.routes import FETCH_CHAT_FILE, SHARE_CHAT_FILE
from tests.support.chat_room import LIMITS, T0, room, start, user

AGENT = Endpoint(gateway_id="g1", socket_id="agent")
# start(chats, n) makes user n of account "a" the chat's user, as u<n>.
ANNA = Caller(role="user", id="u1", name="Anna", account_id="a")
EWA = Caller(role="agent", id="ewa", name="Ewa", account_id="support")
PNG = b"\x89PNG\r\n\x1a\n" + b"pixels"


def live_chat(chats: ChatRoom, n: int = 1) -> str:
    chat_id = start(chats, n)
    accept = AcceptChat(
        chat_id=chat_id, agent=AGENT, agent_id="ewa", agent_name="Ewa", agent_account_id="support"
    )
    chats.accept(accept, T0)
    return chat_id


def share(chats: ChatRoom, chat_id: str, caller: Caller = ANNA, content: bytes = PNG) -> ShareFile:
    return ShareFile(
        caller=caller,
        chat_id=chat_id,
        filename="zrzut.png",
        content_type="image/png",
        content=content,
    )


def test_typing_is_shown_to_the_other_side_only() -> None:
    chats = room()
    chat_id = live_chat(chats)
    deliveries = chats.typing(ShowTyping(sender=user(1)), T0)
    assert [(d.to, d.notice) for d in deliveries] == [
        (AGENT, TypingNotice(chat_id=chat_id, sender="user"))
    ]
    deliveries = chats.typing(ShowTyping(sender=AGENT, chat_id=chat_id), T0)
    assert [(d.to, d.notice.model_dump(by_alias=True)) for d in deliveries] == [
        (user(1), {"type": "typing", "chat_id": chat_id, "from": "agent"})
    ]


def test_typing_before_an_agent_accepts_tells_nobody() -> None:
    chats = room()
    start(chats, 1)
    assert chats.typing(ShowTyping(sender=user(1)), T0) == []


def test_typing_in_someone_elses_chat_is_not_found() -> None:
    chats = room()
    chat_id = live_chat(chats)
    with pytest.raises(NotFound):
        chats.typing(ShowTyping(sender=user(2), chat_id=chat_id), T0)


def test_a_shared_file_is_shown_to_both_sides_and_either_can_fetch_it() -> None:
    chats = room()
    chat_id = live_chat(chats)
    ref, deliveries = chats.share_file(share(chats, chat_id), T0)
    assert (ref.filename, ref.content_type, ref.size) == ("zrzut.png", "image/png", len(PNG))
    notice = FileNotice(chat_id=chat_id, sender="user", file=ref, at=T0)
    assert [(d.to, d.notice) for d in deliveries] == [(user(1), notice), (AGENT, notice)]
    for caller in (ANNA, EWA):
        held = chats.file(FetchFile(caller=caller, chat_id=chat_id, file_id=ref.id))
        assert held.content == PNG
    agents_ref, _ = chats.share_file(share(chats, chat_id, EWA, b"%PDF-1.4"), T0)
    assert chats.file(FetchFile(caller=ANNA, chat_id=chat_id, file_id=agents_ref.id)).ref == (
        agents_ref
    )


@pytest.mark.parametrize(
    "stranger",
    [
        # The same user id in another hotel is another person.
        Caller(role="user", id="u1", name="Anna", account_id="b"),
        Caller(role="user", id="u2", name="Jan", account_id="a"),
        Caller(role="agent", id="ola", name="Ola", account_id="support"),
        # The agent's id, but not signed in as an agent.
        Caller(role="user", id="ewa", name="Ewa", account_id="support"),
    ],
)
def test_nobody_but_the_two_parties_can_share_or_fetch_a_file(stranger: Caller) -> None:
    chats = room()
    chat_id = live_chat(chats)
    ref, _ = chats.share_file(share(chats, chat_id), T0)
    with pytest.raises(NotFound):
        chats.file(FetchFile(caller=stranger, chat_id=chat_id, file_id=ref.id))
    with pytest.raises(NotFound):
        chats.share_file(share(chats, chat_id, stranger), T0)


def test_a_file_waits_for_an_agent_and_counts_against_the_message_rate() -> None:
    chats = room()
    chat_id = start(chats, 1)
    with pytest.raises(Conflict):
        chats.share_file(share(chats, chat_id), T0)
    chat_id = live_chat(chats, 2)
    second = Caller(role="user", id="u2", name="Jan", account_id="a")
    for _ in range(LIMITS.message_burst):
        chats.share_file(share(chats, chat_id, second, b"x"), T0)
        chats.files.drop(chat_id)
    with pytest.raises(RateLimited):
        chats.share_file(share(chats, chat_id, second), T0)


def test_file_caps_per_file_per_chat_and_per_instance() -> None:
    chats = room()
    first = live_chat(chats, 1)
    with pytest.raises(TooLarge):
        chats.share_file(share(chats, first, content=b"x" * 1001), T0)
    with pytest.raises(InvalidRequest):
        chats.share_file(share(chats, first, content=b""), T0)
    later = T0
    for _ in range(LIMITS.files.per_chat):
        chats.share_file(share(chats, first, content=b"x" * 600), later)
        later += timedelta(seconds=10)
    with pytest.raises(Conflict):
        chats.share_file(share(chats, first, content=b"x"), later)
    assert chats.stats().file_bytes == 1800
    second = live_chat(chats, 2)
    jan = Caller(role="user", id="u2", name="Jan", account_id="a")
    # 1,800 held: 700 more fits the 2,500 of the instance, 701 would not.
    with pytest.raises(Unavailable):
        chats.share_file(share(chats, second, jan, b"x" * 701), later)
    chats.share_file(share(chats, second, jan, b"x" * 700), later)


def test_files_are_gone_with_their_chat() -> None:
    chats = room()
    chat_id = live_chat(chats)
    ref, _ = chats.share_file(share(chats, chat_id), T0)
    chats.end(EndChat(by=user(1)), T0)
    assert chats.stats().files == 0
    assert chats.stats().file_bytes == 0
    assert chats.files.held == {}
    with pytest.raises(NotFound):
        chats.file(FetchFile(caller=ANNA, chat_id=chat_id, file_id=ref.id))


def test_a_file_travels_as_base64_and_comes_back_as_the_same_bytes() -> None:
    command = share(room(), "c1")
    text = command.model_dump_json()
    assert '"content":"iVBORw0KGgpwaXhlbHM="' in text
    assert ShareFile.model_validate_json(text).content == PNG
    assert ShareFile.model_validate(command.model_dump(mode="json")).content == PNG


def test_a_file_rides_only_queues_that_keep_nothing() -> None:
    for route in (SHARE_CHAT_FILE, FETCH_CHAT_FILE):
        assert (route.queue.durable, route.queue.auto_delete) == (False, True)
