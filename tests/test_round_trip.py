"""The gateway reaches each service over RabbitMQ request/reply, and knows when it cannot."""

import time

import httpx

from tests.support.system import HelpDesk, bearer, make_token


async def test_each_service_answers_its_status_query(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/api/v1/agent/system", headers=bearer(make_token("agent")))
    assert response.status_code == 200
    reports = {report["service"]: report for report in response.json()["services"]}
    assert set(reports) == {"tickets", "notifications", "chat"}
    for name, report in reports.items():
        assert report["reachable"] is True, report
        assert report["status"]["service"] == name
        assert all(report["status"]["checks"].values()), report
    assert reports["tickets"]["status"]["checks"] == {"broker": True, "database": True}
    assert reports["chat"]["status"]["checks"] == {"broker": True}


async def test_a_stopped_service_is_reported_at_once_not_at_the_deadline(
    system: HelpDesk, gateway: httpx.AsyncClient
) -> None:
    chat = system.services["chat"]
    chat.stop()
    try:
        started = time.monotonic()
        response = await gateway.get("/api/v1/agent/system", headers=bearer(make_token("agent")))
        elapsed = time.monotonic() - started
        reports = {report["service"]: report for report in response.json()["services"]}
        assert reports["chat"]["reachable"] is False
        assert reports["tickets"]["reachable"] is True
        assert "not running" in reports["chat"]["error"]
        # The broker returns a request nobody can take: no waiting for the 5 s deadline.
        assert elapsed < 1.5
    finally:
        chat.start()
