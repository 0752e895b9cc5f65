"""Host pages on other origins may embed the Help menu; operators can name them."""

import httpx
import pytest

from tests.support.gateway import in_process_gateway

PREFLIGHT = {
    "Origin": "https://pms.hotel-baltyk.example",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,idempotency-key",
}


@pytest.mark.parametrize(
    ("origins", "allowed"),
    [
        (None, True),
        (["https://pms.hotel-baltyk.example"], True),
        (["https://other.example"], False),
    ],
)
async def test_embedding_origins_follow_the_setting(
    origins: list[str] | None, allowed: bool
) -> None:
    app = in_process_gateway(**({"cors_origins": origins} if origins else {}))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        response = await client.options("/api/v1/tickets", headers=PREFLIGHT)
    granted = response.headers.get("access-control-allow-origin")
    assert (granted in ("*", PREFLIGHT["Origin"])) is allowed
    # Tokens travel in a header, never in cookies: credentials are never allowed.
    assert "access-control-allow-credentials" not in response.headers


async def test_a_host_page_can_read_a_refusal_made_before_the_body() -> None:
    app = in_process_gateway()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        response = await client.post(
            "/api/v1/tickets",
            data={"subject": "x", "message": "y"},
            headers={"Origin": PREFLIGHT["Origin"]},
        )
    assert response.status_code == 401
    assert response.headers.get("access-control-allow-origin") in ("*", PREFLIGHT["Origin"])
