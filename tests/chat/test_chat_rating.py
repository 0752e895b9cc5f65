"""Rating a chat right after it ends: once, on the user's own socket, stored as the account,
the stars and the time, and nothing of the chat itself."""

from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase

from tests.support.chat import queued_chat
from tests.support.sockets import ChatPeer, ConnectChat
from tests.support.system import Account

NAME, PHONE, QUESTION = "Zofia Wiśniewska", "+48600123456", "Gdzie jest raport obłożenia?"


async def talked(connect: ConnectChat, account: Account) -> tuple[ChatPeer, ChatPeer, str]:
    """A user of `account` and an agent who accepted the user's chat and answered it."""
    agent = await connect(agent=True, name="Ewa (wsparcie)")
    await agent.expect("queue")
    user = await connect(account_id=account.account_id, name=NAME)
    await user.start(name=NAME, question=QUESTION)
    chat_id: str = (await user.expect("queued"))["chat_id"]
    await agent.send(type="accept", chat_id=chat_id)
    await user.expect("accepted")
    await agent.send(type="message", chat_id=chat_id, text="Raporty → Obłożenie.")
    await user.expect("message")
    return user, agent, chat_id


async def test_a_user_rates_a_chat_once_after_it_ends_and_only_the_account_is_kept(
    connect: ConnectChat, account: Account, database: AsyncIOMotorDatabase[Any]
) -> None:
    user, agent, chat_id = await talked(connect, account)

    await user.send(type="end")
    ended = await user.expect("ended")
    assert (ended["chat_id"], ended["reason"], ended["rateable"]) == (
        chat_id,
        "ended_by_user",
        True,
    )
    # The agent is told the chat ended; support is never offered to rate it.
    assert (await agent.expect("ended"))["rateable"] is False
    await user.send(type="rate", rating=5)
    assert (await user.expect("rated")) == {"type": "rated", "rating": 5}
    await user.send(type="rate", rating=1)
    again = await user.expect("error")

    assert again["code"] == "chat_rating_unavailable"
    stored = [d async for d in database["ratings"].find({"account_id": account.account_id})]
    assert len(stored) == 1
    assert set(stored[0]) == {"_id", "kind", "account_id", "rating", "rated_at"}
    assert (stored[0]["kind"], stored[0]["rating"]) == ("chat", 5)
    text = repr(stored[0])
    for secret in (chat_id, NAME, PHONE, QUESTION, "Obłożenie"):
        assert secret not in text


async def test_a_chat_ended_by_support_may_be_rated_too(
    connect: ConnectChat, account: Account, database: AsyncIOMotorDatabase[Any]
) -> None:
    user, agent, chat_id = await talked(connect, account)

    await agent.send(type="end", chat_id=chat_id)
    ended = await user.expect("ended")
    await user.send(type="rate", rating=3)

    assert (ended["reason"], ended["rateable"]) == ("ended_by_agent", True)
    assert (await user.expect("rated"))["rating"] == 3
    assert await database["ratings"].count_documents({"account_id": account.account_id}) == 1


async def test_a_chat_nobody_answered_or_still_going_cannot_be_rated(
    connect: ConnectChat, account: Account, database: AsyncIOMotorDatabase[Any]
) -> None:
    agent = await connect(agent=True)
    user = await connect(account_id=account.account_id)
    await queued_chat(user, agent)
    await user.send(type="rate", rating=5)
    assert (await user.expect("error"))["code"] == "chat_rating_unavailable"

    await user.send(type="end")
    assert (await user.expect("ended"))["rateable"] is False
    await user.send(type="rate", rating=5)
    assert (await user.expect("error"))["code"] == "chat_rating_unavailable"
    for bad in (0, 6, "5", None):
        await user.send(type="rate", rating=bad)
        assert (await user.expect("error"))["code"] == "chat_rating_invalid"
    assert await database["ratings"].count_documents({"account_id": account.account_id}) == 0
