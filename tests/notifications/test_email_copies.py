"""E-mail copies of support's answers, as a user turns them on and reads them in Mailpit."""

import json
import uuid
from typing import Any

import aio_pika
import httpx

from shared.signing import BusSigner
from shared.topology import EVENTS_EXCHANGE
from tests.support.events import EventLog
from tests.support.mailpit import Mailbox
from tests.support.popups import answered_ticket, eventually_listed
from tests.support.system import TEST_BUS_KEY, Account, HelpDesk


def address() -> str:
    """An address of the test's own: the shared Mailpit holds every test's mail."""
    return f"anna-{uuid.uuid4().hex[:12]}@hotel-baltyk.example"


async def turn_copies(
    gateway: httpx.AsyncClient, user: dict[str, str], enabled: bool
) -> dict[str, Any]:
    response = await gateway.put("/api/v1/email-copies", json={"enabled": enabled}, headers=user)
    assert response.status_code == 200, response.text
    choice: dict[str, Any] = response.json()
    return choice


async def test_an_answer_reaches_the_user_who_turned_copies_on(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], mailbox: Mailbox
) -> None:
    to = address()
    anna = account.user("anna", email=to)
    before = (await gateway.get("/api/v1/email-copies", headers=anna)).json()
    assert before == {"available": True, "enabled": False, "address": to}
    assert await turn_copies(gateway, anna, True) == {
        "available": True,
        "enabled": True,
        "address": to,
    }
    answer = "Dzień dobry,\nproszę wyczyścić <b>pamięć</b> & zalogować się ponownie."

    number = await answered_ticket(gateway, anna, agent, answer)

    [mail] = await mailbox.wait_for(to)
    assert [recipient["Address"] for recipient in mail["To"]] == [to]
    assert mail["Subject"] == f"Odpowiedź w zgłoszeniu {number}: Channel manager"
    assert answer in mail["Text"]
    # The answer's text is shown as text in the HTML part, never as markup.
    assert "&lt;b&gt;pamięć&lt;/b&gt; &amp; zalogować" in mail["HTML"]
    assert "<b>pamięć</b>" not in mail["HTML"]
    # The link opens this ticket in the Help menu, on the host's page as configured.
    link = f"https://hotel.example/app/?view=dashboard&helpdesk_ticket={number}"
    assert link in mail["Text"]
    assert f'href="{link.replace("&", "&amp;")}"' in mail["HTML"]
    # The pop-up came as well: the copy is in addition to it.
    await eventually_listed(gateway, anna, bool, ticket_number=number)


async def test_no_copy_when_turned_off_or_for_someone_else_of_that_user_id(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    agent: dict[str, str],
    mailbox: Mailbox,
) -> None:
    off, elsewhere, on = address(), address(), address()
    anna = account.user("anna", email=off)
    await turn_copies(gateway, anna, True)
    assert (await turn_copies(gateway, anna, False))["enabled"] is False
    # The same user id in another hotel is another person: Anna's choice is not hers.
    other_anna = other_account.user("anna", email=elsewhere)
    piotr = account.user("piotr", email=on)
    await turn_copies(gateway, piotr, True)

    silent = [
        await answered_ticket(gateway, anna, agent, "Odpowiedź bez kopii"),
        await answered_ticket(gateway, other_anna, agent, "Odpowiedź w innym hotelu"),
    ]
    # Copies go out one after another from one queue: once Piotr's later one is there,
    # the two answers before it were handled.
    await answered_ticket(gateway, piotr, agent, "Odpowiedź z kopią")
    await mailbox.wait_for(on)

    assert await mailbox.to(off) == []
    assert await mailbox.to(elsewhere) == []
    for number, user in zip(silent, (anna, other_anna), strict=True):
        await eventually_listed(gateway, user, bool, ticket_number=number)


async def test_a_token_without_email_is_offered_no_copies(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    jan = account.user("jan")

    shown = await gateway.get("/api/v1/email-copies", headers=jan)
    refused = await gateway.put("/api/v1/email-copies", json={"enabled": True}, headers=jan)

    assert shown.json() == {"available": False, "enabled": False, "address": None}
    assert refused.status_code == 409
    assert refused.json()["code"] == "email_address_missing"


async def test_a_malformed_email_claim_counts_as_none(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    header_injection = "anna@hotel.example\r\nBcc: everyone@example.com"
    user = account.user("anna", email=header_injection)

    shown = await gateway.get("/api/v1/email-copies", headers=user)

    assert shown.status_code == 200
    assert shown.json()["available"] is False


async def test_a_choice_must_be_a_boolean(gateway: httpx.AsyncClient, account: Account) -> None:
    anna = account.user("anna", email=address())
    for body in ({"enabled": "yes"}, {"enabled": 1}, {}, ["enabled"]):
        response = await gateway.put("/api/v1/email-copies", json=body, headers=anna)
        assert response.status_code == 422, (body, response.text)
    anonymous = await gateway.put("/api/v1/email-copies", json={"enabled": True})
    assert anonymous.status_code == 401


async def test_copies_follow_the_address_of_a_newer_token(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], mailbox: Mailbox
) -> None:
    old, new = address(), address()
    await turn_copies(gateway, account.user("anna", email=old), True)
    anna_now = account.user("anna", email=new)

    shown = (await gateway.get("/api/v1/email-copies", headers=anna_now)).json()
    await answered_ticket(gateway, anna_now, agent, "Odpowiedź na nowy adres")

    assert shown == {"available": True, "enabled": True, "address": new}
    await mailbox.wait_for(new)
    assert await mailbox.to(old) == []


async def test_a_redelivered_answer_sends_no_second_copy(
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    mailbox: Mailbox,
    event_log: EventLog,
) -> None:
    to = address()
    anna = account.user("anna", email=to)
    await turn_copies(gateway, anna, True)
    number = await answered_ticket(gateway, anna, agent, "Pierwsza odpowiedź")
    await mailbox.wait_for(to)
    [posted] = await event_log.wait_for("reply.posted", ticket_number=number)

    # The same event again, as a broker redelivers it or an operator replays a dead letter.
    body = json.dumps(posted).encode()
    connection = await aio_pika.connect(system.settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE.name)
        await exchange.publish(
            aio_pika.Message(
                body,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                content_type="application/json",
                headers=BusSigner(TEST_BUS_KEY).headers("reply.posted", body),
            ),
            routing_key="reply.posted",
        )
    later = await answered_ticket(gateway, anna, agent, "Druga odpowiedź")
    mails = await mailbox.wait_for(to, count=2)

    assert [mail["Subject"].split(":")[0] for mail in mails] == [
        f"Odpowiedź w zgłoszeniu {number}",
        f"Odpowiedź w zgłoszeniu {later}",
    ]
