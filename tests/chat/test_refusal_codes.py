"""Chat refusals carry a stable `code` for the client to translate, beside the English detail."""

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.chat import EndChat, StartChat
from shared.errors import RateLimited
from tests.support.chat_room import FORM, LIMITS, T0, room, start, user
from tests.support.sockets import ConnectChat


async def test_chat_frames_refused_by_validation_name_the_field(connect: ConnectChat) -> None:
    user = await connect()
    await user.send(type="start", name="Anna", phone="600", question="Jak?")
    error = await user.expect("error")
    assert error["code"] == "chat_phone_invalid"
    assert "country code" in error["detail"]
    await user.send(type="message", text="   ")
    assert (await user.expect("error"))["code"] == "chat_text_invalid"


async def test_chat_rule_refusals_have_their_codes(connect: ConnectChat) -> None:
    user = await connect()
    # Talking before anybody accepted the chat is refused by the chat service's rule.
    await user.start()
    await user.expect("queued")
    await user.send(type="message", text="Halo?")
    assert (await user.expect("error"))["code"] == "chat_not_accepted_yet"
    await user.start()
    assert (await user.expect("error"))["code"] == "chat_already_open"


def test_too_many_chats_started_by_one_user_is_coded() -> None:
    chats = room(replace(LIMITS, starts_per_minute=1))
    chat_id = start(chats, 1)
    chats.end(EndChat(by=user(1), chat_id=chat_id), T0)
    again = StartChat(endpoint=user(1), user_id="u1", account_id="a", form=FORM)
    with pytest.raises(RateLimited) as refused:
        chats.start(again, T0 + timedelta(seconds=1))
    assert refused.value.code == "chat_too_many_started"
