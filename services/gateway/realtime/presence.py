"""Collision warnings in the console: who else has this ticket open, and who writes a reply.

An agent's console says on its stream socket (`WS /api/v1/agent/stream`) which ticket it
shows (`{"type": "viewing", "ticket": "HD-000123"}`, `null` for none) and, while its agent
writes the reply, `{"type": "typing", "ticket": ...}`. This instance tells every instance
(its own included) over the presence exchange; each instance keeps the table of who views
what (viewers.py) and sends its own consoles `ticket.viewers` and `ticket.typing` frames
about the ticket they show. Nothing is stored: a console that closes the ticket, goes
elsewhere or whose socket drops is gone at once; one whose gateway died is gone when that
gateway's reports stop (three refresh periods).
"""

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from services.gateway.realtime.broadcast import Broadcast
from services.gateway.realtime.push import PushConsumer
from services.gateway.realtime.sockets import SocketOutbox, TypingThrottle, frame_text
from services.gateway.realtime.viewers import TicketViewers
from shared.people import Caller
from shared.presence import Colleague, ReplyTyping, TicketNumber, ViewersReport, Viewing
from shared.settings import Settings
from shared.token_bucket import TokenBucket
from shared.topology import PRESENCE_EXCHANGE, PRESENCE_TYPING_KEY, PRESENCE_VIEWERS_KEY

# The largest valid frame is a few dozen characters; anything far beyond is not parsed.
MAX_FRAME_CHARS = 1_000
FRAMES_EXPECTED = (
    'send JSON of at most 1,000 characters: {"type": "viewing", "ticket": a number or null} '
    'or {"type": "typing", "ticket": the number shown}'
)
# Complete reports missed before another instance's consoles are forgotten.
REPORTS_MISSED = 3


class ViewingFrame(BaseModel):
    type: Literal["viewing"]
    ticket: TicketNumber | None


class TypingFrame(BaseModel):
    type: Literal["typing"]
    ticket: TicketNumber


ConsoleFrame = TypeAdapter(Annotated[ViewingFrame | TypingFrame, Field(discriminator="type")])


class TicketViewersData(BaseModel):
    """`ticket.viewers`: the other agents with this ticket open now (empty: nobody else)."""

    number: str
    agents: list[Colleague]


class TicketTypingData(BaseModel):
    """`ticket.typing`: another agent is writing a reply to this ticket."""

    number: str
    agent: Colleague


class ErrorData(BaseModel):
    code: str
    detail: str


@dataclass(eq=False)
class Console:
    """One agent's stream socket as presence knows it."""

    outbox: SocketOutbox
    agent: Colleague
    rate: TokenBucket
    socket_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ticket: str | None = None
    typing: TypingThrottle = field(default_factory=TypingThrottle)

    def send(self, kind: str, data: BaseModel) -> None:
        self.outbox.send(frame_text(kind, data))


class PresenceHub:
    def __init__(self, broadcast: Broadcast, gateway_id: str, settings: Settings) -> None:
        self.broadcast = broadcast
        self.gateway_id = gateway_id
        self.settings = settings
        self.refresh_seconds = settings.presence_refresh_seconds
        self.consoles: dict[str, Console] = {}
        self.viewers = TicketViewers(REPORTS_MISSED * self.refresh_seconds)
        self._refresher: asyncio.Task[None] | None = None

    def bind(self, push: PushConsumer) -> None:
        push.bind(PRESENCE_EXCHANGE, PRESENCE_VIEWERS_KEY, self._on_viewers)
        push.bind(PRESENCE_EXCHANGE, PRESENCE_TYPING_KEY, self._on_typing)

    def join(self, outbox: SocketOutbox, caller: Caller) -> Console:
        settings = self.settings
        rate = TokenBucket.full(
            settings.presence_frames_per_minute, settings.presence_frame_burst, datetime.now(UTC)
        )
        console = Console(outbox, Colleague(id=caller.id, name=caller.name), rate)
        self.consoles[console.socket_id] = console
        # With no console here, nothing expired what a dead instance had told.
        self.viewers.expire(time.monotonic())
        if self._refresher is None:
            self._refresher = asyncio.create_task(self._refresh_while_anyone())
        return console

    async def leave(self, console: Console) -> None:
        del self.consoles[console.socket_id]
        if console.ticket is not None:
            console.ticket = None
            await self._tell(console)

    async def receive(self, console: Console, text: str) -> None:
        """One frame from a console: checked, limited, then told to every instance."""
        now = datetime.now(UTC)
        try:
            if len(text) > MAX_FRAME_CHARS:
                raise ValueError("too large")
            frame = ConsoleFrame.validate_json(text)
        except ValueError:  # pydantic's ValidationError is one
            # Refused in words only within the limit: a flood is dropped without a word.
            if console.rate.take(now):
                self._refuse(console, "presence_frame_invalid", FRAMES_EXPECTED)
            return
        if isinstance(frame, TypingFrame):
            # Only about the ticket it shows, and at most every few seconds (no reply due).
            if frame.ticket == console.ticket and console.typing.allows(frame.ticket):
                await self.broadcast.publish(
                    PRESENCE_TYPING_KEY,
                    ReplyTyping(
                        gateway_id=self.gateway_id,
                        socket_id=console.socket_id,
                        agent=console.agent,
                        ticket=frame.ticket,
                    ),
                )
            return
        if not console.rate.take(now):
            self._refuse(console, "presence_rate_limited", "too many frames; slow down")
            return
        if frame.ticket != console.ticket:
            console.ticket = frame.ticket
            console.typing = TypingThrottle()
            await self._tell(console)

    def _refuse(self, console: Console, code: str, detail: str) -> None:
        console.send("error", ErrorData(code=code, detail=detail))

    async def _tell(self, console: Console) -> None:
        viewing = Viewing(socket_id=console.socket_id, agent=console.agent, ticket=console.ticket)
        report = ViewersReport(gateway_id=self.gateway_id, viewing=[viewing])
        await self.broadcast.publish(PRESENCE_VIEWERS_KEY, report)

    async def _refresh_while_anyone(self) -> None:
        """Now and then, every console of this instance, so the others keep them (and drop
        any whose close they missed); others' consoles no longer told of are dropped."""
        try:
            while self.consoles:
                await asyncio.sleep(self.refresh_seconds)
                viewing = [
                    Viewing(socket_id=console.socket_id, agent=console.agent, ticket=console.ticket)
                    for console in self.consoles.values()
                    if console.ticket is not None
                ]
                report = ViewersReport(gateway_id=self.gateway_id, viewing=viewing, complete=True)
                await self.broadcast.publish(PRESENCE_VIEWERS_KEY, report)
                self._show(self.viewers.expire(time.monotonic()))
        finally:
            self._refresher = None

    async def _on_viewers(self, body: bytes) -> None:
        report = ViewersReport.model_validate_json(body)
        self._show(self.viewers.apply(report, time.monotonic()))

    async def _on_typing(self, body: bytes) -> None:
        typing = ReplyTyping.model_validate_json(body)
        data = TicketTypingData(number=typing.ticket, agent=typing.agent)
        for console in self.consoles.values():
            if console.ticket == typing.ticket and console.agent.id != typing.agent.id:
                console.send("ticket.typing", data)

    def _show(self, tickets: set[str]) -> None:
        """Tell this instance's consoles showing these tickets who else has them open."""
        for console in self.consoles.values():
            if console.ticket in tickets:
                agents = self.viewers.of(console.ticket, besides=console.agent.id)
                console.send(
                    "ticket.viewers", TicketViewersData(number=console.ticket, agents=agents)
                )
