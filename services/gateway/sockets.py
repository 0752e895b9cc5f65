"""What every WebSocket of the gateway shares: admission by token, a bounded send buffer.

Chat sockets and the pop-up streams authenticate the same way (`?token=`, closed with 4401
when it is wrong) and protect the gateway from slow readers the same way.
"""

import asyncio
import logging
import re

from fastapi import WebSocket

from services.gateway.auth import InvalidToken, TokenVerifier
from shared.people import Caller

CLOSE_BAD_TOKEN = 4401
CLOSE_FORBIDDEN = 4403
# RFC 6455 "try again later": the client did not read its frames fast enough.
CLOSE_TOO_SLOW = 1013
# Frames waiting for one slow socket; past this the socket is closed, not the gateway.
OUTBOX_LIMIT = 256


async def admit(
    websocket: WebSocket, verifier: TokenVerifier, token: str, agents_only: bool
) -> Caller | None:
    """Accept the socket, then check its token: a close code reaches only an open socket."""
    await websocket.accept()
    try:
        caller = verifier.verify(token)
    except InvalidToken:
        await websocket.close(CLOSE_BAD_TOKEN, "invalid or missing token")
        return None
    if agents_only and caller.role != "agent":
        await websocket.close(CLOSE_FORBIDDEN, "this needs a support agent's account")
        return None
    return caller


class SocketOutbox:
    """Frames on their way to one socket, written by one task so sends never interleave."""

    def __init__(self, limit: int = OUTBOX_LIMIT) -> None:
        self.frames: asyncio.Queue[str] = asyncio.Queue(limit)
        self.too_slow = False

    def send(self, text: str) -> None:
        try:
            self.frames.put_nowait(text)
        except asyncio.QueueFull:
            # A client that does not read would hold the gateway's memory: the writer closes
            # the socket after its current frame, and the client may reconnect.
            self.too_slow = True

    async def write(self, websocket: WebSocket) -> None:
        while not self.too_slow:
            await websocket.send_text(await self.frames.get())
        await websocket.close(CLOSE_TOO_SLOW)


class HideQueryTokens(logging.Filter):
    """Uvicorn logs each socket handshake with its query string, where the token rides."""

    _TOKEN = re.compile(r"(token=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self._TOKEN.sub(r"\1[hidden]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def hide_query_tokens() -> None:
    """Install the filter once, however many socket routes ask for it."""
    uvicorn_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, HideQueryTokens) for existing in uvicorn_log.filters):
        uvicorn_log.addFilter(HideQueryTokens())
