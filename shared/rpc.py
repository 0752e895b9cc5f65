"""Request/reply between the gateway and the services: the reply envelope and its errors.

A service answers every command with an `RpcReply`, so a rule that says no travels as a
value (kind + message) and the gateway maps it to a status code in one place.
"""

import functools
import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ParamSpec

from pydantic import BaseModel

from shared.errors import ErrorKind, HelpdeskError

P = ParamSpec("P")


class RpcError(BaseModel):
    kind: ErrorKind
    message: str


class RpcReply(BaseModel):
    ok: bool
    result: Any = None
    error: RpcError | None = None


def rpc_endpoint(
    handler: Callable[P, Awaitable[BaseModel | list[Any] | dict[str, Any] | None]],
) -> Callable[P, Awaitable[RpcReply]]:
    """Wrap a service's command handler so that domain errors become error replies.

    Only `HelpdeskError` is caught: anything else is a bug and must surface as one.
    """

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> RpcReply:
        try:
            result = await handler(*args, **kwargs)
        except HelpdeskError as error:
            return RpcReply(ok=False, error=RpcError(kind=error.kind, message=error.message))
        if isinstance(result, BaseModel):
            result = result.model_dump(mode="json")
        return RpcReply(ok=True, result=result)

    # FastStream reads the handler's signature to decode the request and cast the reply:
    # the request type is the handler's, the reply type is the envelope.
    wrapper.__signature__ = inspect.signature(handler).replace(  # type: ignore[attr-defined]
        return_annotation=RpcReply
    )
    return wrapper


class StatusQuery(BaseModel):
    """Asks a service who it is and whether what it depends on answers."""


class ServiceStatus(BaseModel):
    service: str
    instance: str
    started_at: datetime
    checks: dict[str, bool]
