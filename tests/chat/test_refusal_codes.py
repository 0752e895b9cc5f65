"""Chat refusals carry a stable `code` for the client to translate, beside the English detail."""

from tests.chat.conftest import ConnectChat


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
