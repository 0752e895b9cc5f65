"""`helpdesk token`: a signed bearer token for a user or an agent (support, tests, demos)."""

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import jwt
import typer

from helpdesk_cli.runtime import fail, load_settings
from shared.settings import Settings


class Role(StrEnum):
    user = "user"
    agent = "agent"


def sign_token(
    settings: Settings, user_id: str, name: str, account_id: str, role: Role, hours: float
) -> str:
    """The claims the gateway requires (see services/gateway/auth.py), signed HS256."""
    secret = settings.effective_jwt_secret
    if secret is None:
        fail("no signing secret: set HELPDESK_JWT_SECRET (or HELPDESK_DEMO=on for the demo one)")
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": user_id,
        "name": name,
        "account_id": account_id,
        "role": role.value,
        "iat": now,
        "exp": now + timedelta(hours=hours),
    }
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, secret, algorithm="HS256")


def token_command(
    user: Annotated[str, typer.Option("--user", help="The user's id (the `sub` claim).")],
    name: Annotated[str, typer.Option("--name", help="The name shown to support.")],
    account: Annotated[str, typer.Option("--account", help="The hotel account id.")],
    role: Annotated[Role, typer.Option("--role", help="user or agent.")] = Role.user,
    hours: Annotated[
        float, typer.Option("--hours", min=0.01, max=24 * 365, help="Lifetime in hours.")
    ] = 12.0,
) -> None:
    """Print a bearer token signed with HELPDESK_JWT_SECRET (or the demo secret in demo mode)."""
    typer.echo(sign_token(load_settings(), user, name, account, role, hours))
