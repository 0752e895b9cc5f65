"""Host pages on other origins may embed the Help menu; operators can name them."""

import httpx
import pytest

from tests.gateway.test_help_offline import in_process_gateway

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
