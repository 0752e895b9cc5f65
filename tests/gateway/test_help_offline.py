"""The Help information outside support hours, from a gateway built in-process."""

from datetime import UTC, datetime

import httpx

from tests.support.gateway import in_process_gateway


async def test_closed_schedule_reports_offline_and_next_opening() -> None:
    # Open one hour on Sundays only, with no holidays: closed at almost any test time.
    now = datetime.now(UTC)
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(now.weekday() + 3) % 7]
    app = in_process_gateway(support_hours=f"{day} 10:00-11:00", holidays="none")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        body = (await client.get("/api/v1/help")).json()
    assert body["open_now"] is False
    assert body["chat_available"] is False
    next_open = datetime.fromisoformat(body["next_open"])
    assert next_open > now
    assert body["support_hours"]["schedule"] == [{"day": day, "open": "10:00", "close": "11:00"}]


async def test_demo_token_endpoint_is_absent_outside_demo_mode() -> None:
    app = in_process_gateway(demo=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        response = await client.post(
            "/api/v1/demo/token",
            json={"user_id": "u", "name": "U", "account_id": "a", "role": "agent"},
        )
        users = await client.get("/api/v1/demo/users")
    assert response.status_code == 404
    assert users.status_code == 404
