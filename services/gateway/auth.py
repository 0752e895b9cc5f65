"""Bearer JWT verification (shared secret or the host application's JWKS) and demo tokens."""

from datetime import UTC, datetime, timedelta

import jwt
from jwt.types import Options
from pydantic import ValidationError

from shared.people import Caller
from shared.settings import Settings

DEMO_TOKEN_LIFETIME = timedelta(hours=12)
REQUIRED_CLAIMS = ["sub", "name", "account_id", "role", "exp"]
# Asymmetric algorithms only for JWKS keys; `none` and HS* with a public key are never
# accepted (the classic algorithm-confusion attacks).
JWKS_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


class InvalidToken(Exception):
    """The token is missing, forged, expired or lacks what the help desk needs."""


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self.secret = settings.effective_jwt_secret
        self.audience = settings.jwt_audience
        self.jwks = jwt.PyJWKClient(settings.jwks_url) if settings.jwks_url else None
        if self.secret is None and self.jwks is None:
            raise RuntimeError(
                "set HELPDESK_JWT_SECRET or HELPDESK_JWKS_URL (or HELPDESK_DEMO=on for a demo)"
            )

    def verify(self, token: str) -> Caller:
        options: Options = {"require": REQUIRED_CLAIMS, "verify_aud": self.audience is not None}
        try:
            if self.jwks is not None:
                key = self.jwks.get_signing_key_from_jwt(token).key
                claims = jwt.decode(
                    token, key, JWKS_ALGORITHMS, options=options, audience=self.audience
                )
            else:
                assert self.secret is not None
                claims = jwt.decode(
                    token, self.secret, ["HS256"], options=options, audience=self.audience
                )
        except jwt.PyJWTError as error:
            raise InvalidToken(f"invalid token: {error}") from None
        try:
            return Caller(
                id=str(claims["sub"]),
                name=claims["name"],
                account_id=str(claims["account_id"]),
                role=claims["role"],
            )
        except ValidationError:
            raise InvalidToken("invalid token: claims name, account_id or role are wrong") from None

    def issue(self, caller: Caller, lifetime: timedelta = DEMO_TOKEN_LIFETIME) -> str:
        """Sign a token with the shared secret (demo mode and tests; the host issues its own)."""
        if self.secret is None:
            raise RuntimeError("tokens can only be issued with a shared secret")
        now = datetime.now(UTC)
        claims = {
            "sub": caller.id,
            "name": caller.name,
            "account_id": caller.account_id,
            "role": caller.role,
            "iat": now,
            "exp": now + lifetime,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")
