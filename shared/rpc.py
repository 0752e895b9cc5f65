"""Request/reply between the gateway and the services: the reply envelope and its errors.

A service answers every command with an `RpcReply`, so a rule that says no travels as a
value (kind + message) and the gateway maps it to a status code in one place.
"""

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ParamSpec

from faststream.rabbit import RabbitResponse
from pydantic import BaseModel
from pymongo.errors import ConnectionFailure

from shared.errors import ErrorKind, HelpdeskError, InternalError, Unavailable

P = ParamSpec("P")
logger = logging.getLogger("helpdesk.rpc")


class RpcError(BaseModel):
    kind: ErrorKind
    message: str
    code: str | None = None


class RpcReply(BaseModel):
    ok: bool
    result: Any = None
    error: RpcError | None = None


def rpc_endpoint(
    handler: Callable[P, Awaitable[BaseModel | list[Any] | dict[str, Any] | None]],
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
