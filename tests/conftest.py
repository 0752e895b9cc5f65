"""Fixtures that start what the tests need: real servers, the four services, tokens.

Integration tests run against the real RabbitMQ and MongoDB-wire server that
deploy/servers.sh starts. A test session gets its own RabbitMQ virtual host and its own
database, so it never meets a locally running help desk, and cleans both up afterwards.
"""

import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import quote

import aio_pika
import httpx
import pytest
import websockets
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase

from deploy.probe import answers
from shared.database import connect_database
from shared.people import Caller
from shared.settings import Settings
from shared.topology import EVENTS_EXCHANGE
from tests.support.events import DurableWatch, EventLog
from tests.support.mailpit import Mailbox
from tests.support.sockets import ChatPeer, OpenStream, socket_url
from tests.support.system import (
    Account,
    HelpDesk,
    bearer,
    make_token,
    rabbitmqctl,
    running_help_desk,
)
from tests.support.waiting import RECOVERIES

SERVER_HINT = "start them with `bash deploy/servers.sh start` (deploy/test.sh does it for you)"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RECOVERIES:
        terminalreporter.section("recovery times")
        for what, seconds in RECOVERIES:
            terminalreporter.write_line(f"{seconds:6.2f} s  {what}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that stop a shared server run last, so they cannot disturb the others."""
    items.sort(key=lambda item: item.get_closest_marker("disruptive") is not None)


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    settings = Settings()
    if not answers("amqp", settings.rabbitmq_url):
        pytest.fail(f"RabbitMQ does not answer at {settings.rabbitmq_url}: {SERVER_HINT}")
    if not answers("mongodb", settings.mongo_url):
        pytest.fail(f"no MongoDB-wire server answers at {settings.mongo_url}: {SERVER_HINT}")
    smtp = f"smtp://{settings.smtp_host}:{settings.smtp_port}"
    if not answers("smtp", smtp):
        pytest.fail(f"no SMTP server (Mailpit) answers at {smtp}: {SERVER_HINT}")
    return settings


@pytest.fixture(scope="session")
def vhost(base_settings: Settings) -> Iterator[str]:
    name = f"helpdesk-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    yield name
    rabbitmqctl("delete_vhost", name)


@pytest.fixture(scope="session")
def system(
    base_settings: Settings, vhost: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HelpDesk]:
    rabbitmq_url = base_settings.rabbitmq_url.rstrip("/") + "/" + quote(vhost, safe="")
    log_dir = tmp_path_factory.mktemp("service-logs")
    with running_help_desk(base_settings, rabbitmq_url, log_dir) as desk:
        yield desk


@pytest.fixture
def token() -> Callable[..., str]:
    return make_token


@pytest.fixture
async def gateway(system: HelpDesk) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=system.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture
async def mailbox() -> AsyncIterator[Mailbox]:
    """The shared Mailpit's mail, through its HTTP API."""
    box = Mailbox()
    yield box
    await box.close()


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


@pytest.fixture
def account() -> Account:
    return Account(f"hotel-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def other_account() -> Account:
    return Account(f"hotel-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def anna() -> Caller:
    """A user of an account of the test's own, as the gateway names a caller to a service."""
    return Caller(role="user", id="anna", name="Anna", account_id=f"hotel-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def agent() -> dict[str, str]:
    return bearer(make_token("agent", "support", f"agent-{uuid.uuid4().hex[:6]}", "Ewa"))


@pytest.fixture
async def event_log(system: HelpDesk) -> AsyncIterator[EventLog]:
    connection = await aio_pika.connect(system.settings.rabbitmq_url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange(
        EVENTS_EXCHANGE.name, aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(exchange, "#")
    log = EventLog(channel, queue.name)

    async def collect(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        log.events.append(json.loads(message.body))

    await queue.consume(collect, no_ack=True)
    yield log
    await connection.close()


@pytest.fixture
async def created_tickets_watch(system: HelpDesk) -> DurableWatch:
    watch = DurableWatch(system.settings.rabbitmq_url, "ticket.created")
    await watch.declare()
    return watch


@pytest.fixture
async def open_stream(system: HelpDesk) -> AsyncIterator[OpenStream]:
    """Opens `WS /api/v1/stream` sockets (the agents' with `agent=True`); closes them after."""
    async with AsyncExitStack() as stack:

        async def open_socket(
            account_id: str = "support",
            user_id: str | None = None,
            agent: bool = False,
            gateway_url: str | None = None,
            name: str = "Test User",
        ) -> ChatPeer:
            role = "agent" if agent else "user"
            token = make_token(role, account_id, user_id, name)
            path = "/api/v1/agent/stream" if agent else "/api/v1/stream"
            url = socket_url(gateway_url or system.gateway_url, path, token)
            return ChatPeer(await stack.enter_async_context(websockets.connect(url)))

        yield open_socket
