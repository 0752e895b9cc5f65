"""Live chats through the gateway's sockets: the queue as agents see it, the memory it uses."""

import json
import time
from collections.abc import Awaitable, Callable

from shared.chat import ChatStats
from tests.support.harness import ServiceProcess
from tests.support.sockets import ChatPeer
from tests.support.waiting import eventually

# The `chat_stats` fixture: what the chat service holds in memory (counts only).
Stats = Callable[[], Awaitable[ChatStats]]


def lists(chat_id: str) -> Callable[[dict[str, object]], bool]:
    """A queue frame that lists the chat."""

    def check(frame: dict[str, object]) -> bool:
        items = frame["items"]
        assert isinstance(items, list)
        return any(item["chat_id"] == chat_id for item in items)

    return check


async def memory_is_empty(chat_stats: Stats) -> None:
    async def empty() -> bool:
        return (await chat_stats()).open_chats == 0

    await eventually(empty, within=10)


async def queued_chat(user: ChatPeer, agent: ChatPeer, question: str = "Jak?") -> str:
    """A chat `user` started, once the agent's queue view lists it; its id."""
    await user.start(question=question)
    chat_id: str = (await user.expect("queued"))["chat_id"]
    await agent.expect("queue", where=lists(chat_id))
    return chat_id


async def accepted(agent: ChatPeer, user: ChatPeer, chat_id: str) -> None:
    """The agent takes the chat; both sides hear it."""
    await agent.send(type="accept", chat_id=chat_id)
    await user.expect("accepted")
    await agent.expect("accepted", where=lambda frame: frame["chat_id"] == chat_id)


def instance_of(service: ServiceProcess) -> str:
    """The name a chat instance gave itself, from its log (written as it announces its
    start, just after it is ready)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in service.log_path.read_text().splitlines():
            if '"chat instance started"' in line:
                instance: str = json.loads(line)["instance"]
                return instance
        time.sleep(0.2)
    raise AssertionError(f"no start logged in {service.log_path}")
