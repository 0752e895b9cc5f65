"""Token rules: a long enough secret, a bounded lifetime, one minter for every token we make."""

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from helpdesk_cli.tokens import Role, sign_token
from services.gateway.app import create_app
from services.gateway.auth import InvalidToken, TokenVerifier
from shared.settings import Settings
from shared.tokens import mint_token
from tests.support.gateway import IN_PROCESS_SECRET, in_process_gateway


def verifier(**overrides: object) -> TokenVerifier:
    return TokenVerifier(Settings(jwt_secret=IN_PROCESS_SECRET, **overrides))  # type: ignore[arg-type]


def token(lifetime: timedelta, issued: bool = True, **overrides: object) -> str:
    now = datetime.now(UTC)
    claims = {"sub": "anna", "name": "Anna", "account_id": "hotel-a", "role": "user"}
    claims |= {"exp": now + lifetime, **({"iat": now} if issued else {})}
    return jwt.encode({**claims, **overrides}, IN_PROCESS_SECRET, "HS256")


@pytest.mark.parametrize("secret", ["x", "a" * 31])
def test_a_short_secret_stops_the_start_with_a_clear_message(secret: str) -> None:
    with pytest.raises(RuntimeError, match=r"HELPDESK_JWT_SECRET.*at least 32 bytes"):
        create_app(Settings(jwt_secret=secret))


def test_a_token_living_longer_than_the_maximum_is_refused() -> None:
    check = verifier()
    assert check.verify(token(timedelta(hours=23))).id == "anna"
    with pytest.raises(InvalidToken, match="lifetime"):
        check.verify(token(timedelta(hours=25)))
    # Without `iat` the expiry alone must be within the maximum from now.
    with pytest.raises(InvalidToken, match="lifetime"):
        check.verify(token(timedelta(days=365), issued=False))
    assert check.verify(token(timedelta(hours=1), issued=False)).id == "anna"


def test_the_maximum_lifetime_is_configurable() -> None:
    check = verifier(jwt_max_lifetime_hours=1)
    with pytest.raises(InvalidToken, match="lifetime"):
        check.verify(token(timedelta(hours=2)))


def test_every_minted_token_names_the_configured_audience() -> None:
    settings = Settings(jwt_secret=IN_PROCESS_SECRET, jwt_audience="helpdesk")
    check = TokenVerifier(settings)
    minted = mint_token(
        secret=IN_PROCESS_SECRET,
        subject="anna",
        name="Anna",
        account_id="hotel-a",
        role="user",
        lifetime=timedelta(hours=1),
        max_lifetime=check.max_lifetime,
        audience="helpdesk",
    )
    assert check.verify(minted).id == "anna"
    cli = sign_token(settings, "ewa", "Ewa", "support", Role.agent, hours=1)
    assert check.verify(cli).role == "agent"


async def test_demo_tokens_work_when_an_audience_is_configured() -> None:
    app = in_process_gateway(demo=True, jwt_audience="helpdesk")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        minted = await client.post(
            "/api/v1/demo/token",
            json={"user_id": "anna", "name": "Anna", "account_id": "hotel-a", "role": "user"},
        )
        headers = {"Authorization": f"Bearer {minted.json()['token']}"}
        chapters = await client.get("/api/v1/kb/chapters", headers=headers)
    assert chapters.status_code == 200, chapters.text


def test_demo_mode_warns_at_start_that_anyone_can_mint_agent_tokens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    in_process_gateway(demo=True)
    assert "anyone can mint agent tokens" in capsys.readouterr().out
    in_process_gateway(demo=False)
    assert "anyone can mint" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": 1e20}, id="exp-beyond-any-date"),
        pytest.param({"iat": -1e12}, id="iat-before-any-date"),
        pytest.param({"iat": 1e20}, id="iat-beyond-any-date"),
        pytest.param({"exp": str(int(datetime.now(UTC).timestamp()) + 60)}, id="exp-as-text"),
        pytest.param({"iat": str(int(datetime.now(UTC).timestamp()))}, id="iat-as-text"),
    ],
)
async def test_a_signed_token_with_odd_times_is_401_not_500(claims: dict[str, object]) -> None:
    signed = token(timedelta(minutes=5), True, **claims)
    with pytest.raises(InvalidToken, match="invalid token"):
        verifier().verify(signed)
    app = in_process_gateway()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://gateway",
    ) as client:
        answer = await client.get(
            "/api/v1/kb/chapters", headers={"Authorization": f"Bearer {signed}"}
        )
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "token_invalid"


async def test_demo_tokens_are_minted_within_a_short_maximum_lifetime() -> None:
    app = in_process_gateway(demo=True, jwt_max_lifetime_hours=2)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        minted = await client.post(
            "/api/v1/demo/token",
            json={"user_id": "anna", "name": "Anna", "account_id": "hotel-a", "role": "user"},
        )
        headers = {"Authorization": f"Bearer {minted.json()['token']}"}
        chapters = await client.get("/api/v1/kb/chapters", headers=headers)
    assert chapters.status_code == 200, chapters.text
    claims = jwt.decode(minted.json()["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= 2 * 3600


def test_the_cli_default_lifetime_fits_a_short_maximum() -> None:
    settings = Settings(jwt_secret=IN_PROCESS_SECRET, jwt_max_lifetime_hours=2)
    assert TokenVerifier(settings).verify(sign_token(settings, "ewa", "Ewa", "s", Role.agent))
