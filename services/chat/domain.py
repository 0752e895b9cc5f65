"""Live chat sessions as a pure state machine: queue, acceptance, messages, endings.

Nothing here does I/O. Every operation takes the current time and returns the notices to
deliver, so the handlers only publish them and the rules are unit-tested without a broker.
The state is plain memory on purpose: a chat is never stored, and an ended chat leaves no
trace behind (its text is never even kept: a line is delivered and forgotten; a shared
file is held, in memory, only until its chat ends).
"""

import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.chat.availability import AgentRoster
from services.chat.files import FileLimits, FileShelf, HeldFile
from shared.chat import (
    AcceptChat,
    AcceptedNotice,
    AgentAvailability,
    AgentRef,
    ChatFileRef,
    ChatStats,
    EndChat,
    EndedNotice,
    Endpoint,
    EndReason,
    FetchFile,
    FileNotice,
    MessageNotice,
    Notice,
    PostMessage,
    PreChatForm,
    QueuedNotice,
    QueueItem,
    QueueSnapshot,
    SetAvailability,
    ShareFile,
    ShowTyping,
    Side,
    StartChat,
    StartReply,
    TypingNotice,
)
from shared.chat_instances import ChatInstances
from shared.errors import Conflict, NotFound, RateLimited
from shared.people import Caller, person_key
from shared.token_bucket import TokenBucket

# A person (hotel staff member) is an account and a user id: host applications' user ids
# may be unique only within one hotel.
Person = tuple[str, str]
# However small the queue, each account may have this many chats waiting in it.
MIN_ACCOUNT_SHARE = 3
# Lines sent again come within seconds of the first: a few dozen ids per chat cover them.
POSTED_LINES_KEPT = 32


def account_queue_limit(queue_limit: int, percent: int) -> int:
    """Waiting chats one account may hold: `percent` of the queue, at least three."""
    return min(queue_limit, max(MIN_ACCOUNT_SHARE, queue_limit * percent // 100))


@dataclass(frozen=True)
class ChatLimits:
    queue_limit: int
    idle: timedelta
    messages_per_minute: int
    message_burst: int
    starts_per_minute: int
    # A socket that has not checked in for this long is treated as closed.
    liveness: timedelta
    # A chat nobody accepted within this long ends; the user is offered a ticket.
    wait: timedelta
    # One hotel cannot fill the queue that every hotel shares.
    account_queue_limit: int
    files: FileLimits


@dataclass(frozen=True)
class Delivery:
    to: Endpoint
    notice: Notice


@dataclass(eq=False)
class Chat:
    id: str
    user: Endpoint
    person: Person
    form: PreChatForm
    queued_at: datetime
    user_rate: TokenBucket
    agent_rate: TokenBucket
    user_active_at: datetime
    # The queue position the user last heard; moves are told in batches (position_updates).
    told_position: int = 0
    agent: Endpoint | None = None
    agent_name: str | None = None
    # Who the agent is, for the chat's files, fetched over HTTP rather than the socket.
    agent_person: Person | None = None
    # The ids of the last lines posted (never their text): a line sent again after a broker
    # failover is posted once.
    posted_lines: deque[str] = field(default_factory=lambda: deque(maxlen=POSTED_LINES_KEPT))

    def side_of(self, endpoint: Endpoint) -> Side | None:
        if endpoint == self.user:
            return "user"
        if endpoint == self.agent:
            return "agent"
        return None

    def parties(self) -> list[Endpoint]:
        return [self.user] if self.agent is None else [self.user, self.agent]


@dataclass
class ChatRoom:
    """Every chat of this service instance: the waiting queue and the conversations.

    The queue limits hold for the whole service: the other instances' waiting chats, as
    they last broadcast them (`others`), count too. Between two broadcasts (a tenth of a
    second) two instances may each take the last place: the limits bound load, they are
    not exact to one chat.
    """

    limits: ChatLimits
    # This instance's name: it begins every id of its chats (shared/chat.py, chat_owner).
    instance: str = ""
    new_id: Callable[[], str] = field(default=lambda: uuid.uuid4().hex)
    chats: dict[str, Chat] = field(default_factory=dict)
    # Chat ids in arrival order; a dict keeps insertion order and removes in O(1).
    waiting: dict[str, None] = field(default_factory=dict)
    by_endpoint: dict[Endpoint, set[str]] = field(default_factory=dict)
    last_seen: dict[Endpoint, datetime] = field(default_factory=dict)
    start_rates: dict[Person, TokenBucket] = field(default_factory=dict)
    # Who waits, and how many waiting chats each account has: one waiting chat per person.
    waiting_people: set[Person] = field(default_factory=set)
    waiting_by_account: Counter[str] = field(default_factory=Counter)
    # Bumped on every change of the waiting queue, so the agents' view is re-sent only then.
    queue_version: int = 0
    files: FileShelf = field(init=False)
    agents: AgentRoster = field(init=False)
    others: ChatInstances = field(init=False)

    def __post_init__(self) -> None:
        self.files = FileShelf(self.limits.files)
        self.agents = AgentRoster(self.limits.liveness)
        self.others = ChatInstances(self.limits.liveness)

    def heard_from(self, snapshot: QueueSnapshot, now: datetime) -> None:
        """Another instance's queue, for the limits; this instance's own echo is ignored."""
        if snapshot.instance != self.instance:
            self.others.heard(snapshot, now)

    def start(self, command: StartChat, now: datetime) -> tuple[StartReply, list[Delivery]]:
        if self.by_endpoint.get(command.endpoint):
            raise Conflict(
                "this chat window already has an open chat; end it first", "chat_already_open"
            )
        person = (command.account_id, command.user_id)
        if person in self.waiting_people or self.others.waits(person_key(*person), now):
            # Each window of one person would otherwise take a place in the queue.
            raise Conflict(
                "you are already waiting for a support specialist in another window",
                "chat_already_waiting",
            )
        rate = self.start_rates.setdefault(
            person, TokenBucket.full(self.limits.starts_per_minute, 1, now)
        )
        if not rate.take(now):
            raise RateLimited(
                "too many chats started; wait a minute and try again", "chat_too_many_started"
            )
        if len(self.waiting) + self.others.waiting(now) >= self.limits.queue_limit:
            return StartReply(outcome="busy", reason="queue_full"), []
        account_waiting = self.waiting_by_account[command.account_id]
        account_waiting += self.others.account_waiting(command.account_id, now)
        if account_waiting >= self.limits.account_queue_limit:
            return StartReply(outcome="busy", reason="account_queue_full"), []
        chat = Chat(
            id=self.new_id(),
            user=command.endpoint,
            person=person,
            form=command.form,
            queued_at=now,
            user_rate=self._message_rate(now),
            agent_rate=self._message_rate(now),
            user_active_at=now,
        )
        self.chats[chat.id] = chat
        self.waiting[chat.id] = None
        self.waiting_people.add(person)
        self.waiting_by_account[command.account_id] += 1
        self.queue_version += 1
        self._link(chat.user, chat.id, now)
        chat.told_position = len(self.waiting)
        queued = QueuedNotice(chat_id=chat.id, position=chat.told_position)
        return StartReply(outcome="queued", chat_id=chat.id), [Delivery(chat.user, queued)]

    def accept(self, command: AcceptChat, now: datetime) -> list[Delivery]:
        chat = self.chats.get(command.chat_id)
        if chat is None:
            raise NotFound("this chat has ended", "chat_ended")
        if chat.agent is not None:
            raise Conflict("another agent has already accepted this chat", "chat_taken")
        if command.agent_account_id is not None:
            agent = AgentRef(account_id=command.agent_account_id, agent_id=command.agent_id)
            if self.agents.status_of(agent) == "away":
                raise Conflict("you are away: go online to take chats", "chat_agent_away")
        chat.agent = command.agent
        chat.agent_name = command.agent_name
        chat.agent_person = (command.agent_account_id or "", command.agent_id)
        # The idle clock starts now: nobody expects the user to talk before an agent is there.
        chat.user_active_at = now
        self._link(command.agent, chat.id, now)
        self._leave_queue(chat.id)
        to_user = AcceptedNotice(chat_id=chat.id, agent_name=command.agent_name)
        to_agent = to_user.model_copy(
            update={
                "name": chat.form.name,
                "phone": chat.form.phone,
                "question": chat.form.question,
            }
        )
        return [Delivery(chat.user, to_user), Delivery(command.agent, to_agent)]

    def post(self, command: PostMessage, now: datetime) -> list[Delivery]:
        chat, side = self._chat_of(command.sender, command.chat_id)
        self.last_seen[command.sender] = now
        if chat.agent is None:
            raise Conflict(
                "wait until a support specialist accepts the chat", "chat_not_accepted_yet"
            )
        if command.line_id in chat.posted_lines:
            return []
        rate = chat.user_rate if side == "user" else chat.agent_rate
        if not rate.take(now):
            raise RateLimited("too many messages; wait a moment", "chat_too_many_messages")
        if side == "user":
            chat.user_active_at = now
        chat.posted_lines.append(command.line_id)
        line = MessageNotice(chat_id=chat.id, sender=side, text=command.text, at=now)
        return [Delivery(party, line) for party in chat.parties()]

    def typing(self, command: ShowTyping, now: datetime) -> list[Delivery]:
        """The other side is told the sender is writing; before acceptance nobody is there."""
        chat, side = self._chat_of(command.sender, command.chat_id)
        self.last_seen[command.sender] = now
        if chat.agent is None:
            return []
        if side == "user":
            chat.user_active_at = now
        notice = TypingNotice(chat_id=chat.id, sender=side)
        return [Delivery(party, notice) for party in chat.parties() if party != command.sender]

    def share_file(self, command: ShareFile, now: datetime) -> tuple[ChatFileRef, list[Delivery]]:
        """Keep a file for the chat's lifetime and show it to both sides."""
        chat, side = self._chat_of_person(command.caller, command.chat_id)
        if chat.agent is None:
            raise Conflict(
                "wait until a support specialist accepts the chat", "chat_not_accepted_yet"
            )
        # A file is a line of the conversation: it counts against the same rate.
        rate = chat.user_rate if side == "user" else chat.agent_rate
        if not rate.take(now):
            raise RateLimited("too many messages; wait a moment", "chat_too_many_messages")
        ref = self.files.put(chat.id, command.filename, command.content_type, command.content)
        if side == "user":
            chat.user_active_at = now
        notice = FileNotice(chat_id=chat.id, sender=side, file=ref, at=now)
        return ref, [Delivery(party, notice) for party in chat.parties()]

    def file(self, command: FetchFile) -> HeldFile:
        """A file of the chat, for either of its parties only."""
        chat, _ = self._chat_of_person(command.caller, command.chat_id)
        return self.files.get(chat.id, command.file_id)

    def end(self, command: EndChat, now: datetime) -> list[Delivery]:
        chat, side = self._chat_of(command.by, command.chat_id)
        reason: EndReason = "ended_by_user" if side == "user" else "ended_by_agent"
        return self._close(chat, reason, chat.parties())

    def socket_closed(self, endpoint: Endpoint) -> list[Delivery]:
        """The socket is gone: each of its chats ends, and only the other side is told."""
        deliveries: list[Delivery] = []
        for chat_id in list(self.by_endpoint.get(endpoint, ())):
            chat = self.chats[chat_id]
            reason: EndReason = "user_left" if chat.side_of(endpoint) == "user" else "agent_left"
            others = [party for party in chat.parties() if party != endpoint]
            deliveries += self._close(chat, reason, others)
        self.last_seen.pop(endpoint, None)
        if self.agents.closed(endpoint):
            self.queue_version += 1
        return deliveries

    def heartbeat(
        self, endpoint: Endpoint, now: datetime, agent: AgentRef | None = None
    ) -> list[str]:
        """The socket is alive; answer with the chats this service still has for it."""
        if agent is not None:
            self.console_checked_in(endpoint, agent, now)
        chat_ids = sorted(self.by_endpoint.get(endpoint, ()))
        if chat_ids:
            self.last_seen[endpoint] = now
        return chat_ids

    def sweep(self, now: datetime) -> list[Delivery]:
        """End chats that waited too long, whose user went silent, or whose socket stopped
        checking in."""
        deliveries: list[Delivery] = []
        for chat in list(self.chats.values()):
            if chat.agent is None and now - chat.queued_at > self.limits.wait:
                deliveries += self._close(chat, "wait_timeout", chat.parties())
            elif chat.agent is not None and now - chat.user_active_at > self.limits.idle:
                deliveries += self._close(chat, "idle", chat.parties())
        for endpoint, seen in list(self.last_seen.items()):
            if now - seen > self.limits.liveness:
                deliveries += self.socket_closed(endpoint)
        if self.agents.sweep(now):
            self.queue_version += 1
        # A full bucket holds no information; dropping it keeps memory bounded by activity.
        for person, rate in list(self.start_rates.items()):
            if rate.is_full(now):
                del self.start_rates[person]
        return deliveries

    def close_all(self) -> list[Delivery]:
        """The service is stopping: every chat ends and both sides are told."""
        deliveries: list[Delivery] = []
        for chat in list(self.chats.values()):
            deliveries += self._close(chat, "service_restarted", chat.parties())
        return deliveries

    def position_updates(self) -> list[Delivery]:
        """Tell everyone whose place in the queue changed since they last heard it.

        Called once per burst of changes rather than per change: accepting the first of N
        waiting chats would otherwise send N notices each time, N² for the whole queue.
        """
        deliveries = []
        for position, chat_id in enumerate(self.waiting, start=1):
            chat = self.chats[chat_id]
            if chat.told_position != position:
                chat.told_position = position
                notice = QueuedNotice(chat_id=chat_id, position=position)
                deliveries.append(Delivery(chat.user, notice))
        return deliveries

    def snapshot(self, now: datetime) -> QueueSnapshot:
        items = []
        for chat_id in self.waiting:
            chat = self.chats[chat_id]
            waited = int((now - chat.queued_at).total_seconds())
            items.append(
                QueueItem(
                    chat_id=chat.id,
                    name=chat.form.name,
                    question=chat.form.question,
                    waiting_seconds=max(waited, 0),
                )
            )
        online = self.agents.online()
        waiting_people = [self.chats[chat_id].person for chat_id in self.waiting]
        return QueueSnapshot(
            items=items,
            away_agents=self.agents.away_keys(),
            agents_online=len(online),
            instance=self.instance,
            online_agents=sorted(person_key(agent.account_id, agent.agent_id) for agent in online),
            waiting_people=sorted(person_key(*person) for person in waiting_people),
            waiting_accounts=dict(self.waiting_by_account),
        )

    def console_checked_in(self, console: Endpoint, agent: AgentRef, now: datetime) -> None:
        """An agent's console is open; the agents' view changes if that brings them online."""
        if self.agents.checked_in(console, agent, now):
            self.queue_version += 1

    def set_availability(self, command: SetAvailability) -> AgentAvailability:
        if self.agents.choose(command.agent, command.status):
            self.queue_version += 1
        return self.availability(command.agent)

    def availability(self, agent: AgentRef) -> AgentAvailability:
        return AgentAvailability(
            status=self.agents.status_of(agent), agents_online=len(self.agents.online())
        )

    def _message_rate(self, now: datetime) -> TokenBucket:
        return TokenBucket.full(self.limits.messages_per_minute, self.limits.message_burst, now)

    def _chat_of(self, endpoint: Endpoint, chat_id: str | None) -> tuple[Chat, Side]:
        """The chat a socket speaks in: a user's by its socket, an agent's by the id it names."""
        ids = self.by_endpoint.get(endpoint, set())
        if chat_id is None and len(ids) == 1:
            chat_id = next(iter(ids))
        if chat_id is None or chat_id not in ids:
            raise NotFound("there is no such open chat", "chat_not_found")
        chat = self.chats[chat_id]
        side = chat.side_of(endpoint)
        assert side is not None, "the endpoint index and the chat disagree"
        return chat, side

    def _chat_of_person(self, caller: Caller, chat_id: str) -> tuple[Chat, Side]:
        """The chat a signed-in person is a party of; anyone else learns nothing of it."""
        chat = self.chats.get(chat_id)
        person = (caller.account_id, caller.id)
        if chat is not None:
            if caller.role == "agent" and chat.agent_person == person:
                return chat, "agent"
            if chat.person == person:
                return chat, "user"
        raise NotFound("there is no such open chat", "chat_not_found")

    def _link(self, endpoint: Endpoint, chat_id: str, now: datetime) -> None:
        self.by_endpoint.setdefault(endpoint, set()).add(chat_id)
        self.last_seen[endpoint] = now

    def _unlink(self, endpoint: Endpoint, chat_id: str) -> None:
        ids = self.by_endpoint.get(endpoint)
        if ids is None:
            return
        ids.discard(chat_id)
        if not ids:
            del self.by_endpoint[endpoint]
            self.last_seen.pop(endpoint, None)

    def _leave_queue(self, chat_id: str) -> None:
        if chat_id in self.waiting:
            del self.waiting[chat_id]
            person = self.chats[chat_id].person
            self.waiting_people.discard(person)
            self.waiting_by_account[person[0]] -= 1
            if not self.waiting_by_account[person[0]]:
                del self.waiting_by_account[person[0]]
            self.queue_version += 1

    def _close(self, chat: Chat, reason: EndReason, tell: Iterable[Endpoint]) -> list[Delivery]:
        # Only a chat someone from support answered is worth rating, and only by its user.
        deliveries = [
            Delivery(
                party,
                EndedNotice(
                    chat_id=chat.id,
                    reason=reason,
                    rateable=party == chat.user and chat.agent is not None,
                ),
            )
            for party in tell
        ]
        self._leave_queue(chat.id)
        for party in chat.parties():
            self._unlink(party, chat.id)
        self.files.drop(chat.id)
        del self.chats[chat.id]
        return deliveries

    def stats(self) -> ChatStats:
        """What logs and operators may learn about the room: numbers, never names or text."""
        return ChatStats(
            open_chats=len(self.chats),
            waiting=len(self.waiting),
            files=self.files.count(),
            file_bytes=self.files.total_bytes,
        )
