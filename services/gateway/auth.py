"""Bearer JWT verification (shared secret or the host application's JWKS) and demo tokens."""

import math
import time
from datetime import timedelta
from typing import Any

import jwt
from email_validator import EmailNotValidError, validate_email
from jwt.types import Options
from pydantic import ValidationError

from services.gateway.jwks import KeySet
from shared.people import Caller
from shared.settings import Settings
from shared.tokens import ALGORITHM, check_secret, mint_token

DEMO_TOKEN_LIFETIME = timedelta(hours=12)
REQUIRED_CLAIMS = ["sub", "name", "account_id", "role", "exp"]
# Asymmetric algorithms only for JWKS keys; `none` and HS* with a public key are never
# accepted (the classic algorithm-confusion attacks).
JWKS_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
# Clocks of the host and the gateway differ a little; the lifetime check allows for it.
CLOCK_SKEW = timedelta(minutes=1)


class InvalidToken(Exception):
    """The token is missing, forged, expired or lacks what the help desk needs."""


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self.secret = settings.effective_jwt_secret
        if self.secret is not None:
            check_secret(self.secret)
        self.audience = settings.jwt_audience
        self.max_lifetime = timedelta(hours=settings.jwt_max_lifetime_hours)
        self.jwks = (
            KeySet(settings.jwks_url, settings.jwks_refresh_seconds) if settings.jwks_url else None
        )
        if self.secret is None and self.jwks is None:
            raise RuntimeError(
                "set HELPDESK_JWT_SECRET or HELPDESK_JWKS_URL (or HELPDESK_DEMO=on for a demo)"
            )

    def verify(self, token: str) -> Caller:
        """The caller a token names; pure computation, it never waits for the key server."""
        options: Options = {"require": REQUIRED_CLAIMS, "verify_aud": self.audience is not None}
        try:
            if self.jwks is not None:
                key = self.jwks.key_for(jwt.get_unverified_header(token).get("kid")).key
                claims = jwt.decode(
                    token, key, JWKS_ALGORITHMS, options=options, audience=self.audience
                )
            else:
                assert self.secret is not None
                claims = jwt.decode(
                    token, self.secret, [ALGORITHM], options=options, audience=self.audience
                )
        except jwt.PyJWTError as error:
            raise InvalidToken(f"invalid token: {error}") from None
        self._check_lifetime(claims)
        try:
            return Caller(
                id=str(claims["sub"]),
                name=claims["name"],
                account_id=str(claims["account_id"]),
                role=claims["role"],
                email=_email(claims.get("email")),
            )
        except ValidationError:
            raise InvalidToken("invalid token: claims name, account_id or role are wrong") from None

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        """A token lives at most `max_lifetime`: from its `iat`, and from now in any case
        (a token without `iat` could otherwise name an expiry years away).

        Counted in seconds, never as datetimes: a signed `exp` of 1e20 or an `iat` of -1e12
        is no date at all (fromtimestamp overflows), and PyJWT lets numeric text through.
        """
        now = time.time()
        expires = _seconds(claims["exp"])
        issued = _seconds(claims["iat"]) if "iat" in claims else now
        limit = (self.max_lifetime + CLOCK_SKEW).total_seconds()
        if max(expires - issued, expires - now) > limit:
            hours = self.max_lifetime.total_seconds() / 3600
            raise InvalidToken(f"invalid token: its lifetime exceeds the maximum of {hours:g} h")

    def issue(self, caller: Caller, lifetime: timedelta = DEMO_TOKEN_LIFETIME) -> str:
        """Sign a token with the shared secret (demo mode; the host issues its own), never
        longer-lived than this verifier accepts."""
        if self.secret is None:
            raise RuntimeError("tokens can only be issued with a shared secret")
        return mint_token(
            secret=self.secret,
            subject=caller.id,
            name=caller.name,
            account_id=caller.account_id,
            role=caller.role,
            lifetime=lifetime,
            max_lifetime=self.max_lifetime,
            audience=self.audience,
            extra={"email": caller.email} if caller.email else None,
        )


def _seconds(claim: object) -> float:
    """A time claim as seconds since the epoch: a finite JSON number, nothing else."""
    if isinstance(claim, bool) or not isinstance(claim, int | float) or not math.isfinite(claim):
        raise InvalidToken("invalid token: exp and iat must be numbers of seconds")
    return float(claim)


def _email(claim: object) -> str | None:
    """The `email` claim as an address to send to, or None.

    A malformed one does not make the token invalid: the host vouches for who the person
    is, and the address only matters for e-mail copies, which then are not offered.
    Syntax only (no DNS lookup on a request's path); the normalised form, so a later token
    with the same address in other letter case is not a change.
    """
    if not isinstance(claim, str) or len(claim) > 254:
        return None
    try:
        return validate_email(claim, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
