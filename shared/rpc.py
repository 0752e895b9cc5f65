"""Request/reply between the gateway and the services: typed routes, the reply envelope.

Each command or query is one `RpcRoute` (shared/routes.py): the service answers on its
queue (`answers`) and the caller sends to it (shared/rpc_client.py), both typed by the
route's request and reply models. A service answers every request with an `RpcReply`, so
a rule that says no travels as a value (kind + message) and the gateway maps it to a
status code in one place.
"""

import dataclasses
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, ParamSpec, TypeVar

from faststream.rabbit import RabbitQueue, RabbitResponse, RabbitRouter
from pydantic import BaseModel, TypeAdapter
from pymongo.errors import ConnectionFailure

from shared.errors import ErrorKind, HelpdeskError, InternalError, Unavailable
from shared.topology import ServiceName, rpc_queue

P = ParamSpec("P")
RequestT = TypeVar("RequestT", bound=BaseModel)
ReplyT = TypeVar("ReplyT")
logger = logging.getLogger("helpdesk.rpc")


@dataclass(frozen=True)
class RpcRoute(Generic[RequestT, ReplyT]):
    """One command or query of one service: where it goes, what it takes, what it answers."""

    service: ServiceName
    command: str
    request: type[RequestT]
    # A model, `list[str]` or `type(None)` (the reply's result is only a success).
    reply: type[ReplyT]
    # Set for the queue of one instance only: the chat service's instance holding a chat.
    instance: str | None = None

    @property
    def queue(self) -> RabbitQueue:
        return rpc_queue(self.service, self.command, self.instance)

    def at(self, instance: str) -> "RpcRoute[RequestT, ReplyT]":
        """The same command, answered only by the service instance named `instance`."""
        return dataclasses.replace(self, instance=instance)

    @functools.cached_property
    def _result(self) -> TypeAdapter[ReplyT]:
        return TypeAdapter(self.reply)

    def result(self, value: Any) -> ReplyT:
        """The reply's result, validated as this route's reply type."""
        return self._result.validate_python(value)


class RpcError(BaseModel):
    kind: ErrorKind
    message: str
    code: str | None = None


class RpcReply(BaseModel):
    ok: bool
    result: Any = None
    error: RpcError | None = None


def answers(
    router: RabbitRouter, route: RpcRoute[RequestT, ReplyT]
) -> Callable[[Callable[[RequestT], Awaitable[ReplyT]]], object]:
    """Subscribe the decorated handler to `route`'s queue; it takes the route's request and
    returns its reply (mypy checks both), and its domain errors become error replies."""

    def subscribe(handler: Callable[[RequestT], Awaitable[ReplyT]]) -> object:
        # AsyncAPI shows the request (the handler's parameter); the reply, which it has no
        # field for, is named in the operation's description.
        subscriber = router.subscriber(route.queue, description=_replies_with(route.reply))
        return subscriber(_rpc_endpoint(handler))

    return subscribe


def _replies_with(reply: type[Any]) -> str:
    if reply is type(None):
        return "Replies with an RpcReply without a result."
    name = reply.__name__ if isinstance(reply, type) else str(reply)
    return f"Replies with an RpcReply whose result is {name}."


def _rpc_endpoint(
    handler: Callable[P, Awaitable[object]],
) -> Callable[P, Awaitable[RabbitResponse]]:
    """Wrap a service's command handler so that domain errors become error replies.

    Only `HelpdeskError` is caught: anything else is a bug and must surface as one.
    """

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> RabbitResponse:
        # Not mandatory: RabbitMQ 3.10 returns every mandatory message published to a
        # direct reply-to address even as it delivers it, so each reply came back to the
        # service as a Basic.Return (4% of the tickets service's CPU per ticket created).
        return RabbitResponse(await answer(*args, **kwargs), mandatory=False)

    async def answer(*args: P.args, **kwargs: P.kwargs) -> RpcReply:
        try:
            result = await handler(*args, **kwargs)
        except HelpdeskError as error:
            return _error_reply(error)
        except (ConnectionFailure, TimeoutError) as error:
            logger.warning("dependency unavailable", extra={"error": type(error).__name__})
            return _error_reply(Unavailable("the database is not reachable; try again shortly"))
        except Exception:
            # A bug: logged with its traceback here, and the caller is told at once
            # instead of waiting for its deadline. Nothing is retried or hidden.
            logger.exception("rpc handler failed", extra={"handler": handler.__name__})
            return _error_reply(InternalError("internal error; it has been logged"))
        if isinstance(result, BaseModel):
            result = result.model_dump(mode="json")
        return RpcReply(ok=True, result=result)

    # FastStream reads the handler's signature to decode the request (the handler's type)
    # and to cast the reply: none, so the response is published as it is.
    wrapper.__signature__ = inspect.signature(handler).replace(  # type: ignore[attr-defined]
        return_annotation=inspect.Signature.empty
    )
    return wrapper


def error_response(error: HelpdeskError) -> RabbitResponse:
    """A refusal sent as the reply, without running any handler."""
    return RabbitResponse(_error_reply(error), mandatory=False)


def _error_reply(error: HelpdeskError) -> RpcReply:
    return RpcReply(
        ok=False, error=RpcError(kind=error.kind, message=error.message, code=error.code)
    )


class StatusQuery(BaseModel):
    """Asks a service who it is and whether what it depends on answers."""


class ServiceStatus(BaseModel):
    service: str
    instance: str
    started_at: datetime
    checks: dict[str, bool]


def status_route(service: ServiceName) -> RpcRoute[StatusQuery, ServiceStatus]:
    """The query every service answers (shared/service.py): who it is, whether it is ready."""
    return RpcRoute(service, "status", StatusQuery, ServiceStatus)
