"""Load generator of the live-chat scenario: CHATS users and AGENTS agents on sockets.

    python -m bench.load.chat URL [--chats 250] [--agents 5] [--rounds 10] [--pace 2]

Every user starts a chat; when all are waiting, this process's agents accept them (an agent
accepts only chats of this process's users, so several generators can share one gateway);
then every chat does ROUNDS rounds of user line → agent (which answers at once) → user, a
round about every PACE seconds. A latency runs from the sender's `send` to the other
side's socket receiving the line. Prints {"user → agent": Samples, "agent → user": Samples}.
"""

import argparse
import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field

import websockets
from websockets.asyncio.client import ClientConnection

from bench.load.samples import Samples, bearer

TO_AGENT = "user → agent"
TO_USER = "agent → user"


@dataclass
class Chat:
    user: ClientConnection
    chat_id: str = ""
    sent_at: dict[str, float] = field(default_factory=dict)
    answered: asyncio.Queue[str] = field(default_factory=asyncio.Queue)


@dataclass
class Directions:
    to_agent: Samples = field(default_factory=Samples)
    to_user: Samples = field(default_factory=Samples)


async def read_user(
    chat: Chat, queued: asyncio.Event, accepted: asyncio.Event, samples: Directions
) -> None:
    async for raw in chat.user:
        frame = json.loads(raw)
        if frame["type"] == "queued" and not chat.chat_id:
            chat.chat_id = frame["chat_id"]
            queued.set()
        elif frame["type"] == "accepted":
            accepted.set()
        elif frame["type"] == "message" and frame["from"] == "agent":
            sent = chat.sent_at.pop(frame["text"])
            samples.to_user.add((time.perf_counter() - sent) * 1000)
            await chat.answered.put(frame["text"])


async def read_agent(agent: ClientConnection, chats: dict[str, Chat], samples: Directions) -> None:
    async for raw in agent:
        frame = json.loads(raw)
        if frame["type"] != "message" or frame["from"] != "user":
            continue
        chat = chats[frame["chat_id"]]
        samples.to_agent.add((time.perf_counter() - chat.sent_at.pop(frame["text"])) * 1000)
        reply = "a" + frame["text"][1:]
        chat.sent_at[reply] = time.perf_counter()
        await agent.send(json.dumps({"type": "message", "chat_id": chat.chat_id, "text": reply}))


async def converse(chat: Chat, rounds: int, pace: float, samples: Directions) -> None:
    await asyncio.sleep(random.uniform(0, pace))
    for n in range(rounds):
        text = f"u{n}-{chat.chat_id[:8]}"
        chat.sent_at[text] = time.perf_counter()
        await chat.user.send(json.dumps({"type": "message", "text": text}))
        try:
            await asyncio.wait_for(chat.answered.get(), timeout=30)
        except TimeoutError:
            samples.to_user.error()
        await asyncio.sleep(pace)


async def run(args: argparse.Namespace) -> Directions:
    base = args.url.replace("http://", "ws://")
    tag = uuid.uuid4().hex[:6]
    samples = Directions()
    agents = [
        await websockets.connect(
            f"{base}/api/v1/agent/chat?token={bearer('agent', f'agent-{tag}-{n}')}"
        )
        for n in range(args.agents)
    ]
    chats: dict[str, Chat] = {}
    readers = []
    accepted_events = []
    for n in range(args.chats):
        user = await websockets.connect(
            f"{base}/api/v1/chat?token={bearer('user', f'user-{tag}-{n}')}"
        )
        chat = Chat(user)
        queued, accepted = asyncio.Event(), asyncio.Event()
        readers.append(asyncio.create_task(read_user(chat, queued, accepted, samples)))
        start = {"type": "start", "name": f"User {n}", "phone": "+48 600 123 456", "question": "?"}
        await user.send(json.dumps(start))
        await queued.wait()
        chats[chat.chat_id] = chat
        accepted_events.append(accepted)
    readers += [asyncio.create_task(read_agent(agent, chats, samples)) for agent in agents]
    for n, chat in enumerate(chats.values()):
        await agents[n % len(agents)].send(json.dumps({"type": "accept", "chat_id": chat.chat_id}))
    await asyncio.gather(*(event.wait() for event in accepted_events))

    began = time.perf_counter()
    samples.to_agent.began = samples.to_user.began = began
    await asyncio.gather(
        *(converse(chat, args.rounds, args.pace, samples) for chat in chats.values())
    )
    samples.to_agent.finish()
    samples.to_user.finish()
    for connection in [*(chat.user for chat in chats.values()), *agents]:
        await connection.close()
    for reader in readers:
        reader.cancel()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url")
    parser.add_argument("--chats", type=int, default=250)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pace", type=float, default=2.0, help="seconds between rounds")
    args = parser.parse_args()
    samples = asyncio.run(run(args))
    payload = {TO_AGENT: samples.to_agent.as_dict(), TO_USER: samples.to_user.as_dict()}
    print(json.dumps(payload), flush=True)


if __name__ == "__main__":
    main()
