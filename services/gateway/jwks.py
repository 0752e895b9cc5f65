"""The host application's token-signing keys (JWKS), kept fresh in the background.

Verifying a token only reads the keys held in memory: no request and no socket admission
ever waits for the key server. A task fetches the set at start and every
`refresh_seconds`; a token naming a key this set lacks (the host rotated its keys) asks
for an early fetch, at most once per `min_refetch_seconds`, so forged key ids cannot turn
the gateway into a client hammering the key server.
"""

import asyncio
import contextlib
import logging
import time

import jwt

from shared.errors import Unavailable

logger = logging.getLogger("helpdesk.gateway.jwks")

# A slow key server delays only the background fetch, never longer than this.
FETCH_TIMEOUT_SECONDS = 5.0
# Early fetches for unknown key ids: at most one per this many seconds (or per refresh).
MIN_REFETCH_SECONDS = 30.0


class KeysUnavailable(Unavailable):
    """No key set has been fetched yet: tokens cannot be checked (503, not 401)."""


class KeySet:
    def __init__(self, url: str, refresh_seconds: float) -> None:
        self.url = url
        self.refresh_seconds = refresh_seconds
        self.min_refetch_seconds = min(MIN_REFETCH_SECONDS, refresh_seconds)
        self.keys: dict[str | None, jwt.PyJWK] = {}
        self.loaded = False
        self._client = jwt.PyJWKClient(
            url, cache_jwk_set=False, cache_keys=False, timeout=int(FETCH_TIMEOUT_SECONDS)
        )
        self._wanted = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def key_for(self, kid: str | None) -> jwt.PyJWK:
        """The key a token names; an unknown one raises and asks for an early fetch."""
        key = self.keys.get(kid)
        if key is None and kid is None and len(self.keys) == 1:
            # A host with one key may leave `kid` out of its tokens.
            key = next(iter(self.keys.values()))
        if key is not None:
            return key
        if not self.loaded:
            raise KeysUnavailable(
                "the token signing keys are not available yet; try again shortly",
                "auth_keys_unavailable",
            )
        self._wanted.set()
        raise jwt.PyJWKClientError("the token's signing key is not known")

    async def start(self) -> None:
        """One fetch now (bounded by its timeout), then refreshes in the background."""
        await self._fetch()
        self._task = asyncio.create_task(self._refresh_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _refresh_forever(self) -> None:
        while True:
            fetched_at = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wanted.wait(), self.refresh_seconds)
            # However many tokens asked meanwhile, they get one fetch, and not too soon.
            await asyncio.sleep(fetched_at + self.min_refetch_seconds - time.monotonic())
            self._wanted.clear()
            await self._fetch()

    async def _fetch(self) -> None:
        try:
            # PyJWKClient fetches with blocking urllib: a thread, off the event loop.
            key_set = await asyncio.to_thread(self._client.get_jwk_set, True)
        except (jwt.PyJWTError, ValueError) as error:
            # The keys held so far stay in use; the next refresh tries again.
            logger.warning("jwks fetch failed", extra={"error": str(error)})
            return
        self.keys = {key.key_id: key for key in key_set.keys if key.public_key_use in (None, "sig")}
        self.loaded = True
