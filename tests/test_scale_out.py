"""Scale-out: two gateways behind HAProxy, two instances of tickets, notifications and chat,
on a three-node RabbitMQ cluster; under a stream of ticket creates, answers and chat lines,
`kill -9` of one gateway, one instance of each service and one node, one at a time and then
all together. Nothing is lost or doubled, every answer makes exactly one pop-up, chats on
the survivors go on, and both sides of a chat that died are told why.

Clients do what a real one does in a fault: repeat a failed ticket or reply request with
the same Idempotency-Key, and reconnect. Each fault's recovery times go to the run's
summary (docs/operations.md quotes them)."""

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import websockets
from motor.motor_asyncio import AsyncIOMotorClient

from shared.chat import chat_owner
from shared.settings import Settings
from tests.support.balancer import gateways_balanced
from tests.support.chat import accepted, instance_of, lists
from tests.support.cluster import Cluster, private_cluster
from tests.support.harness import ServiceProcess
from tests.support.sockets import ChatPeer, socket_url
from tests.support.system import HelpDesk, bearer, make_token, running_help_desk
from tests.support.waiting import RECOVERIES, eventually

# The deadlines inside bound each step; the timeout only ends a hang. The default 120 s
# would count the cluster's start (40-65 s on a busy machine) and eight services' into the
# first test.
pytestmark = [pytest.mark.cluster, pytest.mark.kills, pytest.mark.timeout(600)]

SERVICES = ("gateway", "tickets", "notifications", "chat")
ENV = {
    # A socket or chat instance that died is found by the next heartbeats: seconds, not the
    # default 20. Not fewer than 5: a chat's sockets must outlive a node's loss (three missed
    # check-ins end them), and on a loaded machine the reconnects took more than 6 s.
    "HELPDESK_CHAT_HEARTBEAT_SECONDS": "5",
}
# What a client repeats: the proxy's "no gateway answered" and the gateway's "a service
# did not answer in time" (the request may or may not have been acted on).
RETRIED = {502, 503, 504}
# A busy 2-core machine with eleven processes of the help desk and three broker nodes.
PATIENCE = 90.0
# Answered tickets each worker waits for after a kill before the fault counts as over.
CYCLES_AFTER = 5
WORKERS = 4
# A chat line on a surviving chat: delayed at most this long, never lost.
LINE_PATIENCE = 15.0
# The kinds of fault, one at a time and then together. Always the second instance of a
# service; and the node holding the first gateway's push queue, the hardest to lose: the
# surviving chat's sockets are on that gateway, whose queue goes with the node.
FAULTS = {
    "gateway": ("gateway",),
    "tickets": ("tickets",),
    "notifications": ("notifications",),
    "chat": ("chat",),
    "node": ("node",),
    "together": ("gateway", "tickets", "notifications", "chat", "node"),
}


@dataclass
class ScaledDesk:
    cluster: Cluster
    first: HelpDesk
    instances: dict[str, list[ServiceProcess]]
    url: str
    database: Any

    def replace(self, name: str, dead: ServiceProcess) -> ServiceProcess:
        """A new instance in place of a killed one, as a supervisor would start it (a
        gateway on its port: the balancer's configuration names it)."""
        if name == "gateway":
            return dead.start()
        fresh = self.first.spawn(name)
        self.instances[name][self.instances[name].index(dead)] = fresh
        return fresh.start()


@pytest.fixture(scope="module")
def scaled(
    base_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScaledDesk]:
    log_dir = tmp_path_factory.mktemp("scale-out-logs")
    with (
        private_cluster() as cluster,
        running_help_desk(base_settings, cluster.url, log_dir, **ENV) as first,
    ):
        instances = {name: [first.services[name], first.spawn(name)] for name in SERVICES}
        client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(base_settings.mongo_url)
        try:
            for name in SERVICES:
                instances[name][1].start()
            with gateways_balanced([g.port for g in instances["gateway"]], log_dir) as url:
                yield ScaledDesk(cluster, first, instances, url, client[first.settings.mongo_db])
        finally:
            client.close()
            for services in instances.values():
                for service in services:
                    service.stop()


@dataclass
class Ledger:
    """What the clients were told, over the whole module: tickets by creation key, the
    answer written to each ticket."""

    accounts: list[str]
    tickets: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)


@dataclass
class Figures:
    """What clients saw during one fault."""

    killed_at: float = 0.0
    # The longest a client kept repeating a request of each kind, from its first failed
    # try to the answer.
    outages: dict[str, float] = field(default_factory=dict)
    # From an answer accepted after the kill to its pop-up in the user's list.
    popup_delays: list[float] = field(default_factory=list)
    cycles_after: dict[int, int] = field(default_factory=dict)

    def outage(self, what: str, seconds: float) -> None:
        self.outages[what] = max(self.outages.get(what, 0.0), seconds)


async def persist(
    what: str, figures: Figures, send: Callable[[], Awaitable[httpx.Response]]
) -> httpx.Response:
    """Sends until an answer other than "try again", as a client does."""
    failed_at: float | None = None
    while True:
        try:
            response = await send()
            if response.status_code not in RETRIED:
                if failed_at is not None:
                    figures.outage(what, time.monotonic() - failed_at)
                return response
            problem = f"{response.status_code} {response.text[:300]}"
        except httpx.TransportError as error:
            problem = repr(error)
        failed_at = failed_at or time.monotonic()
        if time.monotonic() - failed_at > PATIENCE:
            pytest.fail(f"{what}: still failing after {PATIENCE} s: {problem}")
        # A client's pause before trying again.
        await asyncio.sleep(0.2)


@dataclass
class Worker:
    """A hotel user writing tickets, and support answering each; the user waits for each
    answer's pop-up."""

    number: int
    client: httpx.AsyncClient
    user: dict[str, str]
    agent: dict[str, str]
    ledger: Ledger
    figures: Figures

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.monotonic()
            await self.cycle()
            if self.figures.killed_at and started > self.figures.killed_at:
                after = self.figures.cycles_after
                after[self.number] = after.get(self.number, 0) + 1

    async def cycle(self) -> None:
        key = uuid.uuid4().hex
        created = await persist(
            "ticket creation",
            self.figures,
            lambda: self.client.post(
                "/api/v1/tickets",
                data={"subject": f"Skala {key}", "message": "Nie działa channel manager."},
                headers={**self.user, "Idempotency-Key": key},
            ),
        )
        assert created.status_code == 201, created.text
        number = created.json()["number"]
        self.ledger.tickets[key] = number
        text = f"Odpowiedź {uuid.uuid4().hex}"
        reply_key = uuid.uuid4().hex
        answered = await persist(
            "an agent's answer",
            self.figures,
            lambda: self.client.post(
                f"/api/v1/agent/tickets/{number}/replies",
                data={"message": text},
                headers={**self.agent, "Idempotency-Key": reply_key},
            ),
        )
        assert answered.status_code == 201, answered.text
        self.ledger.answers[number] = text
        answered_at = time.monotonic()

        async def popup_listed() -> bool:
            listed = await persist(
                "listing pop-ups",
                self.figures,
                lambda: self.client.get(
                    "/api/v1/popups", params={"ticket_number": number}, headers=self.user
                ),
            )
            assert listed.status_code == 200, listed.text
            return bool(listed.json()["items"])

        await eventually(popup_listed, PATIENCE)
        if self.figures.killed_at and answered_at > self.figures.killed_at:
            self.figures.popup_delays.append(time.monotonic() - answered_at)


@dataclass
class LiveChat:
    """One accepted chat: its user's and its agent's sockets."""

    chat_id: str
    user: ChatPeer
    agent: ChatPeer
    lines: int = 0

    def ended(self, peer: ChatPeer) -> dict[str, Any] | None:
        return next(
            (f for f in peer.seen if f["type"] == "ended" and f["chat_id"] == self.chat_id),
            None,
        )

    async def talk(self, stop: asyncio.Event) -> None:
        """A line each way, each seen by the other side within a few seconds, until told to
        stop; a line lost or an end fails the test."""
        while not stop.is_set():
            await self.line(uuid.uuid4().hex[:8])
            assert self.ended(self.user) is None and self.ended(self.agent) is None
            # A person's pace (a user's socket may send 120 frames a minute).
            await asyncio.sleep(1.0)

    async def line(self, marker: str) -> None:
        await self.user.send(type="message", text=f"klient {marker}")
        await self.heard(self.agent, "user", marker)
        await self.agent.send(type="message", chat_id=self.chat_id, text=f"wsparcie {marker}")
        await self.heard(self.user, "agent", marker)

    async def heard(self, peer: ChatPeer, sender: str, marker: str) -> None:
        """The other side's line reached `peer` (its own echo, with the same marker, does
        not count: it once hid a lost line)."""
        direction = f"{sender} → {'agent' if sender == 'user' else 'user'}"
        try:
            await peer.expect(
                "message",
                where=lambda f: (
                    f["chat_id"] == self.chat_id and f["from"] == sender and marker in f["text"]
                ),
                within=LINE_PATIENCE,
            )
        except TimeoutError:
            pytest.fail(
                f"a line {direction} of a surviving chat, {LINE_PATIENCE} s late or lost; "
                f"the user saw {self.user.seen[-4:]}, the agent {self.agent.seen[-4:]}"
            )
        self.lines += 1


class Sockets:
    """Chat sockets through the balancer, each on the gateway a test wants it on."""

    def __init__(self, scaled: ScaledDesk, stack: AsyncExitStack) -> None:
        self.scaled = scaled
        self.stack = stack

    async def open(self, path: str, token: str, gateway: str) -> ChatPeer:
        url = socket_url(self.scaled.url, path, token)
        for _ in range(30):
            connection = await websockets.connect(url)
            if (
                connection.response is not None
                and connection.response.headers.get("X-Gateway") == gateway
            ):
                await self.stack.enter_async_context(connection)
                return ChatPeer(connection)
            await connection.close()
        raise AssertionError(f"the balancer never sent a socket to {gateway}")

    async def chat(self, instance: str, user_on: str, agent_on: str) -> LiveChat:
        """An accepted chat living on chat instance `instance`."""
        agent = await self.open("/api/v1/agent/chat", make_token("agent"), agent_on)
        await agent.expect("queue")
        for _ in range(12):
            user = await self.open("/api/v1/chat", make_token("user"), user_on)
            await user.start()
            chat_id: str = (await user.expect("queued"))["chat_id"]
            if chat_owner(chat_id) == instance:
                await agent.expect("queue", where=lists(chat_id))
                await accepted(agent, user, chat_id)
                return LiveChat(chat_id, user, agent)
            await user.close()
        raise AssertionError(f"no chat started on {instance}")


def push_queue_node(scaled: ScaledDesk, gateway: ServiceProcess) -> str:
    """The node holding the gateway's push queue (the gateway logs each one it declares)."""
    declared = [
        json.loads(line)
        for line in gateway.log_path.read_text().splitlines()
        if '"push queue declared"' in line
    ]
    node = scaled.cluster.queue_nodes(scaled.cluster.node(1))[declared[-1]["queue"]]
    assert node in scaled.cluster.nodes, node
    return node


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger([f"scale-{uuid.uuid4().hex[:8]}" for _ in range(2)])


async def told_ended(peer: ChatPeer, chat: LiveChat, reason: str, since: float) -> float:
    """Seconds from the kill until `peer` heard the chat ended, and why."""
    ended = await peer.expect(
        "ended", where=lambda f: f["chat_id"] == chat.chat_id, within=PATIENCE
    )
    assert ended["reason"] == reason, ended
    return time.monotonic() - since


async def check_the_ledger(scaled: ScaledDesk, ledger: Ledger) -> None:
    """Every ticket a client was told of is stored once, with its answer once, and made
    exactly one pop-up; nothing else was stored for these accounts."""
    stored = [
        ticket
        async for ticket in scaled.database["tickets"].find(
            {"account_id": {"$in": ledger.accounts}},
            {"number": 1, "subject": 1, "messages.body": 1},
        )
    ]
    subjects = sorted(ticket["subject"] for ticket in stored)
    assert subjects == sorted(f"Skala {key}" for key in ledger.tickets), "lost or doubled"
    by_number = {ticket["number"]: ticket for ticket in stored}
    assert sorted(by_number) == sorted(ledger.tickets.values())
    for number, text in ledger.answers.items():
        bodies = [message["body"] for message in by_number[number]["messages"]]
        assert bodies.count(text) == 1, (number, bodies)
    popups = [
        popup["ticket_number"]
        async for popup in scaled.database["popups"].find(
            {"ticket_number": {"$in": list(ledger.answers)}}, {"ticket_number": 1}
        )
    ]
    assert sorted(popups) == sorted(ledger.answers), "a pop-up missing or made twice"


async def balancer_uses(scaled: ScaledDesk, gateway: str) -> None:
    async with httpx.AsyncClient(base_url=scaled.url, timeout=10) as client:

        async def answering() -> bool:
            seen = set()
            for _ in range(4):
                try:
                    seen.add((await client.get("/healthz")).headers.get("X-Gateway"))
                except httpx.TransportError:
                    return False
            return gateway in seen

        await eventually(answering, PATIENCE)


async def restore(
    scaled: ScaledDesk, victims: dict[str, ServiceProcess], node: str | None
) -> float:
    """Starts what was killed again, as a supervisor would; the seconds until it serves."""
    began = time.monotonic()
    for name, dead in victims.items():
        if dead.process is not None and dead.process.poll() is not None:
            scaled.replace(name, dead)
    if node is not None:
        other = next(each for each in scaled.cluster.nodes if each != node)
        if node not in scaled.cluster.running_nodes(other):
            scaled.cluster.script("start")

        async def three_nodes() -> bool:
            return len(scaled.cluster.running_nodes(other)) == 3

        await eventually(three_nodes, PATIENCE)
    if "gateway" in victims:
        await balancer_uses(scaled, "gateway2")
    return time.monotonic() - began


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_kill_loses_nothing_and_ends_only_the_chats_it_must(
    scaled: ScaledDesk, ledger: Ledger, fault: str
) -> None:
    killed = FAULTS[fault]
    victims = {name: scaled.instances[name][1] for name in killed if name != "node"}
    node = push_queue_node(scaled, scaled.instances["gateway"][0]) if "node" in killed else None
    try:
        await under_load(scaled, ledger, killed, victims, node)
    finally:
        # Whatever happened, the next fault starts from two of each and three nodes.
        back = await restore(scaled, victims, node)
    RECOVERIES.append((f"scale-out, {' + '.join(killed)} killed: back to two of each", back))


async def under_load(
    scaled: ScaledDesk,
    ledger: Ledger,
    killed: tuple[str, ...],
    victims: dict[str, ServiceProcess],
    node: str | None,
) -> None:
    """The fault under a stream of tickets, answers and chat lines, and what it left."""
    cluster = scaled.cluster
    steady_instance, doomed_instance = map(instance_of, scaled.instances["chat"])
    agent = bearer(make_token("agent", name="Ewa Wsparcie"))
    users = [
        bearer(make_token("user", ledger.accounts[n % 2], f"user-{n}")) for n in range(WORKERS)
    ]
    figures = Figures()
    stop = asyncio.Event()
    async with (
        AsyncExitStack() as stack,
        httpx.AsyncClient(base_url=scaled.url, timeout=30) as client,
    ):
        sockets = Sockets(scaled, stack)
        steady = await sockets.chat(steady_instance, "gateway1", "gateway1")
        # Its user's socket on the gateway killed: the agent is told the user left.
        cut_by_gateway = (
            await sockets.chat(steady_instance, "gateway2", "gateway1")
            if "gateway" in killed
            else None
        )
        # Held by the chat instance killed: both sides are told the service restarted.
        cut_by_chat = (
            await sockets.chat(doomed_instance, "gateway1", "gateway1")
            if "chat" in killed
            else None
        )
        workers = [Worker(n, client, users[n], agent, ledger, figures) for n in range(WORKERS)]
        tasks = [asyncio.create_task(worker.run(stop)) for worker in workers]
        tasks.append(asyncio.create_task(steady.talk(stop)))

        def failed() -> None:
            for task in tasks:
                if task.done():
                    task.result()

        async def progressed(cycles: int, lines: int) -> bool:
            failed()
            done = [figures.cycles_after.get(n, 0) for n in range(WORKERS)]
            return min(done) >= cycles and steady.lines >= lines

        try:
            before = len(ledger.answers)

            async def warm() -> bool:
                failed()
                return len(ledger.answers) >= before + WORKERS and steady.lines >= 2

            await eventually(warm, PATIENCE)
            lines_before = steady.lines
            figures.killed_at = time.monotonic()
            for service in victims.values():
                service.stop(kill=True)
            if node is not None:
                cluster.kill(node)
            told = []
            if cut_by_gateway is not None:
                told.append(
                    (
                        "the agent of a chat whose user's gateway died",
                        cut_by_gateway.agent,
                        cut_by_gateway,
                        "user_left",
                    )
                )
            if cut_by_chat is not None:
                for side, peer in (("user", cut_by_chat.user), ("agent", cut_by_chat.agent)):
                    told.append(
                        (
                            f"the {side} of a chat whose chat instance died",
                            peer,
                            cut_by_chat,
                            "service_restarted",
                        )
                    )
            heard = await asyncio.gather(
                *(told_ended(peer, chat, why, figures.killed_at) for _, peer, chat, why in told)
            )
            # The surviving chat talked on: lines both ways after the kill.
            await eventually(lambda: progressed(CYCLES_AFTER, lines_before + 4), PATIENCE * 2)
        finally:
            stop.set()
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    await check_the_ledger(scaled, ledger)
    label = f"scale-out, {' + '.join(killed)} killed"
    for what, seconds in sorted(figures.outages.items()):
        RECOVERIES.append((f"{label}: {what} repeated by a client for", seconds))
    RECOVERIES.append((f"{label}: slowest pop-up of an answer", max(figures.popup_delays)))
    for (what, *_), seconds in zip(told, heard, strict=True):
        RECOVERIES.append((f"{label}: {what} told it ended", seconds))
    print(
        f"{label}: {len(ledger.tickets)} tickets and answers so far, "
        f"{steady.lines} lines on the surviving chat, outages {figures.outages}"
    )
