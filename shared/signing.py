"""Requests on the bus carry the gateway's signature, so broker access is not impersonation.

The gateway is the only process that reads a token, so it is the only one that may say
who is calling. It signs each request (the queue it is addressed to, the time and the
body, which names the caller) with HMAC-SHA256 under a key only the help desk's processes
hold (HELPDESK_BUS_KEY); each service answers a request only if the signature is right
and fresh. Someone who can publish on the broker but lacks the key cannot make a service
act as an agent or as another hotel's user.
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from faststream import BaseMiddleware

from shared.errors import Forbidden
from shared.rpc import error_response

SIGNATURE_HEADER = "x-helpdesk-signature"
SIGNED_AT_HEADER = "x-helpdesk-signed-at"
# A request older than this is refused even when its signature is right, so one captured
# off the broker cannot be replayed later. Well above the gateway's deadline (4.5 s) and
# ordinary clock skew between hosts.
MAX_AGE_SECONDS = 30.0
# Requests are addressed to the queues `rpc.<service>.<command>` (shared/topology.py).
REQUEST_PREFIX = "rpc."

logger = logging.getLogger("helpdesk.signing")


class BusSigner:
    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def _digest(self, routing_key: str, signed_at: str, body: bytes) -> str:
        signed = b"\n".join((routing_key.encode(), signed_at.encode(), body))
        return hmac.new(self._key, signed, hashlib.sha256).hexdigest()

    def headers(self, routing_key: str, body: bytes, at: float | None = None) -> dict[str, str]:
        """The headers that sign one request, sent now (or `at`, a Unix time)."""
        signed_at = f"{time.time() if at is None else at:.3f}"
        return {
            SIGNED_AT_HEADER: signed_at,
            SIGNATURE_HEADER: self._digest(routing_key, signed_at, body),
        }

    def verify(self, routing_key: str, headers: dict[str, Any], body: bytes) -> bool:
        signed_at, signature = headers.get(SIGNED_AT_HEADER), headers.get(SIGNATURE_HEADER)
        if not isinstance(signed_at, str) or not isinstance(signature, str):
            return False
        try:
            age = time.time() - float(signed_at)
        except ValueError:
            return False
        if abs(age) > MAX_AGE_SECONDS:
            return False
        return hmac.compare_digest(signature, self._digest(routing_key, signed_at, body))

    def middleware(self) -> type[BaseMiddleware]:
        """A FastStream middleware that answers an unsigned or forged request with a refusal
        instead of running its handler; events and other messages pass untouched."""
        signer = self

        class SignedRequests(BaseMiddleware):
            async def consume_scope(
                self, call_next: Callable[[Any], Awaitable[Any]], msg: Any
            ) -> Any:
                routing_key: str = msg.raw_message.routing_key or ""
                if not routing_key.startswith(REQUEST_PREFIX) or msg.raw_message.exchange:
                    return await call_next(msg)
                if signer.verify(routing_key, msg.headers or {}, msg.body):
                    return await call_next(msg)
                logger.warning("unsigned or forged request refused", extra={"route": routing_key})
                return error_response(
                    Forbidden("the request is not signed by the gateway", "bus_signature_invalid")
                )

        return SignedRequests
