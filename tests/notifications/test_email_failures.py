"""An SMTP server that is away: the pop-up still comes at once, the copy follows when the
server is back, or ends in the dead letters after the retries.

The module runs its own tickets, notifications and gateway in a broker virtual host and a
database of their own, sending to a port where no SMTP server listens until a test starts
a private Mailpit there; the shared Mailpit is never stopped.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aio_pika
import httpx
import pytest
from pymongo import MongoClient

from shared.topology import DEAD_LETTER_QUEUE
from tests.support.harness import ServiceProcess, free_port
from tests.support.mailpit import Mailbox, PrivateMailpit
from tests.support.popups import answered_ticket, eventually_listed
from tests.support.system import Account, HelpDesk, rabbitmqctl
from tests.support.waiting import eventually

# Backoff 0.5, 1, 2, 4, 8 s: about 16 s from the first failure to the dead letters.
RETRY_SECONDS = "0.5"


@dataclass
class MailOutage:
    gateway: httpx.AsyncClient
    rabbitmq_url: str
    mailpit: PrivateMailpit
    notifications_log: Path


@pytest.fixture(scope="module")
def outage_stack(
    system: HelpDesk, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, PrivateMailpit, Path]]:
    mailpit = PrivateMailpit(
        free_port(), free_port(), tmp_path_factory.mktemp("mailpit"), allowed_recipients="^anna-"
    )
    vhost = f"helpdesk-mailtest-{uuid.uuid4().hex[:8]}"
    database = f"helpdesk_mailtest_{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    rabbitmq_url = f"{system.settings.rabbitmq_url.rsplit('/', 1)[0]}/{quote(vhost)}"
    env = {
        "HELPDESK_RABBITMQ_URL": rabbitmq_url,
        "HELPDESK_MONGO_DB": database,
        "HELPDESK_SMTP_PORT": str(mailpit.smtp_port),
        "HELPDESK_EMAIL_RETRY_SECONDS": RETRY_SECONDS,
    }
    services: list[ServiceProcess] = []
    try:
        for name in ("tickets", "notifications", "gateway"):
            services.append(system.spawn(name, **env).start(wait=False))
        for service in services:
            service.wait_ready()
        yield services[-1].url, rabbitmq_url, mailpit, services[1].log_path
    finally:
        mailpit.stop()
        for service in services:
            service.stop()
        rabbitmqctl("delete_vhost", vhost)
        with MongoClient(system.settings.mongo_url) as client:
            client.drop_database(database)


@pytest.fixture
async def outage(
    outage_stack: tuple[str, str, PrivateMailpit, Path],
) -> AsyncIterator[MailOutage]:
    gateway_url, rabbitmq_url, mailpit, log = outage_stack
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as gateway:
        yield MailOutage(gateway, rabbitmq_url, mailpit, log)
    mailpit.stop()


async def opted_in(
    gateway: httpx.AsyncClient, account: Account, mailbox: str = "anna"
) -> tuple[dict[str, str], str]:
    to = f"{mailbox}-{uuid.uuid4().hex[:12]}@hotel-baltyk.example"
    anna = account.user("anna", email=to)
    response = await gateway.put("/api/v1/email-copies", json={"enabled": True}, headers=anna)
    assert response.status_code == 200, response.text
    return anna, to


async def test_the_popup_comes_at_once_and_the_copy_once_smtp_is_back(
    outage: MailOutage, account: Account, agent: dict[str, str]
) -> None:
    anna, to = await opted_in(outage.gateway, account)

    number = await answered_ticket(outage.gateway, anna, agent, "Odpowiedź mimo awarii poczty")

    # Nothing listens on the SMTP port: the pop-up does not wait for the mail (whose retries
    # go on for 15.5 s).
    await eventually_listed(outage.gateway, anna, bool, within=8, ticket_number=number)
    outage.mailpit.start()
    mailbox = Mailbox(outage.mailpit.url)
    try:
        [mail] = await mailbox.wait_for(to, within=30)
        assert mail["Subject"] == f"Odpowiedź w zgłoszeniu {number}: Channel manager"
        assert "Odpowiedź mimo awarii poczty" in mail["Text"]
    finally:
        await mailbox.close()


async def test_a_copy_that_cannot_be_sent_ends_in_the_dead_letters(
    outage: MailOutage, account: Account, agent: dict[str, str]
) -> None:
    anna, _ = await opted_in(outage.gateway, account)

    number = await answered_ticket(outage.gateway, anna, agent, "Odpowiedź bez poczty")

    await eventually_listed(outage.gateway, anna, bool, within=8, ticket_number=number)
    death, seconds = await dead_letter_of(outage.rabbitmq_url, number, within=60)
    # Tried again with backoff (0.5 + 1 + 2 + 4 + 8 s), not six times at once.
    assert seconds > 10
    assert death["reason"] == "delivery_limit"
    assert death["queue"] == "notifications.email.reply.posted"
    assert death["routing-keys"] == ["reply.posted"]


async def test_a_copy_the_server_refuses_is_a_dead_letter_at_once(
    outage: MailOutage, account: Account, agent: dict[str, str]
) -> None:
    outage.mailpit.start()
    # The private Mailpit refuses every mailbox but anna-*: no such mailbox, for good.
    anna, to = await opted_in(outage.gateway, account, mailbox="gone")

    number = await answered_ticket(outage.gateway, anna, agent, "Odpowiedź na zły adres")

    death, seconds = await dead_letter_of(outage.rabbitmq_url, number, within=30)
    # Not retried (the retries alone would take 15.5 s): a refusal would be refused again.
    assert seconds < 12
    assert death["reason"] == "rejected"
    assert death["queue"] == "notifications.email.reply.posted"
    await eventually_listed(outage.gateway, anna, bool, ticket_number=number)
    # The log says which ticket and why, never to whom or what.
    log = outage.notifications_log.read_text()
    assert f'"ticket": "{number}", "error": "SMTP 550"' in log
    assert to not in log
    assert "Odpowiedź na zły adres" not in log


async def dead_letter_of(
    rabbitmq_url: str, ticket_number: str, within: float
) -> tuple[dict[str, Any], float]:
    """The `x-death` record of the `reply.posted` of a ticket once it is a dead letter, and
    the seconds until it was."""
    found: list[dict[str, Any]] = []
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        dead_letters = await channel.declare_queue(DEAD_LETTER_QUEUE.name, passive=True)

        async def dead_lettered() -> bool:
            message = await dead_letters.get(no_ack=False, fail=False)
            if message is None:
                return False
            if f'"ticket_number":"{ticket_number}"'.encode() in message.body.replace(b" ", b""):
                found.append(message.headers["x-death"][0])  # type: ignore[index,arg-type]
            await message.nack(requeue=True)
            return bool(found)

        seconds = await eventually(dead_lettered, within)
    return found[0], seconds
