"""/metrics on the gateway and each service: Prometheus text, and the right series move."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import websockets
from motor.motor_asyncio import AsyncIOMotorDatabase
from prometheus_client.parser import text_string_to_metric_families

from shared.metrics import ServiceMetrics
from tests.support.metrics import scrape, value
from tests.support.system import Account, HelpDesk, make_token
from tests.support.waiting import eventually


async def test_gateway_counts_requests_by_route_template_and_status(
    system: HelpDesk, gateway: httpx.AsyncClient, account: Account
) -> None:
    series = {"method": "GET", "route": "/api/v1/tickets/{number}", "status": "404"}
    before = await scrape(system.gateway_url)

    missing = await gateway.get("/api/v1/tickets/HD-999999", headers=account.user())

    assert missing.status_code == 404
    after = await scrape(system.gateway_url)
    name = "helpdesk_http_requests_total"
    assert value(after, name, **series) == value(before, name, **series) + 1
    latency = "helpdesk_http_request_duration_seconds_count"
    route = {"route": "/api/v1/tickets/{number}"}
    assert value(after, latency, **route) == value(before, latency, **route) + 1


async def test_gateway_counts_open_sockets(system: HelpDesk, account: Account) -> None:
    route = {"route": "/api/v1/stream"}
    before = value(await scrape(system.gateway_url), "helpdesk_websockets_open", **route)
    token = make_token("user", account.account_id, "anna")
    url = system.gateway_url.replace("http", "ws") + f"/api/v1/stream?token={token}"

    async with websockets.connect(url):

        async def counted() -> bool:
            samples = await scrape(system.gateway_url)
            return value(samples, "helpdesk_websockets_open", **route) == before + 1

        await eventually(counted, within=5)

    async def released() -> bool:
        samples = await scrape(system.gateway_url)
        return value(samples, "helpdesk_websockets_open", **route) == before

    await eventually(released, within=5)


async def test_a_socket_refused_at_the_handshake_is_not_a_series(system: HelpDesk) -> None:
    path = f"/api/v1/probe-{uuid.uuid4().hex[:8]}"

    with pytest.raises(websockets.exceptions.InvalidStatus):
        async with websockets.connect(system.gateway_url.replace("http", "ws") + path):
            pass

    samples = await scrape(system.gateway_url)
    routes = {dict(labels).get("route") for name, labels in samples}
    assert path not in routes


async def test_services_count_events_they_publish_and_consume(
    system: HelpDesk, gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    tickets_url = system.services["tickets"].url
    notifications_url = system.services["notifications"].url
    published = {"destination": "helpdesk.events.reply.posted"}
    consumed = {"handler": "helpdesk.events.reply.posted", "status": "acked"}
    published_before = value(
        await scrape(tickets_url), "faststream_published_messages_total", **published
    )
    consumed_before = value(
        await scrape(notifications_url), "faststream_received_processed_messages_total", **consumed
    )
    popup = {"destination": "helpdesk.events.popup.created", "status": "success"}
    popups_before = value(
        await scrape(notifications_url), "faststream_published_messages_total", **popup
    )

    anna = account.user("anna")
    created = await gateway.post(
        "/api/v1/tickets", data={"subject": "Metryki", "message": "..."}, headers=anna
    )
    number = created.json()["number"]
    await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies", data={"message": "Odpowiedź"}, headers=agent
    )

    async def counted() -> bool:
        tickets = await scrape(tickets_url)
        notifications = await scrape(notifications_url)
        return (
            value(tickets, "faststream_published_messages_total", **published)
            >= published_before + 1
            and value(notifications, "faststream_received_processed_messages_total", **consumed)
            >= consumed_before + 1
            and value(notifications, "faststream_published_messages_total", **popup)
            >= popups_before + 1
        )

    await eventually(counted, within=15)
    tickets = await scrape(tickets_url)
    assert value(tickets, "faststream_received_processed_messages_duration_seconds_count") > 0
    assert ("helpdesk_outbox_pending_documents", frozenset({("outbox", "tickets")})) in tickets


async def test_notifications_report_reminders_waiting(
    system: HelpDesk, gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    url = system.services["notifications"].url
    anna = account.user("anna")
    number = (
        await gateway.post(
            "/api/v1/tickets", data={"subject": "Przypomnij", "message": "..."}, headers=anna
        )
    ).json()["number"]
    await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies", data={"message": "Gotowe"}, headers=agent
    )

    async def popup() -> bool:
        listed = await gateway.get("/api/v1/popups", headers=anna)
        return bool(listed.json()["items"])

    await eventually(popup, within=15)
    # The reply's pop-up (the status change it caused may bring a second one).
    item = (await gateway.get("/api/v1/popups", headers=anna)).json()["items"][0]
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    snoozed = await gateway.post(
        f"/api/v1/popups/{item['number']}/snooze", json={"until": until}, headers=anna
    )
    assert snoozed.status_code == 200, snoozed.text

    samples = await scrape(url)
    # At least this snooze, which waits an hour (others' may have come due meanwhile).
    assert value(samples, "helpdesk_reminders_waiting") >= 1
    assert ("helpdesk_outbox_pending_documents", frozenset({("outbox", "popups")})) in samples


async def test_chat_service_reports_counts_only(system: HelpDesk) -> None:
    samples = await scrape(system.services["chat"].url)

    assert value(samples, "helpdesk_chats_waiting") >= 0
    assert ("helpdesk_chats_open", frozenset()) in samples
    assert ("helpdesk_chat_file_bytes", frozenset()) in samples
    assert value(samples, "helpdesk_agents_online") >= 0
    assert not [name for name, _ in samples if "message" in name and "chat" in name]


@pytest.fixture
async def scratch_outbox(
    database: AsyncIOMotorDatabase[Any],
) -> AsyncIterator[Any]:
    """An outbox collection no relay watches, so a pending event stays pending."""
    collection = database[f"test_outbox_{uuid.uuid4().hex[:8]}"]
    yield collection
    await collection.drop()


async def test_outbox_gauges_show_the_backlog_and_the_oldest_age(scratch_outbox: Any) -> None:
    old = datetime.now(UTC) - timedelta(minutes=5)
    events = [{"event_id": uuid.uuid4().hex, "occurred_at": old.isoformat()}]
    await scratch_outbox.insert_one({"outbox": events, "outbox_pending": True})
    await scratch_outbox.insert_one({"outbox": [], "outbox_pending": False})
    metrics = ServiceMetrics()
    metrics.outbox(scratch_outbox)

    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families((await metrics.render()).decode())
        for sample in family.samples
    }

    labels = frozenset({("outbox", scratch_outbox.name)})
    assert samples[("helpdesk_outbox_pending_documents", labels)] == 1
    assert 300 <= samples[("helpdesk_outbox_oldest_age_seconds", labels)] < 360
