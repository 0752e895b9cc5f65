"""`WS /api/v1/stream` and `WS /api/v1/agent/stream`: events pushed to this instance's sockets.

Every gateway instance binds the events its sockets show to its own push queue
(services/gateway/realtime/push.py) and hands each to the sockets it holds: a user's
pop-ups and ticket events to every socket of that user (each tab, each device), an
announcement to every socket of the users it reaches, ticket and chat-queue events to every
agent's socket. Another instance does the same for its own sockets, so a user with tabs on
two instances gets the pop-up in all of them.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, WebSocket
from starlette.routing import Match, WebSocketRoute
from starlette.types import Scope

from services.gateway.auth import TokenVerifier
from services.gateway.realtime.presence import PresenceHub
from services.gateway.realtime.push import PushConsumer
from services.gateway.realtime.sockets import (
    Frame,
    SocketOutbox,
    SocketQuota,
    admit,
    frame_text,
    hide_query_tokens,
)
from shared.chat import Availability, QueueSnapshot
from shared.errors import HelpdeskError
from shared.events import (
    POPUP_EVENTS,
    AnnouncementPublished,
    Event,
    NoteAdded,
    Popup,
    PopupView,
    ReplyPosted,
    TicketCreated,
    TicketTriaged,
    TicketUpdated,
    event_type,
)
from shared.people import Caller
from shared.popups import Announcement
from shared.rpc_client import RpcClient
from shared.topology import LIVE_EXCHANGE

UserKey = tuple[str, str]
HEARTBEAT = '{"type":"heartbeat"}'
# Sockets given a frame meant for many (a heartbeat, an announcement) between two turns of
# the event loop.
SEND_CHUNK = 1000


class StreamSocket:
    """One connected stream socket: the hub decides what it is sent; an agent's console also
    says on it which ticket it shows (presence.py)."""

    def __init__(self, websocket: WebSocket, caller: Caller) -> None:
        self.websocket = websocket
        self.caller = caller
        self.outbox = SocketOutbox(websocket)

    @property
    def key(self) -> UserKey:
        return (self.caller.account_id, self.caller.id)

    async def serve(self, on_text: Callable[[str], Awaitable[None]] | None = None) -> None:
        """Read until the client goes; its text frames go to `on_text` (agents' presence)."""
        try:
            # A user's frames mean nothing here; reading notices the disconnect.
            while (message := await self.websocket.receive())["type"] != "websocket.disconnect":
                text = message.get("text")
                if on_text is not None and text is not None:
                    await on_text(text)
        finally:
            await self.outbox.close()


class StreamHub:
    """This instance's stream sockets: users' by account and id, and the agents'."""

    def __init__(
        self,
        rpc: RpcClient,
        verifier: TokenVerifier,
        heartbeat_seconds: float,
        quota: SocketQuota,
        presence: PresenceHub,
        chat_queue: Callable[[], Awaitable[QueueSnapshot]],
    ) -> None:
        self.rpc = rpc
        self.presence = presence
        # Every chat instance's waiting chats as one queue (services/gateway/realtime/chat.py).
        self.chat_queue = chat_queue
        self.verifier = verifier
        self.heartbeat_seconds = heartbeat_seconds
        self.quota = quota
        self.users: dict[UserKey, set[StreamSocket]] = {}
        self.agents: set[StreamSocket] = set()
        self._heartbeat: asyncio.Task[None] | None = None

    def bind(self, push: PushConsumer) -> None:
        for kind in POPUP_EVENTS:
            push.bind(LIVE_EXCHANGE, event_type(kind), self._on_popup)
        push.bind(LIVE_EXCHANGE, event_type(ReplyPosted), self._on_reply)
        push.bind(LIVE_EXCHANGE, event_type(TicketUpdated), self._on_ticket_updated)
        push.bind(LIVE_EXCHANGE, event_type(TicketCreated), self._on_ticket_created)
        push.bind(LIVE_EXCHANGE, event_type(TicketTriaged), self._on_ticket_triaged)
        push.bind(LIVE_EXCHANGE, event_type(NoteAdded), self._on_note_added)
        push.bind(LIVE_EXCHANGE, event_type(AnnouncementPublished), self._on_announcement)

    async def serve_user(self, socket: StreamSocket) -> None:
        self._beat()
        self.users.setdefault(socket.key, set()).add(socket)
        try:
            await socket.serve()
        finally:
            sockets = self.users[socket.key]
            sockets.discard(socket)
            if not sockets:
                del self.users[socket.key]

    async def serve_agent(self, socket: StreamSocket) -> None:
        self._beat()
        self.agents.add(socket)
        console = self.presence.join(socket.outbox, socket.caller)
        try:
            with contextlib.suppress(HelpdeskError):
                snapshot = await self.chat_queue()
                texts = _chat_queue_texts(snapshot)
                socket.outbox.send(texts[snapshot.availability_of(socket.caller.person_key)])
            await socket.serve(lambda text: self.presence.receive(console, text))
        finally:
            self.agents.discard(socket)
            await self.presence.leave(console)

    def _beat(self) -> None:
        """Starts the heartbeat of all this instance's stream sockets, with the first one."""
        if self._heartbeat is None:
            self._heartbeat = asyncio.create_task(self._heartbeat_forever())

    async def _heartbeat_forever(self) -> None:
        # A frame now and then keeps proxies and load balancers from closing a quiet socket.
        # One task beats for every socket: a task per socket cost each socket kilobytes.
        while self.users or self.agents:
            await asyncio.sleep(self.heartbeat_seconds)
            everyone = [socket for sockets in self.users.values() for socket in sockets]
            await _send_all([*everyone, *self.agents], HEARTBEAT)
        # The last socket has gone: the next one starts a new heartbeat.
        self._heartbeat = None

    def _to_user(self, account_id: str, user_id: str, text: str) -> None:
        for socket in self.users.get((account_id, user_id), ()):
            socket.outbox.send(text)

    def _to_agents(self, text: str) -> None:
        for socket in self.agents:
            socket.outbox.send(text)

    async def _on_popup(self, body: bytes) -> None:
        event = Event[PopupView].model_validate_json(body)
        popup = event.payload
        # Serialized once for all of the user's sockets, in the API's item shape.
        self._to_user(popup.account_id, popup.user_id, frame_text(event.type, _item(popup)))

    async def _on_reply(self, body: bytes) -> None:
        reply = ReplyPosted.model_validate_json(body)
        text = frame_text(reply.type, reply.payload)
        self._to_user(reply.payload.account_id, reply.payload.ticket_owner_id, text)
        self._to_agents(text)

    async def _on_ticket_updated(self, body: bytes) -> None:
        update = TicketUpdated.model_validate_json(body)
        text = frame_text(update.type, update.payload)
        self._to_user(update.payload.account_id, update.payload.ticket_owner_id, text)
        self._to_agents(text)

    async def _on_ticket_created(self, body: bytes) -> None:
        created = TicketCreated.model_validate_json(body)
        self._to_agents(frame_text(created.type, created.payload))

    async def _on_ticket_triaged(self, body: bytes) -> None:
        # Support's own view (assignee, tags): agents only, never the ticket's user.
        triaged = TicketTriaged.model_validate_json(body)
        self._to_agents(frame_text(triaged.type, triaged.payload))

    async def _on_note_added(self, body: bytes) -> None:
        # Agents only: an internal note is never a user's business.
        added = NoteAdded.model_validate_json(body)
        self._to_agents(frame_text(added.type, added.payload))

    async def on_chat_queue(self, snapshot: QueueSnapshot) -> None:
        if self.agents:
            texts = _chat_queue_texts(snapshot)
            for socket in self.agents:
                socket.outbox.send(texts[snapshot.availability_of(socket.caller.person_key)])

    async def _on_announcement(self, body: bytes) -> None:
        """Straight to the sockets of the users it reaches, as `announcement.published`.

        It becomes each one's pop-up when their pop-ups are next read (the notifications
        service makes it then, once): the web client reads them on this frame, and the
        pop-up then arrives on every socket of that user as `popup.created`, number and all.
        """
        event = AnnouncementPublished.model_validate_json(body)
        announcement = event.payload
        text = frame_text(event.type, Announcement.of(announcement))
        reached = [
            socket
            for key, sockets in self.users.items()
            if announcement.reaches(*key)
            for socket in sockets
        ]
        await _send_all(reached, text)


async def _send_all(sockets: list[StreamSocket], text: str) -> None:
    for index, socket in enumerate(sockets):
        socket.outbox.send(text)
        if index % SEND_CHUNK == SEND_CHUNK - 1:
            # Thousands of sockets: let other work run between chunks.
            await asyncio.sleep(0)


def _item(popup: PopupView) -> Popup:
    return Popup.model_validate(popup.model_dump())


def _chat_queue_texts(snapshot: QueueSnapshot) -> dict[Availability, str]:
    """The queue for agents online and away (offered no chat), each serialized once."""
    return {
        status: Frame(
            type="chat.queue", data=view.model_dump(mode="json", exclude={"type"})
        ).model_dump_json()
        for status, view in snapshot.views().items()
    }


SocketServer = Callable[[StreamHub, StreamSocket], Awaitable[None]]


async def _stream(websocket: WebSocket, token: str, agents_only: bool, serve: SocketServer) -> None:
    hub: StreamHub = websocket.app.state.stream
    caller = await admit(websocket, hub.verifier, token, agents_only)
    if caller is None or not await hub.quota.take_seat(websocket, caller):
        return
    try:
        await serve(hub, StreamSocket(websocket, caller))
    finally:
        hub.quota.leave(caller)


class SocketRoute(WebSocketRoute):
    """Starlette's plain socket route, not FastAPI's: dependency solving keeps exit stacks
    and frames alive for as long as a socket is open, about 6 KB per idle socket
    (tracemalloc). It names itself in the scope as FastAPI's routes do, so the metrics
    count its sockets under its template."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is Match.FULL:
            child_scope["route"] = self
        return match, child_scope


async def user_stream(websocket: WebSocket) -> None:
    await _stream(websocket, _token(websocket), False, StreamHub.serve_user)


async def agent_stream(websocket: WebSocket) -> None:
    await _stream(websocket, _token(websocket), True, StreamHub.serve_agent)


def _token(websocket: WebSocket) -> str:
    return websocket.query_params.get("token", "")


def install_streams(app: FastAPI, push: PushConsumer) -> None:
    """Add both stream sockets to the app, fed by this instance's push queue."""
    state = app.state
    settings = state.settings
    quota = SocketQuota(settings.sockets_per_person)
    presence = PresenceHub(state.presence_broadcast, push.instance_id, settings)
    presence.bind(push)
    chat = state.chat
    hub = StreamHub(
        state.rpc, state.verifier, settings.stream_heartbeat_seconds, quota, presence, chat.queue
    )
    hub.bind(push)
    chat.queue_listeners.append(hub.on_chat_queue)
    state.stream = hub
    # Straight onto the app's router: including a router would copy each route into a
    # plain WebSocketRoute and lose what SocketRoute adds.
    app.router.routes += [
        SocketRoute("/api/v1/stream", user_stream),
        SocketRoute("/api/v1/agent/stream", agent_stream),
    ]
    hide_query_tokens()
