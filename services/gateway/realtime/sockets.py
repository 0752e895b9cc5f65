"""What every WebSocket of the gateway shares: admission by token, a bounded send buffer.

Chat sockets and the pop-up streams authenticate the same way (`?token=`, closed with 4401
when it is wrong) and protect the gateway from slow readers the same way.
"""

import asyncio
import logging
import re
import time
from collections import Counter
from typing import Any
from urllib.parse import unquote_plus

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import BaseModel

from services.gateway.auth import InvalidToken, TokenVerifier
from services.gateway.jwks import KeysUnavailable
from shared.people import Caller

CLOSE_BAD_TOKEN = 4401
CLOSE_FORBIDDEN = 4403
# RFC 6455 "try again later": the client did not read its frames fast enough, or the
# keys to check its token are not loaded yet.
CLOSE_TRY_LATER = 1013
# The person already has as many sockets of this kind open as the gateway allows (cf. 429).
CLOSE_TOO_MANY = 4429
# Frames waiting for one slow socket; past this the socket is closed, not the gateway.
OUTBOX_LIMIT = 256


class Frame(BaseModel):
    """What the stream sockets send: `{"type": ..., "data": {...}}`."""

    type: str
    data: dict[str, Any]


def frame_text(kind: str, data: BaseModel) -> str:
    return Frame(type=kind, data=data.model_dump(mode="json")).model_dump_json()


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
    except KeysUnavailable:
        await websocket.close(CLOSE_TRY_LATER, "auth_keys_unavailable")
        return None
    if agents_only and caller.role != "agent":
        await websocket.close(CLOSE_FORBIDDEN, "this needs a support agent's account")
        return None
    return caller


class TypingThrottle:
    """ "Is typing" is a hint, not a message: clients send it at most every few seconds while
    someone writes (web/lib/typing.js), and more often than this per conversation (a chat,
    a ticket) is dropped without a word. Live chat and ticket presence share it."""

    INTERVAL_SECONDS = 2.0

    def __init__(self) -> None:
        self.typed_at: dict[str | None, float] = {}

    def allows(self, conversation: str | None) -> bool:
        """Count one hint for `conversation`; False if it came too soon after the last."""
        now = time.monotonic()
        last = self.typed_at.get(conversation, -self.INTERVAL_SECONDS)
        if now - last < self.INTERVAL_SECONDS:
            return False
        self.typed_at[conversation] = now
        return True

    def forget(self, conversation: str | None) -> None:
        self.typed_at.pop(conversation, None)


class SocketQuota:
    """Open sockets of one kind per person (account and user) on this gateway instance.

    One person has a few tabs and devices; hundreds of sockets are an attack on the
    gateway's memory and, for chat, on the queue every hotel shares.
    """

    def __init__(self, per_person: int) -> None:
        self.per_person = per_person
        self.open: Counter[tuple[str, str]] = Counter()

    async def take_seat(self, websocket: WebSocket, caller: Caller) -> bool:
        """True if the socket may stay (call `leave` when it ends); else it is closed."""
        person = (caller.account_id, caller.id)
        if self.open[person] >= self.per_person:
            await websocket.close(CLOSE_TOO_MANY, "too_many_sockets")
            return False
        self.open[person] += 1
        return True

    def leave(self, caller: Caller) -> None:
        # Plain calls, not a context manager: an idle socket should hold no extra frame.
        person = (caller.account_id, caller.id)
        self.open[person] -= 1
        if not self.open[person]:
            del self.open[person]


class SocketOutbox:
    """Frames on their way to one socket, written in order by one task at a time.

    The task runs only while frames wait: an idle socket holds no task and no queue, only
    an empty list (one gateway holds 15,000 idle sockets; a task, an asyncio.Queue or a
    deque cost each of them kilobytes or most of one; at most OUTBOX_LIMIT frames wait, so
    taking the first of a list is cheap).
    """

    def __init__(self, websocket: WebSocket, limit: int = OUTBOX_LIMIT) -> None:
        self.websocket = websocket
        self.limit = limit
        self.frames: list[str] = []
        self.too_slow = False
        self.writer: asyncio.Task[None] | None = None

    def send(self, text: str) -> None:
        if len(self.frames) >= self.limit:
            # A client that does not read would hold the gateway's memory: the writer closes
            # the socket after its current frame, and the client may reconnect.
            self.too_slow = True
        elif not self.too_slow:
            self.frames.append(text)
        if self.writer is None and not self.too_slow:
            self.writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        try:
            while self.frames and not self.too_slow:
                await self.websocket.send_text(self.frames.pop(0))
            if self.too_slow:
                await self.websocket.close(CLOSE_TRY_LATER)
        except (WebSocketDisconnect, RuntimeError, OSError):
            # The client is gone: the expected end of a socket's writer, not news.
            self.frames.clear()
        finally:
            self.writer = None

    async def close(self) -> None:
        """Stops the writer when the socket ends."""
        if self.writer is not None:
            self.writer.cancel()
            await asyncio.gather(self.writer, return_exceptions=True)


class HideQueryTokens(logging.Filter):
    """Uvicorn logs each socket handshake with its query string, where the token rides.

    Every `name=value` pair is looked at with its name decoded and lower-cased: `%74oken`
    and `TOKEN` are `token` to a reader of the query, so their values are hidden too.
    """

    _PAIR = re.compile(r"(?P<name>[^?&;=\s\"]+)=(?P<value>[^&;\s\"]*)")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self._PAIR.sub(self._hide, arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True

    @staticmethod
    def _hide(pair: re.Match[str]) -> str:
        if unquote_plus(pair["name"]).strip().lower() != "token":
            return pair[0]
        return f"{pair['name']}=[hidden]"


def hide_query_tokens() -> None:
    """Install the filter once, however many socket routes ask for it."""
    uvicorn_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, HideQueryTokens) for existing in uvicorn_log.filters):
        uvicorn_log.addFilter(HideQueryTokens())
