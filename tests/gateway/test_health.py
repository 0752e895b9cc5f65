"""Liveness, readiness and the public Help information."""

import httpx

from tests.support.system import HelpDesk


async def test_healthz_answers(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


async def test_readyz_reports_broker_and_database(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "checks": {"broker": True, "database": True}}


async def test_each_service_reports_ready_over_http(system: HelpDesk) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        for name in ("tickets", "notifications", "chat"):
            response = await client.get(f"{system.services[name].url}/readyz")
            assert response.status_code == 200, name
            assert response.json()["ready"] is True


async def test_help_needs_no_token_and_describes_support(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/api/v1/help")
    assert response.status_code == 200
    body = response.json()
    # The test system runs with HELPDESK_SUPPORT_HOURS=always.
    assert body["open_now"] is True
    assert body["chat_available"] is True
    assert body["support_hours"]["timezone"] == "Europe/Warsaw"
    assert body["support_hours"]["always"] is True
    assert {contact["topic"] for contact in body["contacts"]} == {
        "general",
        "billing",
        "extra_services",
    }
    assert body["next_open"].endswith("Z")
    assert body["kb_url"].startswith("https://")
