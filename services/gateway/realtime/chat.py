"""`WS /api/v1/chat` and `WS /api/v1/agent/chat`: the gateway's end of live chat.

The gateway holds the sockets; the chat service holds the chats. A socket's commands go to
the chat service over request/reply; its notices come back through this instance's push
queue (services/gateway/realtime/push.py) and are forwarded to the client as they are. Nothing here
keeps chat text beyond the socket's send buffer, and nothing here logs it.

The chat service may run as several instances, each holding its own chats: a chat's id
names its instance, and every command about the chat goes to that instance's queues
(shared/routes.py, to_holder). Agents see the instances' queues merged into one; an
agent's console checks in with every instance (availability), and an instance whose
queues are gone (it died) has its chats ended here, on both sides.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from fastapi import APIRouter, FastAPI, WebSocket
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from services.gateway.auth import TokenVerifier
from services.gateway.errors import validation_code
from services.gateway.realtime.push import PushConsumer
from services.gateway.realtime.sockets import (
    SocketOutbox,
    SocketQuota,
    TypingThrottle,
    admit,
    hide_query_tokens,
)
from shared.chat import (
    AcceptChat,
    AgentRef,
    Availability,
    BusyReason,
    ChatPushes,
    EndChat,
    EndedNotice,
    Endpoint,
    EndReason,
    Heartbeat,
    Id,
    ListQueue,
    MessageText,
    Notice,
    PostMessage,
    PreChatForm,
    QueueSnapshot,
    ServiceRestarted,
    SetAvailability,
    ShowTyping,
    Side,
    SocketClosed,
    StartChat,
    Transient,
    chat_owner,
)
from shared.chat_instances import ChatInstances
from shared.errors import Conflict, HelpdeskError, NotFound, Unavailable
from shared.people import Caller
from shared.ratings import RateChat, Stars
from shared.routes import (
    ACCEPT_CHAT,
    CHAT_HEARTBEAT,
    CHAT_QUEUE,
    CHAT_SOCKET_CLOSED,
    CHAT_TYPING,
    END_CHAT,
    POST_CHAT_MESSAGE,
    RATE_CHAT,
    SET_AGENT_AVAILABILITY,
    START_CHAT,
    to_holder,
)
from shared.rpc import ReplyT, RequestT, RpcRoute
from shared.rpc_client import SERVICE_NOT_RUNNING, RpcClient
from shared.settings import Contact, Settings
from shared.support_hours import SupportCalendar
from shared.token_bucket import TokenBucket
from shared.topology import CHAT_EXCHANGE, CHAT_QUEUE_KEY, CHAT_RESTARTED_KEY, chat_gateway_key

router = APIRouter(tags=["chat"])
logger = logging.getLogger("helpdesk.gateway.chat")

# The largest valid frame is a start form (100 + 1,000 characters) or a 2,000-character
# line, in JSON; anything far beyond is refused before it is parsed.
MAX_FRAME_CHARS = 10_000
# An agent's socket speaks in many chats at once, each limited by the chat service too.
AGENT_FRAME_FACTOR = 20
# The stars under an ended chat are for that moment; later the chat is long forgotten.
CHAT_RATING_WINDOW = timedelta(minutes=30)
# A live chat instance whose RabbitMQ node died has no queues until it has reconnected to
# another node and declared them again (1-2 s in tests/test_scale_out.py on a busy machine):
# its queues missing for longer than this, an instance heard from lately is gone.
RECONNECT_GRACE_SECONDS = 5.0
RECONNECT_RETRY_SECONDS = 0.25


# What clients send: one model per frame type, validated before anything is asked.


class StartFrame(PreChatForm):
    type: Literal["start"]


class TextFrame(Transient):
    type: Literal["message"]
    chat_id: Id | None = None
    text: MessageText


class EndFrame(Transient):
    type: Literal["end"]
    chat_id: Id | None = None


class RateFrame(Transient):
    """The user's stars for the chat that just ended on this socket."""

    type: Literal["rate"]
    rating: Stars


class TypingFrame(Transient):
    type: Literal["typing"]
    chat_id: Id | None = None


class AcceptFrame(Transient):
    type: Literal["accept"]
    chat_id: Id


class AgentTextFrame(TextFrame):
    chat_id: Id


class AgentEndFrame(EndFrame):
    chat_id: Id


class AgentTypingFrame(TypingFrame):
    chat_id: Id


UserFrame = Annotated[
    StartFrame | TextFrame | TypingFrame | EndFrame | RateFrame, Field(discriminator="type")
]
AgentFrame = Annotated[
    AcceptFrame | AgentTextFrame | AgentTypingFrame | AgentEndFrame, Field(discriminator="type")
]


class OfflineFrame(BaseModel):
    type: Literal["offline"] = "offline"
    next_open: datetime
    contacts: list[Contact]


def describe(error: ValidationError) -> str:
    """A validation error as the client should read it: field and reason, never the input."""
    parts = []
    for problem in error.errors(include_input=False, include_url=False):
        field = next((str(part) for part in reversed(problem["loc"]) if isinstance(part, str)), "")
        reason = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{field}: {reason}" if field and field != "type" else reason)
    return "; ".join(parts)


def as_text(frame: BaseModel) -> str:
    return frame.model_dump_json(by_alias=True, exclude_none=True)


QueueListener = Callable[[QueueSnapshot], Awaitable[None]]


class InstanceGone(Exception):
    """A chat instance's queues are gone past the grace of a reconnect: it died."""


class ChatSockets:
    """This instance's chat sockets by id, the pushes that reach them, and the chat
    service's instances as their broadcasts show them."""

    def __init__(
        self,
        settings: Settings,
        rpc: RpcClient,
        verifier: TokenVerifier,
        calendar: SupportCalendar,
        gateway_id: str,
    ) -> None:
        self.settings = settings
        self.rpc = rpc
        self.verifier = verifier
        self.calendar = calendar
        self.gateway_id = gateway_id
        self.sockets: dict[str, ChatSocket] = {}
        self.quota = SocketQuota(settings.sockets_per_person)
        # Each instance broadcasts at least once a heartbeat; three missed and it is gone.
        self.instances = ChatInstances(timedelta(seconds=3 * settings.chat_heartbeat_seconds))
        # Others shown the merged queue (the agents' stream), told when it changes.
        self.queue_listeners: list[QueueListener] = []
        self._views_sent: dict[Availability, str] = {}

    async def queue(self) -> QueueSnapshot:
        """Every instance's waiting chats as one queue; if no instance is known yet (this
        gateway just started), whichever instance answers is asked."""
        now = datetime.now(UTC)
        if not self.instances.names(now):
            self.instances.heard(await self.rpc.call(CHAT_QUEUE, ListQueue()), now)
        return self.instances.merged(now)

    async def agent_online(self) -> bool:
        """Whether a user may be offered a chat: an agent is online, or that is not asked.

        Known from the chat service's broadcasts; asked if none has come yet. If the
        service cannot say, chat is not refused here: starting one tells the truth.
        """
        if not self.settings.chat_needs_agent_online:
            return True
        try:
            return (await self.queue()).agents_online > 0
        except HelpdeskError:
            return True

    async def ask(
        self, route: RpcRoute[RequestT, ReplyT], request: RequestT, chat_id: str | None
    ) -> ReplyT:
        """Ask the instance holding chat `chat_id`; one found gone has ended the chat."""
        owner = chat_owner(chat_id) if chat_id else None
        if owner is None:
            return await self.rpc.call(to_holder(route, chat_id), request)
        try:
            return await self._call_instance(to_holder(route, chat_id), request, owner)
        except InstanceGone:
            raise NotFound("this chat has ended", "chat_ended") from None

    async def post_line(self, line: PostMessage, chat_id: str | None) -> None:
        """Post a chat line, sent again while the broker cannot tell whether it arrived.

        A request cut off with a broker node (published, then its connection lost before
        the confirm or the reply) may or may not have reached the chat service; the person
        typed the line once and expects it to arrive once. It is sent again with the same
        `line_id`, which the chat service posts once, until RECONNECT_GRACE_SECONDS have
        passed; then the sender is told it was not sent.
        """
        loop = asyncio.get_running_loop()
        give_up = loop.time() + RECONNECT_GRACE_SECONDS
        while True:
            try:
                return await self.ask(POST_CHAT_MESSAGE, line, chat_id)
            except Unavailable:
                if loop.time() >= give_up:
                    raise
            await asyncio.sleep(RECONNECT_RETRY_SECONDS)

    async def ask_each(
        self, route: RpcRoute[RequestT, ReplyT], request: RequestT, owners: set[str], every: bool
    ) -> dict[str, ReplyT | None]:
        """Ask the instances in `owners`, and with `every` all live ones, at once: their
        replies by instance, None where one could not answer now. One found gone is left
        out (its chats ended). With none known, whichever instance answers, under ""."""
        targets = sorted(owners | set(self.instances.names(datetime.now(UTC)) if every else ()))
        if not targets:
            reply: ReplyT = await self.rpc.call(route, request)
            return {"": reply}
        gone: set[str] = set()
        asked = [self._ask_instance(route, request, instance, gone) for instance in targets]
        replies = await asyncio.gather(*asked)
        return {
            instance: reply[0] if reply else None
            for instance, reply in zip(targets, replies, strict=True)
            if instance not in gone
        }

    async def _ask_instance(
        self, route: RpcRoute[RequestT, ReplyT], request: RequestT, instance: str, gone: set[str]
    ) -> list[ReplyT]:
        """The instance's reply, or none."""
        try:
            reply: ReplyT = await self._call_instance(route.at(instance), request, instance)
        except InstanceGone:
            gone.add(instance)
            return []
        except HelpdeskError:
            return []
        return [reply]

    async def _call_instance(
        self, route: RpcRoute[RequestT, ReplyT], request: RequestT, instance: str
    ) -> ReplyT:
        """Ask `instance` at `route`; raises InstanceGone (having ended its chats) if its
        queues are missing. An instance heard from lately gets the grace of a broker
        reconnect: its node may have died, not it, and its chats live on in its memory."""
        loop = asyncio.get_running_loop()
        live = instance in self.instances.names(datetime.now(UTC))
        give_up = loop.time() + (RECONNECT_GRACE_SECONDS if live else 0.0)
        while True:
            try:
                return await self.rpc.call(route, request)
            except Unavailable as error:
                if error.code != SERVICE_NOT_RUNNING:
                    raise
            if loop.time() >= give_up:
                await self.instance_gone(instance)
                raise InstanceGone(instance)
            await asyncio.sleep(RECONNECT_RETRY_SECONDS)

    async def instance_gone(self, instance: str) -> None:
        """A chat instance's queues are gone: it died, and its chats with it."""
        logger.warning("chat instance gone", extra={"instance": instance})
        self.instances.forget(instance)
        for socket in list(self.sockets.values()):
            held = {chat_id for chat_id in socket.chat_ids if chat_owner(chat_id) == instance}
            socket.end_locally(held, "service_restarted")
        await self._queue_changed()

    def bind(self, push: PushConsumer) -> None:
        push.bind(CHAT_EXCHANGE, chat_gateway_key(self.gateway_id), self._on_notices)
        push.bind(CHAT_EXCHANGE, CHAT_QUEUE_KEY, self._on_queue)
        push.bind(CHAT_EXCHANGE, CHAT_RESTARTED_KEY, self._on_start)

    async def _on_notices(self, body: bytes) -> None:
        for push in ChatPushes.model_validate_json(body).pushes:
            socket = self.sockets.get(push.socket_id)
            if socket is not None:
                socket.on_notice(push.notice)

    async def _on_queue(self, body: bytes) -> None:
        self.instances.heard(QueueSnapshot.model_validate_json(body), datetime.now(UTC))
        await self._queue_changed()

    async def _queue_changed(self) -> None:
        """Send the merged queue to the agents, when it changed (each instance also
        repeats its queue every sweep, to say it is alive)."""
        snapshot = self.instances.merged(datetime.now(UTC))
        # Serialized once per view (online, away): it is the same for all agents of each.
        texts = {status: as_text(view) for status, view in snapshot.views().items()}
        if texts == self._views_sent:
            return
        self._views_sent = texts
        for socket in self.sockets.values():
            if socket.side == "agent":
                socket.send(texts[snapshot.availability_of(socket.caller.person_key)])
        for listener in self.queue_listeners:
            await listener(snapshot)

    async def _on_start(self, body: bytes) -> None:
        started = ServiceRestarted.model_validate_json(body)
        now = datetime.now(UTC)
        away = set(self.instances.merged(now).away_agents)
        # Known at once, before its first queue broadcast: the consoles check in with it.
        self.instances.heard(QueueSnapshot(items=[], instance=started.instance), now)
        # The new instance knows no agent's console: they check in now rather than at
        # their next heartbeat, or users would hear that nobody is online until then.
        # The other instances' chats go on.
        agents = [socket for socket in self.sockets.values() if isinstance(socket, AgentChatSocket)]
        for socket in agents:
            await socket.check_in()
            if socket.caller.person_key in away:
                await socket.stay_away(started.instance)


class ChatSocket:
    """One connected chat socket; the user's and the agent's differ only in `handle`."""

    side: ClassVar[Side]
    frames: ClassVar[TypeAdapter[Any]]
    frame_factor: ClassVar[int] = 1

    def __init__(self, websocket: WebSocket, caller: Caller, hub: ChatSockets) -> None:
        self.websocket = websocket
        self.caller = caller
        self.hub = hub
        self.endpoint = Endpoint(gateway_id=hub.gateway_id, socket_id=uuid.uuid4().hex)
        # The chats this socket is in, as the chat service's notices told it.
        self.chat_ids: set[str] = set()
        # When this socket last said it was typing, per chat (None: a user's only chat).
        self.typing = TypingThrottle()
        self.outbox = SocketOutbox(websocket)
        settings = hub.settings
        self.frame_rate = TokenBucket.full(
            settings.chat_frames_per_minute * self.frame_factor,
            settings.chat_frame_burst * self.frame_factor,
            datetime.now(UTC),
        )

    async def run(self) -> None:
        self.hub.sockets[self.endpoint.socket_id] = self
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            await self.greet()
            await self._receive()
        finally:
            del self.hub.sockets[self.endpoint.socket_id]
            heartbeat.cancel()
            await asyncio.gather(heartbeat, self.outbox.close(), return_exceptions=True)
            # Closing the window ends the chat at once (the manual's promise). If the chat
            # service is down its chats are gone anyway, so a failure here changes nothing.
            with contextlib.suppress(HelpdeskError):
                await self.hub.ask_each(
                    CHAT_SOCKET_CLOSED,
                    SocketClosed(endpoint=self.endpoint),
                    self.owners(),
                    every=self.side == "agent",
                )

    async def greet(self) -> None:
        """What a socket of this side is sent as soon as it connects."""

    def agent(self) -> AgentRef | None:
        """The agent whose console this is; None for a user's chat window."""
        return None

    async def handle(self, frame: Any) -> None:
        raise NotImplementedError

    def send(self, text: str) -> None:
        self.outbox.send(text)

    def error(self, detail: str, code: str = "invalid") -> None:
        self.send(as_text(_ErrorFrame(detail=detail, code=code)))

    def owners(self) -> set[str]:
        """The chat instances holding this socket's chats."""
        return {owner for owner in map(chat_owner, self.chat_ids) if owner is not None}

    def on_notice(self, notice: Notice) -> None:
        if isinstance(notice, EndedNotice):
            # Already told (a heartbeat found the chat gone first): say it only once.
            if notice.chat_id not in self.chat_ids:
                return
            self.chat_ids.discard(notice.chat_id)
            self.typing.forget(notice.chat_id)
        else:
            self.chat_ids.add(notice.chat_id)
        self.send(as_text(notice))

    def end_locally(self, chat_ids: set[str], reason: EndReason) -> None:
        """Tell the client chats ended that the chat service no longer has."""
        for chat_id in sorted(chat_ids & self.chat_ids):
            self.chat_ids.discard(chat_id)
            self.send(as_text(EndedNotice(chat_id=chat_id, reason=reason)))

    async def ask(
        self, route: RpcRoute[RequestT, None], request: RequestT, chat_id: str | None
    ) -> None:
        await self.hub.ask(route, request, chat_id)

    async def show_typing(self, chat_id: str | None, holder: str | None) -> None:
        """Pass "typing" on, at most once per TypingThrottle.INTERVAL_SECONDS per chat."""
        if not self.typing.allows(chat_id):
            return
        await self.ask(CHAT_TYPING, ShowTyping(sender=self.endpoint, chat_id=chat_id), holder)

    async def _receive(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None or len(text) > MAX_FRAME_CHARS:
                if self._within_rate():
                    self.error(
                        f"send JSON text frames of at most {MAX_FRAME_CHARS} characters",
                        "frame_too_large",
                    )
                continue
            try:
                frame = self.frames.validate_json(text)
            except ValidationError as error:
                if self._within_rate():
                    problems = error.errors(include_input=False, include_url=False)
                    self.error(describe(error), validation_code(problems, prefix="chat_"))
                continue
            # A typing hint has its own, tighter limit (show_typing): it must never use up
            # the frames a person's real lines need.
            if not isinstance(frame, TypingFrame) and not self._within_rate():
                continue
            try:
                await self.handle(frame)
            except NotFound as error:
                self.error(error.message, error.code)
                # The service may have lost chats this socket still believes open.
                with contextlib.suppress(HelpdeskError):
                    await self._reconcile()
            except HelpdeskError as error:
                self.error(error.message, error.code)

    def _within_rate(self) -> bool:
        """Count one frame; refused here, a flood never becomes calls to the chat service."""
        if self.frame_rate.take(datetime.now(UTC)):
            return True
        self.error("too many frames; slow down", "chat_frames_rate_limited")
        return False

    async def _heartbeat(self) -> None:
        """Keeps this socket's chats alive in the chat service and finds ones it lost."""
        while True:
            await asyncio.sleep(self.hub.settings.chat_heartbeat_seconds)
            # An agent's console checks in even without chats: that keeps its agent online.
            if self.chat_ids or self.side == "agent":
                await self.check_in()

    async def check_in(self) -> None:
        """Tell the chat service this socket is there; a service that cannot hear it now
        hears the next heartbeat."""
        with contextlib.suppress(HelpdeskError):
            await self._reconcile()

    async def _reconcile(self) -> None:
        believed = set(self.chat_ids)
        beat = Heartbeat(endpoint=self.endpoint, agent=self.agent())
        # The instances holding this socket's chats; an agent's console, every instance.
        replies = await self.hub.ask_each(
            CHAT_HEARTBEAT, beat, self.owners(), every=self.side == "agent"
        )
        still = {chat_id for reply in replies.values() if reply for chat_id in reply.chat_ids}
        # An instance that could not answer now has lost nothing that we know of.
        unanswered = {instance for instance, reply in replies.items() if reply is None}
        still |= {chat_id for chat_id in believed if (chat_owner(chat_id) or "") in unanswered}
        # Only chats that were open before the question and are unknown after it are lost.
        self.end_locally(believed - still, "service_restarted")


class _ErrorFrame(BaseModel):
    """A refusal: `code` is stable for clients to translate, `detail` the English fallback."""

    type: Literal["error"] = "error"
    detail: str
    code: str


class _BusyFrame(BaseModel):
    type: Literal["busy"] = "busy"
    reason: BusyReason | None = None


class _RatedFrame(BaseModel):
    type: Literal["rated"] = "rated"
    rating: int


class UserChatSocket(ChatSocket):
    side = "user"
    frames = TypeAdapter(UserFrame)

    def __init__(self, websocket: WebSocket, caller: Caller, hub: ChatSockets) -> None:
        super().__init__(websocket, caller, hub)
        # Until when the chat that ended here may be rated: the socket that took part in
        # it is the proof, so no id of the chat is kept, sent on or stored.
        self.rating_offered_until: datetime | None = None

    def on_notice(self, notice: Notice) -> None:
        if isinstance(notice, EndedNotice) and notice.rateable and notice.chat_id in self.chat_ids:
            self.rating_offered_until = datetime.now(UTC) + CHAT_RATING_WINDOW
        super().on_notice(notice)

    async def handle(
        self, frame: StartFrame | TextFrame | TypingFrame | EndFrame | RateFrame
    ) -> None:
        if isinstance(frame, StartFrame):
            await self._start(frame)
        elif isinstance(frame, TextFrame):
            line = PostMessage(sender=self.endpoint, text=frame.text)
            await self.hub.post_line(line, self._only_chat())
        elif isinstance(frame, RateFrame):
            await self._rate(frame)
        elif isinstance(frame, TypingFrame):
            await self.show_typing(None, self._only_chat())
        else:
            await self.ask(END_CHAT, EndChat(by=self.endpoint), self._only_chat())

    def _only_chat(self) -> str | None:
        """A user's window has one chat at a time: its commands go where that chat is."""
        return next(iter(self.chat_ids)) if len(self.chat_ids) == 1 else None

    async def _rate(self, frame: RateFrame) -> None:
        until = self.rating_offered_until
        if until is None or datetime.now(UTC) >= until:
            raise Conflict(
                "there is no ended chat to rate here (a chat is rated once, soon after it ends)",
                "chat_rating_unavailable",
            )
        command = RateChat(account_id=self.caller.account_id, rating=frame.rating)
        rated = await self.hub.rpc.call(RATE_CHAT, command)
        # Spent only once stored: after a failure the user may try again.
        self.rating_offered_until = None
        self.send(as_text(_RatedFrame(rating=rated.rating)))

    async def _start(self, frame: StartFrame) -> None:
        # A new chat: the last one's stars are no longer on the screen.
        self.rating_offered_until = None
        now = datetime.now(UTC)
        calendar = self.hub.calendar
        if not calendar.is_open(now):
            offline = OfflineFrame(
                next_open=calendar.next_open(now), contacts=self.hub.settings.contacts
            )
            self.send(as_text(offline))
            return
        if not await self.hub.agent_online():
            self.send(as_text(_BusyFrame(reason="no_agent_online")))
            return
        command = StartChat(
            endpoint=self.endpoint,
            user_id=self.caller.id,
            account_id=self.caller.account_id,
            form=PreChatForm(name=frame.name, phone=frame.phone, question=frame.question),
        )
        reply = await self.hub.rpc.call(START_CHAT, command)
        if reply.chat_id is not None:
            # Known before its "queued" notice comes: a line typed at once finds its instance.
            self.chat_ids.add(reply.chat_id)
        if reply.outcome == "busy":
            self.send(as_text(_BusyFrame(reason=reply.reason)))


class AgentChatSocket(ChatSocket):
    side = "agent"
    frames = TypeAdapter(AgentFrame)
    frame_factor = AGENT_FRAME_FACTOR

    def agent(self) -> AgentRef:
        return AgentRef(account_id=self.caller.account_id, agent_id=self.caller.id)

    async def stay_away(self, instance: str) -> None:
        """Tell a new chat instance this agent chose "away" (the others know it): it would
        otherwise offer them its chats."""
        away = SetAvailability(agent=self.agent(), status="away")
        with contextlib.suppress(HelpdeskError):
            await self.hub.rpc.call(SET_AGENT_AVAILABILITY.at(instance), away)

    async def greet(self) -> None:
        # The console checks in with every instance: each offers its chats to online agents.
        listing = ListQueue(console=self.endpoint, agent=self.agent())
        try:
            replies = await self.hub.ask_each(CHAT_QUEUE, listing, set(), every=True)
        except HelpdeskError as error:
            self.error(error.message, error.code)
            return
        now = datetime.now(UTC)
        for reply in replies.values():
            if reply is not None:
                self.hub.instances.heard(reply, now)
        snapshot = self.hub.instances.merged(now)
        view = snapshot.views()[snapshot.availability_of(self.caller.person_key)]
        self.send(as_text(view))

    async def handle(
        self, frame: AcceptFrame | AgentTextFrame | AgentTypingFrame | AgentEndFrame
    ) -> None:
        if isinstance(frame, AcceptFrame):
            accept = AcceptChat(
                chat_id=frame.chat_id,
                agent=self.endpoint,
                agent_id=self.caller.id,
                agent_name=self.caller.name,
                agent_account_id=self.caller.account_id,
            )
            await self.ask(ACCEPT_CHAT, accept, frame.chat_id)
        elif isinstance(frame, AgentTextFrame):
            line = PostMessage(sender=self.endpoint, chat_id=frame.chat_id, text=frame.text)
            await self.hub.post_line(line, frame.chat_id)
        elif isinstance(frame, AgentTypingFrame):
            await self.show_typing(frame.chat_id, frame.chat_id)
        else:
            end = EndChat(by=self.endpoint, chat_id=frame.chat_id)
            await self.ask(END_CHAT, end, frame.chat_id)


async def _serve(websocket: WebSocket, token: str, kind: type[ChatSocket]) -> None:
    hub: ChatSockets = websocket.app.state.chat
    caller = await admit(websocket, hub.verifier, token, agents_only=kind.side == "agent")
    if caller is None or not await hub.quota.take_seat(websocket, caller):
        return
    try:
        await kind(websocket, caller, hub).run()
    finally:
        hub.quota.leave(caller)


@router.websocket("/api/v1/chat")
async def user_chat(websocket: WebSocket, token: str = "") -> None:
    await _serve(websocket, token, UserChatSocket)


@router.websocket("/api/v1/agent/chat")
async def agent_chat(websocket: WebSocket, token: str = "") -> None:
    await _serve(websocket, token, AgentChatSocket)


def install_chat(app: FastAPI, push: PushConsumer) -> None:
    """Add both chat sockets to the app, fed by this instance's push queue."""
    state = app.state
    hub = ChatSockets(state.settings, state.rpc, state.verifier, state.calendar, push.instance_id)
    hub.bind(push)
    state.chat = hub
    app.include_router(router)
    hide_query_tokens()
