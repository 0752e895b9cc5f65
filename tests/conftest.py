"""Fixtures that start what the tests need: real servers, the four services, tokens.

Integration tests run against the real RabbitMQ and MongoDB-wire server that
deploy/servers.sh starts. A test session gets its own RabbitMQ virtual host and its own
database, so it never meets a locally running help desk, and cleans both up afterwards.
"""

import asyncio
import json
import logging
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aio_pika
import httpx
import pytest
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo import MongoClient

from deploy.probe import answers
from shared.database import connect_database
from shared.settings import Settings
from shared.tokens import mint_token
from shared.topology import EVENTS_EXCHANGE
from tests.harness import ServiceProcess, free_port

TEST_JWT_SECRET = "test-secret-" + uuid.uuid4().hex
TEST_BUS_KEY = "test-bus-key-" + uuid.uuid4().hex
SERVER_HINT = "start them with `bash deploy/servers.sh start` (deploy/test.sh does it for you)"


# Recovery times measured by the fault tests in this run, shown in the run's summary.
RECOVERIES: list[tuple[str, float]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RECOVERIES:
        terminalreporter.section("recovery times")
        for what, seconds in RECOVERIES:
            terminalreporter.write_line(f"{seconds:6.2f} s  {what}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that stop a shared server run last, so they cannot disturb the others."""
    items.sort(key=lambda item: item.get_closest_marker("disruptive") is not None)


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    settings = Settings()
    if not answers("amqp", settings.rabbitmq_url):
        pytest.fail(f"RabbitMQ does not answer at {settings.rabbitmq_url}: {SERVER_HINT}")
    if not answers("mongodb", settings.mongo_url):
        pytest.fail(f"no MongoDB-wire server answers at {settings.mongo_url}: {SERVER_HINT}")
    return settings


@pytest.fixture(scope="session")
def vhost(base_settings: Settings) -> Iterator[str]:
    name = f"helpdesk-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    yield name
    rabbitmqctl("delete_vhost", name)


@dataclass
class HelpDesk:
    """The running help desk of this test session and how to reach it."""

    env: dict[str, str]
    settings: Settings
    services: dict[str, ServiceProcess]
    log_dir: Path

    @property
    def gateway_url(self) -> str:
        return self.services["gateway"].url

    def spawn(self, name: str, **env: str) -> ServiceProcess:
        """Another instance of a service (a second gateway, a restarted consumer...)."""
        port = free_port()
        port_var = "GATEWAY_PORT" if name == "gateway" else f"{name.upper()}_PORT"
        overrides = {f"HELPDESK_{port_var}": str(port), **env}
        return ServiceProcess(name, {**self.env, **overrides}, port, self.log_dir)


@pytest.fixture(scope="session")
def system(
    base_settings: Settings, vhost: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HelpDesk]:
    log_dir = tmp_path_factory.mktemp("service-logs")
    database = f"helpdesk_test_{uuid.uuid4().hex[:8]}"
    rabbitmq_url = base_settings.rabbitmq_url.rstrip("/") + "/" + quote(vhost, safe="")
    env = {
        "HELPDESK_RABBITMQ_URL": rabbitmq_url,
        "HELPDESK_MONGO_URL": base_settings.mongo_url,
        "HELPDESK_MONGO_DB": database,
        "HELPDESK_JWT_SECRET": TEST_JWT_SECRET,
        "HELPDESK_BUS_KEY": TEST_BUS_KEY,
        "HELPDESK_DEMO": "on",
        "HELPDESK_SUPPORT_HOURS": "always",
        "HELPDESK_RATE_LIMITS": "off",
        "HELPDESK_RPC_TIMEOUT_SECONDS": "4.0",
        "HELPDESK_LOG_LEVEL": "INFO",
    }
    probe = HelpDesk(env, base_settings, {}, log_dir)
    services = {name: probe.spawn(name) for name in ("tickets", "notifications", "chat", "gateway")}
    for service in services.values():
        service.start(wait=False)
    try:
        for service in services.values():
            service.wait_ready()
        settings = base_settings.model_copy(
            update={"rabbitmq_url": rabbitmq_url, "mongo_db": database}
        )
        yield HelpDesk(env, settings, services, log_dir)
    finally:
        for service in services.values():
            service.stop()
        with MongoClient(base_settings.mongo_url) as client:
            client.drop_database(database)


def make_token(
    role: str = "user",
    account_id: str | None = None,
    user_id: str | None = None,
    name: str = "Test User",
    secret: str = TEST_JWT_SECRET,
    lifetime: timedelta = timedelta(hours=1),
    **extra: Any,
) -> str:
    return mint_token(
        secret=secret,
        subject=user_id or f"user-{uuid.uuid4().hex[:8]}",
        name=name,
        account_id=account_id or f"account-{uuid.uuid4().hex[:8]}",
        role=role,
        lifetime=lifetime,
        # Tests mint exactly what they ask for, too long-lived tokens included.
        max_lifetime=lifetime,
        extra=extra,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token() -> Callable[..., str]:
    return make_token


@pytest.fixture
async def gateway(system: HelpDesk) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=system.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture
def database(system: HelpDesk) -> Iterator[AsyncIOMotorDatabase[Any]]:
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(system.settings.mongo_url, tz_aware=True)
    yield client[system.env["HELPDESK_MONGO_DB"]]
    client.close()


@pytest.fixture(scope="module")
async def own_database(base_settings: Settings) -> AsyncIterator[AsyncIOMotorDatabase[Any]]:
    """A throwaway database of the test module's own, opened as a service opens its own;
    no service runs (handler tests on the in-memory broker, the services' write paths)."""
    name = f"helpdesk_unit_{uuid.uuid4().hex[:8]}"
    database = connect_database(base_settings.model_copy(update={"mongo_db": name}))
    yield database
    await database.client.drop_database(name)
    database.client.close()


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """Building a gateway in-process configures the process's logging (configure_logging
    binds the root handler to the sys.stdout of the moment, under capsys a stream closed
    after the test); every later test then printed "--- Logging error ---" tracebacks, and
    a CLI test counting stderr lines failed after tests/gateway only. Put it back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@dataclass
class Account:
    """A fresh hotel account per test, so tests never see each other's tickets."""

    account_id: str

    def user(self, user_id: str | None = None, name: str = "Anna Kowalska") -> dict[str, str]:
        return bearer(make_token("user", self.account_id, user_id, name))


@pytest.fixture
def account() -> Account:
    return Account(f"hotel-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def other_account() -> Account:
    return Account(f"hotel-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def agent() -> dict[str, str]:
    return bearer(make_token("agent", "support", f"agent-{uuid.uuid4().hex[:6]}", "Ewa"))


class EventLog:
    """Every domain event published on the bus while a test runs, as decoded JSON."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def of_type(self, event_type: str, **payload: Any) -> list[dict[str, Any]]:
        return [
            event
            for event in self.events
            if event["type"] == event_type
            and all(event["payload"].get(key) == value for key, value in payload.items())
        ]

    async def wait_for(
        self, event_type: str, count: int = 1, within: float = 10.0, **payload: Any
    ) -> list[dict[str, Any]]:
        deadline = asyncio.get_running_loop().time() + within
        while len(self.of_type(event_type, **payload)) < count:
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"expected {count} {event_type} {payload}, got {self.events}")
            await asyncio.sleep(0.05)
        return self.of_type(event_type, **payload)


@pytest.fixture
async def event_log(system: HelpDesk) -> AsyncIterator[EventLog]:
    log = EventLog()
    connection = await aio_pika.connect(system.settings.rabbitmq_url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange(
        EVENTS_EXCHANGE.name, aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(exchange, "#")

    async def collect(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        log.events.append(json.loads(message.body))

    await queue.consume(collect, no_ack=True)
    yield log
    await connection.close()


async def count(collection: Any, query: dict[str, Any]) -> int:
    """Documents matching `query`."""
    counted: int = await collection.count_documents(query)
    return counted


def plan_stages(plan: Any) -> set[str]:
    """Every `stage` named anywhere in an explain answer (IXSCAN, COLLSCAN, SORT...)."""
    if isinstance(plan, dict):
        own = {plan["stage"]} if isinstance(plan.get("stage"), str) else set()
        return own.union(*(plan_stages(value) for value in plan.values()))
    if isinstance(plan, list):
        return set().union(*(plan_stages(value) for value in plan))
    return set()


async def eventually(check: Callable[[], Awaitable[bool]], within: float) -> float:
    """Seconds until `check` holds; fails the test past `within` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if await check():
            return time.monotonic() - started
        await asyncio.sleep(0.25)
    pytest.fail(f"condition not reached within {within} s")


async def recovered(what: str, check: Callable[[], Awaitable[bool]], within: float) -> float:
    """Waits (bounded) until `check` holds after a fault; the time is kept for the summary."""
    seconds = await eventually(check, within)
    RECOVERIES.append((what, seconds))
    print(f"recovery: {what}: {seconds:.2f} s")
    return seconds


class DurableWatch:
    """Events of one routing key kept in a durable queue of the test's own.

    Unlike `event_log`, it survives a broker restart, so nothing published while the test
    was not listening can slip by.
    """

    def __init__(self, url: str, routing_key: str) -> None:
        self.url = url
        self.routing_key = routing_key
        self.queue_name = f"test.watch.{uuid.uuid4().hex[:8]}"
        self.events: list[dict[str, Any]] = []

    async def declare(self) -> None:
        connection = await aio_pika.connect(self.url)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange(
                EVENTS_EXCHANGE.name, aio_pika.ExchangeType.TOPIC, durable=True
            )
            queue = await channel.declare_queue(self.queue_name, durable=True)
            await queue.bind(exchange, self.routing_key)

    async def collect_until(
        self, done: Callable[[list[dict[str, Any]]], bool], within: float = 60
    ) -> list[dict[str, Any]]:
        connection = await aio_pika.connect_robust(self.url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(self.queue_name, durable=True)
            deadline = time.monotonic() + within
            while not done(self.events):
                if time.monotonic() > deadline:
                    pytest.fail(f"{self.routing_key}: condition not met; got {self.events}")
                message = await queue.get(no_ack=True, fail=False)
                if message is None:
                    await asyncio.sleep(0.25)
                else:
                    self.events.append(json.loads(message.body))
            await queue.delete(if_unused=False, if_empty=False)
        return self.events


@pytest.fixture
async def created_tickets_watch(system: HelpDesk) -> DurableWatch:
    watch = DurableWatch(system.settings.rabbitmq_url, "ticket.created")
    await watch.declare()
    return watch
