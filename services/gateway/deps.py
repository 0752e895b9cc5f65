"""The gateway's injected pieces, declared once as `Annotated` aliases.

Every dependency is `async def`: FastAPI runs a plain `def` dependency in a worker thread,
and those hand-offs were 40% of the gateway's time per ticket created (py-spy, issue #10).
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.gateway.attachments.uploads import AttachmentUploads
from services.gateway.auth import InvalidToken, TokenVerifier
from services.gateway.kb.service import KnowledgeBase as KnowledgeBaseIndex
from services.gateway.ratelimit import RateLimiter
from services.gateway.realtime.chat import ChatSockets
from shared.errors import Forbidden, Unauthorized
from shared.people import Caller
from shared.rpc_client import RpcClient
from shared.settings import Settings
from shared.support_hours import SupportCalendar

_bearer = HTTPBearer(auto_error=False, description="JWT issued by the host application")


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_rpc(request: Request) -> RpcClient:
    rpc: RpcClient = request.app.state.rpc
    return rpc


async def get_calendar(request: Request) -> SupportCalendar:
    calendar: SupportCalendar = request.app.state.calendar
    return calendar


async def get_chat_sockets(request: Request) -> ChatSockets:
    chat: ChatSockets = request.app.state.chat
    return chat


async def get_verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.verifier
    return verifier


async def get_attachments(request: Request) -> AttachmentUploads:
    attachments: AttachmentUploads = request.app.state.attachments
    return attachments


async def get_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.limiter
    return limiter


async def get_knowledge_base(request: Request) -> KnowledgeBaseIndex:
    kb: KnowledgeBaseIndex = request.app.state.kb
    return kb


# Where the body guard leaves the caller it verified, so the endpoint does not verify twice.
CALLER_STATE = "helpdesk_caller"


async def authenticate(verifier: TokenVerifier, authorization: str | None) -> Caller:
    """The caller an `Authorization: Bearer <JWT>` header proves; Unauthorized otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing bearer token", code="token_missing")
    try:
        return verifier.verify(token.strip())
    except InvalidToken as error:
        raise Unauthorized(str(error), code="token_invalid") from None


async def get_current_caller(
    request: Request,
    verifier: Annotated[TokenVerifier, Depends(get_verifier)],
    # Declared so OpenAPI shows the bearer scheme; the header is read by `authenticate`.
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    verified: Caller | None = request.scope.get("state", {}).get(CALLER_STATE)
    if verified is not None:
        return verified
    return await authenticate(verifier, request.headers.get("authorization"))


async def get_current_agent(caller: Annotated[Caller, Depends(get_current_caller)]) -> Caller:
    ensure_agent(caller)
    return caller


async def get_current_hotel_user(
    caller: Annotated[Caller, Depends(get_current_caller)],
) -> Caller:
    """A user of a hotel account, not support: for what only a customer does (rating)."""
    if caller.role != "user":
        raise Forbidden("this is for the users of a hotel account, not support", "users_only")
    return caller


def ensure_agent(caller: Caller) -> None:
    if caller.role != "agent":
        raise Forbidden("this needs a support agent's account", code="agent_only")


AppSettings = Annotated[Settings, Depends(get_settings)]
Rpc = Annotated[RpcClient, Depends(get_rpc)]
Calendar = Annotated[SupportCalendar, Depends(get_calendar)]
Verifier = Annotated[TokenVerifier, Depends(get_verifier)]
# This instance's chat sockets, and what it knows of agents online.
LiveChat = Annotated[ChatSockets, Depends(get_chat_sockets)]
KnowledgeBase = Annotated[KnowledgeBaseIndex, Depends(get_knowledge_base)]
Attachments = Annotated[AttachmentUploads, Depends(get_attachments)]
Limiter = Annotated[RateLimiter, Depends(get_limiter)]
CurrentUser = Annotated[Caller, Depends(get_current_caller)]
CurrentAgent = Annotated[Caller, Depends(get_current_agent)]
CurrentHotelUser = Annotated[Caller, Depends(get_current_hotel_user)]
