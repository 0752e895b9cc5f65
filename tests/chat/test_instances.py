"""Chat in several instances: each chat lives on one, agents see and take all of them.

A private virtual host with two gateways and a steady chat instance for the module; each
test spawns the other chat instances it needs (and stops or kills only those).
"""

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import websockets

from shared.chat import chat_owner
from tests.support.chat import accepted, instance_of, lists
from tests.support.harness import ServiceProcess
from tests.support.sockets import ChatPeer, socket_url
from tests.support.system import HelpDesk, bearer, make_token, private_vhost
from tests.support.waiting import RECOVERIES

ENV = {
    # A dead instance is found by the next heartbeat: seconds, not the default 20.
    "HELPDESK_CHAT_HEARTBEAT_SECONDS": "2",
    "HELPDESK_CHAT_QUEUE_LIMIT": "10",
    # 20 % of 10 is 2: the floor of three applies.
    "HELPDESK_CHAT_ACCOUNT_QUEUE_PERCENT": "20",
    "HELPDESK_SOCKETS_PER_PERSON": "5",
}
# Found gone by a heartbeat (2 s) of each socket, on a busy machine.
ENDED_WITHIN = 20


@dataclass
class Cluster:
    system: HelpDesk
    env: dict[str, str]
    gateway_a: str
    gateway_b: str
    steady: str
    spawned: list[ServiceProcess] = field(default_factory=list)

    def chat_instance(self) -> tuple[ServiceProcess, str]:
        """Another chat instance, stopped after the test; with its name."""
        service = self.system.spawn("chat", **self.env)
        self.spawned.append(service)
        service.start()
        return service, instance_of(service)


@pytest.fixture(scope="module")
def cluster(system: HelpDesk) -> Iterator[Cluster]:
    with private_vhost(system.settings.rabbitmq_url, "helpdesk-chatscale") as rabbitmq_url:
        env = {**ENV, "HELPDESK_RABBITMQ_URL": rabbitmq_url}
        services: list[ServiceProcess] = []
        try:
            steady = system.spawn("chat", **env)
            services = [steady, system.spawn("gateway", **env), system.spawn("gateway", **env)]
            for service in services:
                service.start()
            yield Cluster(system, env, services[1].url, services[2].url, instance_of(steady))
        finally:
            for service in services:
                service.stop()


class Sockets:
    def __init__(self, cluster: Cluster, stack: AsyncExitStack) -> None:
        self.cluster = cluster
        self.stack = stack

    async def open(self, gateway_url: str, token: str, agent: bool = False) -> ChatPeer:
        path = "/api/v1/agent/chat" if agent else "/api/v1/chat"
        url = socket_url(gateway_url, path, token)
        return ChatPeer(await self.stack.enter_async_context(websockets.connect(url)))

    async def agent(self) -> ChatPeer:
        """An agent's console on gateway A, once it shows the queue."""
        token = make_token("agent", name=f"agent-{uuid.uuid4().hex[:6]}")
        agent = await self.open(self.cluster.gateway_a, token, agent=True)
        await agent.expect("queue")
        return agent

    async def chat_on(self, instance: str, agent: ChatPeer) -> tuple[ChatPeer, str]:
        """A user on gateway B whose chat waits on `instance` (starts go to any instance:
        windows whose chat landed elsewhere are closed); the user and the chat's id."""
        for _ in range(8):
            user = await self.open(self.cluster.gateway_b, make_token("user"))
            await user.start()
            chat_id: str = (await user.expect("queued"))["chat_id"]
            if chat_owner(chat_id) == instance:
                await agent.expect("queue", where=lists(chat_id))
                return user, chat_id
            await user.close()
        raise AssertionError(f"no chat started on {instance}")


@pytest.fixture
async def sockets(cluster: Cluster) -> AsyncIterator[Sockets]:
    async with AsyncExitStack() as stack:
        yield Sockets(cluster, stack)
    for service in cluster.spawned:
        service.stop()
    cluster.spawned.clear()


async def talk(agent: ChatPeer, user: ChatPeer, chat_id: str) -> None:
    """A line each way, each seen by the other side."""
    marker = uuid.uuid4().hex[:8]
    await user.send(type="message", text=f"user {marker}")
    await agent.expect("message", where=lambda frame: said(frame, chat_id, "user", marker))
    await agent.send(type="message", chat_id=chat_id, text=f"agent {marker}")
    # Not the user's own echo, which carries the same marker.
    await user.expect("message", where=lambda frame: said(frame, chat_id, "agent", marker))


def said(frame: dict[str, Any], chat_id: str, sender: str, marker: str) -> bool:
    return frame["chat_id"] == chat_id and frame["from"] == sender and marker in frame["text"]


def ended(peer: ChatPeer, chat_id: str) -> bool:
    return any(frame["type"] == "ended" and frame["chat_id"] == chat_id for frame in peer.seen)


async def test_an_agent_sees_and_takes_the_chats_of_every_instance(
    cluster: Cluster, sockets: Sockets
) -> None:
    _, second = cluster.chat_instance()
    agent = await sockets.agent()
    chats = [await sockets.chat_on(instance, agent) for instance in (cluster.steady, second)]
    both = [chat_id for _, chat_id in chats]
    # One waiting list: both instances' chats, on a gateway neither user is on.
    await agent.expect("queue", where=lambda frame: all(lists(id)(frame) for id in both))
    for user, chat_id in chats:
        await accepted(agent, user, chat_id)
        await talk(agent, user, chat_id)


async def test_one_waiting_chat_per_person_and_the_account_share_hold_across_instances(
    cluster: Cluster, sockets: Sockets
) -> None:
    cluster.chat_instance()
    agent = await sockets.agent()
    account = f"hotel-{uuid.uuid4().hex[:8]}"
    anna = make_token("user", account, "anna")
    first = await sockets.open(cluster.gateway_b, anna)
    await first.start()
    waiting = [(await first.expect("queued"))["chat_id"]]
    await agent.expect("queue", where=lists(waiting[0]))
    # Starts go to the instances in turn: some of these reach the one Anna does not wait on.
    second = await sockets.open(cluster.gateway_a, anna)
    for _ in range(3):
        await second.start()
        refused = await second.expect("error", "queued")
        assert refused.get("code") == "chat_already_waiting", refused
    for name in ("bea", "cyd"):
        user = await sockets.open(cluster.gateway_b, make_token("user", account, name))
        await user.start()
        waiting.append((await user.expect("queued"))["chat_id"])
    assert {chat_owner(chat_id) for chat_id in waiting} == {
        cluster.steady,
        *(instance_of(service) for service in cluster.spawned),
    }
    await agent.expect("queue", where=lambda frame: all(lists(id)(frame) for id in waiting))
    for name in ("dag", "eve", "fay"):
        user = await sockets.open(cluster.gateway_b, make_token("user", account, name))
        await user.start()
        busy = await user.expect("busy", "queued")
        assert busy == {"type": "busy", "reason": "account_queue_full"}


async def test_the_queue_limit_holds_across_instances(cluster: Cluster, sockets: Sockets) -> None:
    cluster.chat_instance()
    agent = await sockets.agent()
    waiting = []
    for _ in range(10):
        user = await sockets.open(cluster.gateway_b, make_token("user"))
        await user.start()
        waiting.append((await user.expect("queued"))["chat_id"])
    assert len({chat_owner(chat_id) for chat_id in waiting}) == 2
    await agent.expect("queue", where=lambda frame: all(lists(id)(frame) for id in waiting))
    for _ in range(2):
        user = await sockets.open(cluster.gateway_b, make_token("user"))
        await user.start()
        assert await user.expect("busy", "queued") == {"type": "busy", "reason": "queue_full"}


@pytest.mark.kills
@pytest.mark.parametrize("kill", [False, True], ids=["sigterm", "kill-9"])
async def test_an_instance_that_stops_ends_only_its_chats_and_a_new_one_ends_none(
    cluster: Cluster, sockets: Sockets, kill: bool
) -> None:
    doomed, doomed_name = cluster.chat_instance()
    agent = await sockets.agent()
    user, chat_id = await sockets.chat_on(cluster.steady, agent)
    lost_user, lost_id = await sockets.chat_on(doomed_name, agent)
    for peer, chat in ((user, chat_id), (lost_user, lost_id)):
        await accepted(agent, peer, chat)

    stopped_at = time.monotonic()
    doomed.stop(kill=kill)
    # Both sides of its chat hear it ended; a SIGTERM says so itself, a kill -9 is found
    # by the sockets' heartbeats.
    for peer in (lost_user, agent):
        gone = await peer.expect(
            "ended", where=lambda frame: frame["chat_id"] == lost_id, within=ENDED_WITHIN
        )
        assert gone["reason"] == "service_restarted"
    how = "killed (-9)" if kill else "stopped (SIGTERM)"
    RECOVERIES.append((f"chat instance {how}: both sides told", time.monotonic() - stopped_at))
    await talk(agent, user, chat_id)

    # A new instance announces its start: the steady instance's chat goes on.
    cluster.chat_instance()
    await talk(agent, user, chat_id)
    assert not ended(agent, chat_id) and not ended(user, chat_id)


async def test_an_agents_choice_of_away_holds_on_every_instance_a_new_one_too(
    cluster: Cluster, sockets: Sockets
) -> None:
    _, second = cluster.chat_instance()
    watcher = await sockets.agent()
    token = make_token("agent", name="Ewa")
    ewa = await sockets.open(cluster.gateway_b, token, agent=True)
    await ewa.expect("queue")

    async def choose(status: str) -> None:
        async with httpx.AsyncClient(base_url=cluster.gateway_b, timeout=10) as client:
            chosen = await client.put(
                "/api/v1/agent/availability", json={"status": status}, headers=bearer(token)
            )
        assert chosen.status_code == 200 and chosen.json()["status"] == status

    await choose("away")
    await ewa.expect("queue", where=lambda frame: frame["availability"] == "away")
    # A third instance starts after the choice: it learns it too.
    _, newest = cluster.chat_instance()
    chats = {}
    for instance in (cluster.steady, second, newest):
        chats[instance] = await sockets.chat_on(instance, watcher)
    for _, chat_id in chats.values():
        await ewa.send(type="accept", chat_id=chat_id)
        refused = await ewa.expect("error")
        assert refused["code"] == "chat_agent_away"
    await choose("online")
    user, chat_id = chats[newest]
    await accepted(ewa, user, chat_id)
