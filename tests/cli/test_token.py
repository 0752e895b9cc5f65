"""`helpdesk token`: tokens the gateway accepts, and usage errors with exit code 2."""

import httpx
import jwt
import pytest

from tests.support.cli import Helpdesk
from tests.support.system import TEST_JWT_SECRET, Account, bearer


async def test_token_is_signed_with_the_secret_and_opens_the_api(
    helpdesk: Helpdesk, account: Account, gateway: httpx.AsyncClient
) -> None:
    result = await helpdesk(
        "token", "--user", "anna", "--name", "Anna Nowak", "--account", account.account_id
    )

    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    claims = jwt.decode(token, TEST_JWT_SECRET, ["HS256"])
    assert claims["sub"] == "anna"
    assert claims["name"] == "Anna Nowak"
    assert claims["account_id"] == account.account_id
    assert claims["role"] == "user"
    history = await gateway.get("/api/v1/tickets", headers=bearer(token))
    assert history.status_code == 200, history.text


async def test_agent_token_carries_the_agent_role(helpdesk: Helpdesk) -> None:
    result = await helpdesk(
        "token", "--user", "ewa", "--name", "Ewa", "--account", "support", "--role", "agent"
    )

    assert jwt.decode(result.stdout.strip(), TEST_JWT_SECRET, ["HS256"])["role"] == "agent"


@pytest.mark.parametrize(
    "args",
    [
        ["token", "--name", "Anna", "--account", "a"],
        ["token", "--user", "a", "--name", "A", "--account", "a", "--role", "boss"],
        ["token", "--user", "a", "--name", "A", "--account", "a", "--hours", "-1"],
        # Longer than the gateway accepts (HELPDESK_JWT_MAX_LIFETIME_HOURS, 24).
        ["token", "--user", "a", "--name", "A", "--account", "a", "--hours", "48"],
        ["seed", "tickets", "0", "--account", "a"],
        ["no-such-command"],
    ],
)
async def test_bad_arguments_exit_with_2(helpdesk: Helpdesk, args: list[str]) -> None:
    result = await helpdesk(*args)

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


async def test_token_without_a_secret_is_refused(helpdesk: Helpdesk) -> None:
    result = await helpdesk(
        "token",
        "--user",
        "a",
        "--name",
        "A",
        "--account",
        "a",
        HELPDESK_JWT_SECRET="",
        HELPDESK_DEMO="off",
    )

    assert result.exit_code == 1
    assert result.stderr.startswith("error: no signing secret")
