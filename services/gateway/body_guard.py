"""Admission of request bodies: the caller and the size are judged before any byte is read.

FastAPI reads and spools a form (or a JSON body) before it solves an endpoint's
dependencies, so a dependency cannot refuse a 30 MB upload without a token until the
upload is on disk. This ASGI middleware guards the body itself: at its first read it
authenticates the caller as the chosen route requires (401/403), refuses a declared
`Content-Length` over the route's limit (413) and, for a large body, a caller already
over the route's rate limit (429); then it counts the bytes of a streamed (chunked) body
and cuts it off at the limit. A refusal is sent at once with
`Connection: close`; the server then drops the rest of the body unread.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from fastapi import params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.auth import TokenVerifier
from services.gateway.deps import (
    CALLER_STATE,
    authenticate,
    ensure_agent,
    get_current_agent,
    get_current_caller,
)
from services.gateway.errors import error_response
from services.gateway.in_memory_body import read_in_memory
from services.gateway.ratelimit import Limit, RateLimiter
from shared.errors import HelpdeskError, TooLarge

# JSON bodies are small: the largest (an announcement) is 20,000 characters, at most six
# bytes each when escaped as \uXXXX.
JSON_BODY_MAX = 256 * 1024
# Bodies up to this size are read before a rate-limit refusal (see `_small`).
SMALL_BODY_BYTES = 256 * 1024
# Room for a form's text fields and multipart boundaries around the file itself.
FORM_OVERHEAD_BYTES = 256 * 1024

Admits = Literal["anyone", "signed_in", "agent"]


@dataclass(frozen=True)
class BodyRule:
    """Who may send a route a body, and how large it may be."""

    admits: Admits
    max_bytes: int
    # The rate limit the route counts (declared as its dependency), if any.
    limit: Limit | None = None


def rule_of(route: APIRoute, upload_max_bytes: int, in_memory_max_bytes: int) -> BodyRule:
    """A route's rule, read from its own declaration: its caller dependency and body type
    (a form with its file, a body read whole into memory, or JSON)."""
    calls = [dependant.call for dependant in _dependants(route.dependant)]
    admits: Admits = (
        "agent"
        if get_current_agent in calls
        else "signed_in"
        if get_current_caller in calls
        else "anyone"
    )
    body = route.body_field
    takes_form = body is not None and isinstance(body.field_info, params.Form)
    limit = (
        upload_max_bytes + FORM_OVERHEAD_BYTES
        if takes_form
        else in_memory_max_bytes
        if read_in_memory in calls
        else JSON_BODY_MAX
    )
    rate = next((call for call in calls if isinstance(call, Limit)), None)
    return BodyRule(admits, limit, rate)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _small(headers: Headers) -> bool:
    """A body declared small enough to read even when it is then refused.

    An early refusal closes the connection with the body unsent; a client still writing
    it may see the connection reset instead of the answer. Worth it against a 25 MB
    upload; a small reply over its rate limit is read and hears its 429 from the endpoint.
    """
    declared = headers.get("content-length", "")
    return declared.isdigit() and int(declared) <= SMALL_BODY_BYTES


def _carries_body(headers: Headers) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0") not in ("", "0")


class BodyGuard:
    def __init__(
        self,
        app: ASGIApp,
        verifier: TokenVerifier,
        limiter: RateLimiter,
        upload_max_bytes: int,
        in_memory_max_bytes: int,
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.limiter = limiter
        self.upload_max_bytes = upload_max_bytes
        self.in_memory_max_bytes = in_memory_max_bytes
        self._rules: dict[int, BodyRule] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _carries_body(headers := Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        body = _GuardedBody(self, scope, headers, receive)
        await body.serve(send)

    def rule_for(self, scope: Scope) -> BodyRule:
        """The rule of the route the router chose (it sets `scope["route"]` before the
        endpoint reads anything); a body sent elsewhere is held to the JSON limit."""
        route = scope.get("route")
        if not isinstance(route, APIRoute):
            return BodyRule("anyone", JSON_BODY_MAX)
        if id(route) not in self._rules:
            self._rules[id(route)] = rule_of(route, self.upload_max_bytes, self.in_memory_max_bytes)
        return self._rules[id(route)]

    async def admit(self, scope: Scope, headers: Headers) -> int:
        """Check the caller and the declared size; the number of bytes the body may have."""
        rule = self.rule_for(scope)
        if rule.admits != "anyone":
            caller = await authenticate(self.verifier, headers.get("authorization"))
            if rule.admits == "agent":
                ensure_agent(caller)
            if rule.limit is not None and not _small(headers):
                await self.limiter.ensure_room(rule.limit, caller)
            scope.setdefault("state", {})[CALLER_STATE] = caller
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > rule.max_bytes:
            raise _too_large(rule.max_bytes)
        return rule.max_bytes


class _GuardedBody:
    """The request's body as the app reads it: admitted at the first read, counted after.

    The first read happens once the router has chosen the route and before FastAPI parses
    anything, so nothing of a refused body is read. On a refusal the app is told the client
    went away (it stops and answers 400, which nobody sees); the client gets the refusal.
    """

    def __init__(self, guard: BodyGuard, scope: Scope, headers: Headers, receive: Receive) -> None:
        self.guard = guard
        self.scope = scope
        self.headers = headers
        self.receive = receive
        self.max_bytes: int | None = None
        self.received = 0
        self.refusal: HelpdeskError | None = None

    async def read(self) -> Message:
        if self.refusal is not None:
            return {"type": "http.disconnect"}
        try:
            if self.max_bytes is None:
                self.max_bytes = await self.guard.admit(self.scope, self.headers)
            message = await self.receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
                if self.received > self.max_bytes:
                    raise _too_large(self.max_bytes)
        except HelpdeskError as refusal:
            self.refusal = refusal
            return {"type": "http.disconnect"}
        return message

    async def serve(self, send: Send) -> None:
        answered = False

        async def answer(message: Message) -> None:
            nonlocal answered
            if self.refusal is not None and not answered:
                return
            answered = True
            await send(message)

        try:
            await self.guard.app(self.scope, self.read, answer)
        except Exception:
            if self.refusal is None or answered:
                raise
        if self.refusal is not None and not answered:
            response = error_response(self.refusal)
            # The body is left unread: the connection cannot carry another request after it.
            response.headers["Connection"] = "close"
            await response(self.scope, self.read, send)


def _too_large(max_bytes: int) -> TooLarge:
    megabyte = 1024 * 1024
    limit = f"{max_bytes // megabyte} MB" if max_bytes >= megabyte else f"{max_bytes // 1024} KB"
    return TooLarge(f"the request is larger than {limit}", code="request_too_large")
