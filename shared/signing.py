"""Every message on the bus is signed, so broker access is not impersonation.

The gateway is the only process that reads a token, so it is the only one that may say
who is calling. It signs each request (the queue it is addressed to, the time and the
body, which names the caller) with HMAC-SHA256 under a key only the help desk's processes
hold (HELPDESK_BUS_KEY); each service answers a request only if the signature is right
and fresh. The services sign what they publish the same way (domain events, which name
the agent who answered, and chat notices), and every consumer, the gateway's push queue
included, drops a message whose signature is wrong. Someone who can publish on the broker
but lacks the key cannot make a service act as an agent or as another hotel's user, nor
put a pop-up or a chat line of their own in front of a user.
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from faststream import BaseMiddleware
from faststream.exceptions import RejectMessage
from pydantic_core import to_json

from shared.errors import Forbidden
from shared.rpc import error_response

SIGNATURE_HEADER = "x-helpdesk-signature"
SIGNED_AT_HEADER = "x-helpdesk-signed-at"
# A request older than this is refused even when its signature is right, so one captured
# off the broker cannot be replayed later. Well above the gateway's deadline (4.5 s) and
# ordinary clock skew between hosts. Events have no age limit: they rightly wait in their
# queues while a consumer is down, and a replayed one is a duplicate that consumers
# already recognise by its event id.
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

    def headers(self, routing_key: str, body: bytes, at: float | None = None) -> dict[str, Any]:
        """The headers that sign one request, sent now (or `at`, a Unix time)."""
        signed_at = f"{time.time() if at is None else at:.3f}"
        return {
            SIGNED_AT_HEADER: signed_at,
            SIGNATURE_HEADER: self._digest(routing_key, signed_at, body),
        }

    def seal(self, routing_key: str, message: Any) -> tuple[bytes, dict[str, Any]]:
        """A message's JSON body and the headers that sign it: the bytes signed are the
        bytes sent. pydantic's encoder, as FastStream's own, takes models, dates and dicts."""
        body = to_json(message)
        return body, self.headers(routing_key, body)

    def verify(
        self,
        routing_key: str,
        headers: dict[str, Any],
        body: bytes,
        max_age: float | None = MAX_AGE_SECONDS,
    ) -> bool:
        signed_at, signature = headers.get(SIGNED_AT_HEADER), headers.get(SIGNATURE_HEADER)
        if not isinstance(signed_at, str) or not isinstance(signature, str):
            return False
        try:
            age = time.time() - float(signed_at)
        except ValueError:
            return False
        if max_age is not None and abs(age) > max_age:
            return False
        return hmac.compare_digest(signature, self._digest(routing_key, signed_at, body))

    def middleware(self) -> type[BaseMiddleware]:
        """A FastStream middleware that runs a handler only for a rightly signed message.
        An unsigned or forged request is answered with a refusal; any other message (an
        event) is rejected, so it lands in the dead letters where an operator sees it."""
        signer = self

        class SignedMessages(BaseMiddleware):
            async def consume_scope(
                self, call_next: Callable[[Any], Awaitable[Any]], msg: Any
            ) -> Any:
                routing_key: str = msg.raw_message.routing_key or ""
                headers = msg.headers or {}
                if is_request(msg.raw_message.exchange, routing_key):
                    if signer.verify(routing_key, headers, msg.body):
                        return await call_next(msg)
                    logger.warning("unsigned or forged request refused", extra=_route(routing_key))
                    return error_response(
                        Forbidden(
                            "the request is not signed by the gateway", "bus_signature_invalid"
                        )
                    )
                if signer.verify(routing_key, headers, msg.body, max_age=None):
                    return await call_next(msg)
                logger.warning("unsigned or forged message rejected", extra=_route(routing_key))
                raise RejectMessage

        return SignedMessages


def is_request(exchange: str | None, routing_key: str) -> bool:
    """Requests go through the default exchange to a `rpc.` queue."""
    return not exchange and routing_key.startswith(REQUEST_PREFIX)


def _route(routing_key: str) -> dict[str, str]:
    return {"route": routing_key}
