"""The one minter of bearer tokens (demo endpoint, `helpdesk token`, tests) and its rules.

Host applications issue their own tokens; the help desk mints them only in demo mode, for
support from the command line, and in tests. One function, so every token it makes
carries the claims and the audience the gateway checks.
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"
# HS256 with a shorter key is guessable offline from any one token (RFC 7518 §3.2).
SECRET_MIN_BYTES = 32


def check_secret(secret: str) -> None:
    """Refuse a signing secret too short to be safe, naming the setting to fix."""
    if len(secret.encode()) < SECRET_MIN_BYTES:
        raise RuntimeError(
            f"HELPDESK_JWT_SECRET must be at least {SECRET_MIN_BYTES} bytes "
            f"(it has {len(secret.encode())}); generate one with `openssl rand -hex 32`"
        )


def mint_token(
    *,
    secret: str,
    subject: str,
    name: str,
    account_id: str,
    role: str,
    lifetime: timedelta,
    max_lifetime: timedelta,
    audience: str | None = None,
    extra: Mapping[str, object] | None = None,
) -> str:
    """A signed token with the claims the gateway requires (`extra` for tests' odd ones).

    The lifetime is cut to `max_lifetime`, the verifier's own maximum: what one minter
    signs, the gateway must accept (a 12 h demo token under a 6 h maximum was refused).
    """
    check_secret(secret)
    now = datetime.now(UTC)
    lifetime = min(lifetime, max_lifetime)
    claims: dict[str, object] = {
        "sub": subject,
        "name": name,
        "account_id": account_id,
        "role": role,
        "iat": now,
        "exp": now + lifetime,
    }
    if audience:
        claims["aud"] = audience
    return jwt.encode({**claims, **(extra or {})}, secret, algorithm=ALGORITHM)
