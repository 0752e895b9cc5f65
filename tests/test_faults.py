"""Faults under load: a service killed, the broker restarted. Nothing lost, nothing doubled.

Clients create tickets the way a real client does: with an Idempotency-Key, retrying on
503 until they get 201. Afterwards every key has exactly one ticket, every ticket is in
the database, and its ticket.created event was published (redeliveries carry the same
event_id, which consumers deduplicate on).

A fault ends only when the gateway answers 2xx again through the broker (waited for with a
deadline, and the time reported in the run's summary), so assertions never race the
recovery and the next test starts on a working system.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
import pytest

from tests.support.events import DurableWatch
from tests.support.harness import ServiceProcess
from tests.support.system import Account, HelpDesk, rabbitmqctl
from tests.support.waiting import RECOVERIES, eventually, recovered

CLIENTS = 40
# However loaded the machine, recovery past this is a failure, not a slow pass.
RECOVERY_DEADLINE = 60.0
# The gateway's deadline is 4 s, but on a 2-core machine shared by many processes (load
# average 15-29, two CPU burners among them) an answer while the tickets service was killed
# and restarted took up to 11.5 s from the client's side: every process was starved of CPU.
# So the bound here only catches a request held for about as long as the whole fault lasts
# (a hang until the broker or the service is back); the run's summary shows the slowest
# answer of each fault, and the 4 s deadline itself is enforced inside the gateway.
ANSWER_BOUND = 20.0

LoadT = TypeVar("LoadT")
Answers = Callable[[], Awaitable[bool]]
# A fault sets its event once it has struck (the second half of the load waits for that, so
# the load always meets the fault however slow the machine), and returns once `answers`.
Fault = Callable[[Answers, asyncio.Event], Awaitable[None]]


def kill_and_restart(service: ServiceProcess) -> Fault:
    """The fault: `kill -9` the service shortly after the load starts, restart it 2 s later."""

    async def fault(answers: Answers, struck: asyncio.Event) -> None:
        await asyncio.sleep(0.8)
        service.stop(kill=True)
        struck.set()
        await asyncio.sleep(2)
        await asyncio.to_thread(service.start)
        await recovered(
            f"{service.name} restarted: gateway answers 2xx", answers, RECOVERY_DEADLINE
        )

    return fault


async def restart_broker(answers: Answers, struck: asyncio.Event) -> None:
    """The fault: RabbitMQ stopped for 10 s shortly after the load starts."""
    await asyncio.sleep(0.8)
    await asyncio.to_thread(rabbitmqctl, "stop_app")
    struck.set()
    await asyncio.sleep(10)
    await asyncio.to_thread(rabbitmqctl, "start_app")
    await recovered("broker back: gateway answers 2xx", answers, RECOVERY_DEADLINE)


@dataclass
class Outcomes:
    """The status of every answer clients got during a fault, and the slowest one's time."""

    statuses: list[int] = field(default_factory=list)
    slowest: float = 0.0

    def report(self) -> None:
        RECOVERIES.append(("slowest answer to a client during that fault", self.slowest))


async def alongside(load: Awaitable[LoadT], fault: Awaitable[None]) -> LoadT:
    """The load's result once both are done: a failing load still lets the fault finish
    (and the system recover), so one failure never spills into the next test."""
    outcome, fault_outcome = await asyncio.gather(load, fault, return_exceptions=True)
    if isinstance(outcome, BaseException):
        raise outcome
    if isinstance(fault_outcome, BaseException):
        raise fault_outcome
    return outcome


def answering(gateway: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Answers:
    """Whether a read that needs a service over the broker succeeds now."""

    async def answers() -> bool:
        try:
            return (await gateway.get(path, headers=headers, timeout=10)).status_code == 200
        except httpx.TransportError:
            return False

    return answers


async def post_until_accepted(
    gateway: httpx.AsyncClient,
    path: str,
    data: dict[str, str],
    headers: dict[str, str],
    outcomes: "Outcomes",
) -> httpx.Response:
    """A client's write with an Idempotency-Key in `headers`, retried until accepted."""
    for _attempt in range(120):
        started = time.monotonic()
        try:
            response = await gateway.post(path, data=data, headers=headers, timeout=10)
        except httpx.TransportError:
            await asyncio.sleep(0.5)
            continue
        took = time.monotonic() - started
        outcomes.statuses.append(response.status_code)
        outcomes.slowest = max(outcomes.slowest, took)
        # A refusal during an outage must be clear and quick, never a 500 or a hang.
        assert response.status_code in (201, 503), response.text
        assert took < ANSWER_BOUND
        if response.status_code == 201:
            return response
        await asyncio.sleep(0.5)
    pytest.fail(f"POST {path} never accepted")


async def load_through(
    fault: Fault,
    gateway: httpx.AsyncClient,
    account: Account,
    watch: DurableWatch,
    database: object,
) -> list[int]:
    outcomes = Outcomes()
    headers = account.user("anna")
    struck = asyncio.Event()

    async def client(index: int) -> str:
        await asyncio.sleep(index * 0.05)
        if index >= CLIENTS // 2:
            await struck.wait()
        key = f"{account.account_id}-{index}"
        response = await post_until_accepted(
            gateway,
            "/api/v1/tickets",
            {"subject": f"Awaria {key}", "message": "..."},
            {**headers, "Idempotency-Key": key},
            outcomes,
        )
        number: str = response.json()["number"]
        return number

    numbers = await alongside(
        asyncio.gather(*(client(index) for index in range(CLIENTS))),
        fault(answering(gateway, "/api/v1/tickets", headers), struck),
    )
    assert len(set(numbers)) == CLIENTS
    tickets = database["tickets"]  # type: ignore[index]
    for number in numbers:
        stored = await tickets.find_one({"_id": number})
        assert stored is not None and stored["account_id"] == account.account_id, number
    history = await gateway.get("/api/v1/tickets", params={"page_size": 100}, headers=headers)
    assert history.status_code == 200, history.text
    assert history.json()["total"] == CLIENTS, "a ticket was lost or doubled"
    assert sorted(row["number"] for row in history.json()["items"]) == sorted(numbers)
    events = await watch.collect_until(
        lambda seen: {event["payload"]["number"] for event in seen} >= set(numbers)
    )
    for number in numbers:
        ids = {event["event_id"] for event in events if event["payload"]["number"] == number}
        assert len(ids) == 1, f"{number} was announced as {len(ids)} different events"
    outcomes.report()
    return outcomes.statuses


@pytest.mark.disruptive
async def test_tickets_service_killed_mid_load_loses_and_doubles_nothing(
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    created_tickets_watch: DurableWatch,
    database: object,
) -> None:
    statuses = await load_through(
        kill_and_restart(system.services["tickets"]),
        gateway,
        account,
        created_tickets_watch,
        database,
    )
    assert 503 in statuses, "the kill happened after the load: the test proved nothing"


@pytest.mark.disruptive
async def test_broker_restart_mid_load_loses_and_doubles_nothing(
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    created_tickets_watch: DurableWatch,
    database: object,
) -> None:
    statuses = await load_through(restart_broker, gateway, account, created_tickets_watch, database)
    assert 503 in statuses, "the outage happened after the load: the test proved nothing"


REPLIED_TICKETS = 20


async def answers_through(
    fault: Fault,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
) -> list[int]:
    """Agents answer tickets while `fault` happens; each author gets exactly one pop-up."""
    anna = account.user("anna")
    numbers = []
    for index in range(REPLIED_TICKETS):
        response = await gateway.post(
            "/api/v1/tickets", data={"subject": f"Pytanie {index}", "message": "?"}, headers=anna
        )
        numbers.append(response.json()["number"])
    outcomes = Outcomes()
    struck = asyncio.Event()

    async def answer(index: int, number: str) -> None:
        await asyncio.sleep(index * 0.1)
        if index >= REPLIED_TICKETS // 2:
            await struck.wait()
        await post_until_accepted(
            gateway,
            f"/api/v1/agent/tickets/{number}/replies",
            {"message": f"Odpowiedź do {number}"},
            {**agent, "Idempotency-Key": f"answer-{number}"},
            outcomes,
        )

    await alongside(
        asyncio.gather(*(answer(i, n) for i, n in enumerate(numbers))),
        fault(answering(gateway, "/api/v1/popups", anna), struck),
    )

    async def one_popup_per_answer() -> bool:
        popups = await gateway.get(
            "/api/v1/popups", params={"state": "all", "page_size": 100}, headers=anna
        )
        if popups.status_code != 200:
            return False
        # Announcements to everyone from other tests reach this user too: only answers count.
        per_ticket = Counter(
            item["ticket_number"]
            for item in popups.json()["items"]
            if item["ticket_number"] in numbers
        )
        assert all(count == 1 for count in per_ticket.values()), per_ticket
        return set(per_ticket) == set(numbers)

    await eventually(one_popup_per_answer, within=60)
    outcomes.report()
    return outcomes.statuses


@pytest.mark.disruptive
async def test_notifications_service_killed_mid_answers_makes_each_popup_once(
    system: HelpDesk, gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    statuses = await answers_through(
        kill_and_restart(system.services["notifications"]), gateway, account, agent
    )
    assert set(statuses) <= {201, 503}


@pytest.mark.disruptive
async def test_broker_restart_mid_answers_makes_each_popup_once(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    statuses = await answers_through(restart_broker, gateway, account, agent)
    assert 503 in statuses, "the outage happened after the answers: the test proved nothing"
