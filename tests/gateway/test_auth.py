"""Bearer tokens: who may call what."""

import base64
import json
from collections.abc import Callable
from datetime import timedelta

import httpx
import jwt
import pytest

from tests.support.system import TEST_JWT_SECRET, bearer, make_token

AGENT_ONLY = "/api/v1/agent/system"


def unsigned_token(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def test_missing_token_is_401_with_bearer_challenge(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get(AGENT_ONLY)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == "missing bearer token"


@pytest.mark.parametrize(
    "bad_token",
    [
        pytest.param(lambda: "not-a-jwt", id="garbage"),
        pytest.param(
            lambda: make_token(role="agent", secret="wrong-secret-of-the-same-length-as-ours"),
            id="wrong-signature",
        ),
        pytest.param(
            lambda: make_token(role="agent", lifetime=timedelta(seconds=-10)), id="expired"
        ),
        pytest.param(
            lambda: unsigned_token(
                {"sub": "x", "name": "X", "account_id": "a", "role": "agent", "exp": 9999999999}
            ),
            id="alg-none",
        ),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "x", "role": "agent", "exp": 9999999999}, TEST_JWT_SECRET, "HS256"
            ),
            id="missing-claims",
        ),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "x", "name": "X", "account_id": "a", "role": "agent"},
                TEST_JWT_SECRET,
                "HS256",
            ),
            id="no-expiry",
        ),
        pytest.param(lambda: make_token(role="admin"), id="unknown-role"),
    ],
)
async def test_bad_tokens_are_401(gateway: httpx.AsyncClient, bad_token: Callable[[], str]) -> None:
    response = await gateway.get(AGENT_ONLY, headers=bearer(bad_token()))
    assert response.status_code == 401
    assert response.json()["detail"].startswith("invalid token")


async def test_user_token_on_agent_endpoint_is_403(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get(AGENT_ONLY, headers=bearer(make_token(role="user")))
    assert response.status_code == 403


async def test_demo_token_signs_in_with_the_requested_identity(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.post(
        "/api/v1/demo/token",
        json={"user_id": "ewa", "name": "Ewa", "account_id": "support", "role": "agent"},
    )
    assert response.status_code == 200
    claims = jwt.decode(response.json()["token"], TEST_JWT_SECRET, ["HS256"])
    assert (claims["sub"], claims["name"], claims["account_id"], claims["role"]) == (
        "ewa",
        "Ewa",
        "support",
        "agent",
    )
    agent_call = await gateway.get(AGENT_ONLY, headers=bearer(response.json()["token"]))
    assert agent_call.status_code == 200


async def test_demo_token_rejects_unknown_role(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post(
        "/api/v1/demo/token",
        json={"user_id": "x", "name": "X", "account_id": "a", "role": "root"},
    )
    assert response.status_code == 422
