"""`helpdesk token`: a signed bearer token for a user or an agent (support, tests, demos)."""

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

import typer

from helpdesk_cli.runtime import fail, load_settings
from shared.settings import Settings
from shared.tokens import mint_token

# A working day of support; a shorter HELPDESK_JWT_MAX_LIFETIME_HOURS cuts it.
DEFAULT_HOURS = 12.0


class Role(StrEnum):
    user = "user"
    agent = "agent"


def sign_token(
    settings: Settings,
    user_id: str,
    name: str,
    account_id: str,
    role: Role,
    hours: float | None = None,
) -> str:
    """The claims the gateway requires (see shared/tokens.py), signed HS256; without
    `hours`, DEFAULT_HOURS cut to the configured maximum."""
    secret = settings.effective_jwt_secret
    if secret is None:
        fail("no signing secret: set HELPDESK_JWT_SECRET (or HELPDESK_DEMO=on for the demo one)")
    if hours is not None and hours > settings.jwt_max_lifetime_hours:
        fail(
            f"--hours: at most {settings.jwt_max_lifetime_hours:g} "
            "(HELPDESK_JWT_MAX_LIFETIME_HOURS); the gateway refuses longer-lived tokens",
            code=2,
        )
    try:
        return mint_token(
            secret=secret,
            subject=user_id,
            name=name,
            account_id=account_id,
            role=role.value,
            lifetime=timedelta(hours=DEFAULT_HOURS if hours is None else hours),
            max_lifetime=timedelta(hours=settings.jwt_max_lifetime_hours),
            audience=settings.jwt_audience,
        )
    except RuntimeError as short_secret:
        fail(str(short_secret))


def token_command(
    user: Annotated[str, typer.Option("--user", help="The user's id (the `sub` claim).")],
    name: Annotated[str, typer.Option("--name", help="The name shown to support.")],
    account: Annotated[str, typer.Option("--account", help="The hotel account id.")],
    role: Annotated[Role, typer.Option("--role", help="user or agent.")] = Role.user,
    hours: Annotated[
        float | None,
        typer.Option(
            "--hours",
            min=0.01,
            help="Lifetime in hours (default 12, or the maximum if lower; at most the maximum).",
        ),
    ] = None,
) -> None:
    """Print a bearer token signed with HELPDESK_JWT_SECRET (or the demo secret in demo mode)."""
    typer.echo(sign_token(load_settings(), user, name, account, role, hours))
