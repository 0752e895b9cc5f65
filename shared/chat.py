"""Live chat on the bus: the gateway's commands to the chat service and the pushes back.

Every model here is transient: it rides non-persistent messages on non-durable queues and
is never written anywhere (DESIGN.md, "A chat is never stored").
"""

import base64
import binascii
import uuid
from datetime import datetime
from typing import Annotated, Literal, get_args

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
)

from shared.people import Caller
from shared.text import OneLine

# A chat line is conversation, not a document: longer text belongs in a ticket.
MESSAGE_MAX_CHARS = 2000
NAME_MAX_CHARS = 100
QUESTION_MAX_CHARS = 1000

Side = Literal["user", "agent"]
EndReason = Literal[
    "ended_by_user",
    "ended_by_agent",
    # The user's window closed (or its socket died): the chat is deleted at once.
    "user_left",
    "agent_left",
    "idle",
    # Nobody accepted the chat within the waiting limit: the client offers a ticket instead.
    "wait_timeout",
    "service_restarted",
]
# Why a chat could not join the queue: it is full, or the caller's account has its share.
# `no_agent_online`: support is open, but every agent is away or has no console open.
BusyReason = Literal["queue_full", "account_queue_full", "no_agent_online"]
# What an agent chose in the console; chats are offered only to agents online.
Availability = Literal["online", "away"]


def _plausible_phone(text: str) -> str:
    """Accept a number with its country code that could exist; return it as E.164."""
    problem = "enter the number with its country code, e.g. +48 600 123 456"
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        raise ValueError(problem) from None
    # "Possible" (right length for the country) rather than "valid" (an allocated range):
    # range tables lag behind new allocations, and a live agent can still ask again.
    if not phonenumbers.is_possible_number(number):
        raise ValueError(problem)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("the text is empty")
    return text


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_CHARS), OneLine
]
Phone = Annotated[str, StringConstraints(max_length=40), AfterValidator(_plausible_phone)]
Question = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=QUESTION_MAX_CHARS)
]
MessageText = Annotated[
    str, StringConstraints(min_length=1, max_length=MESSAGE_MAX_CHARS), AfterValidator(_not_blank)
]
Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _file_bytes(value: object) -> bytes:
    """Bytes as they are in memory, or from the base64 text they travel as in JSON."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error:
            raise ValueError("the file's content is not base64") from None
    raise ValueError("the file's content must be bytes")


# Plain base64 without line breaks (pydantic's Base64Bytes breaks lines every 76
# characters): the never-stored test looks for a file's bytes in that form too.
FileContent = Annotated[
    bytes,
    PlainValidator(_file_bytes),
    PlainSerializer(lambda content: base64.b64encode(content).decode(), when_used="json"),
]


class Transient(BaseModel):
    """Base of every chat model: a validation error never repeats the text it rejected,
    because such errors can reach a log line (and chat text, names and phones never may).
    """

    model_config = ConfigDict(hide_input_in_errors=True)


class PreChatForm(Transient):
    """What the user enters before the chat starts."""

    name: Name
    phone: Phone
    question: Question


class Endpoint(Transient):
    """One socket on one gateway instance: where the chat service pushes a party's notices."""

    model_config = ConfigDict(frozen=True)

    gateway_id: Id
    socket_id: Id


# Commands, gateway → chat service (request/reply, routes in shared/routes.py).


class StartChat(Transient):
    endpoint: Endpoint
    user_id: Id
    account_id: Id
    form: PreChatForm


class StartReply(Transient):
    outcome: Literal["queued", "busy"]
    chat_id: str | None = None
    reason: BusyReason | None = None


class AcceptChat(Transient):
    chat_id: Id
    agent: Endpoint
    agent_id: Id
    agent_name: Id
    # With the id, who may fetch the chat's files: ids are unique only within an account.
    agent_account_id: Id | None = None


class PostMessage(Transient):
    """A line from either side; a user's chat is found by its socket, an agent names it.

    `line_id` is the gateway's, one per line typed: a line whose request was cut off with a
    broker node is sent again with the same id, and the chat posts it once.
    """

    sender: Endpoint
    chat_id: Id | None = None
    text: MessageText
    line_id: Id = Field(default_factory=lambda: uuid.uuid4().hex)


class ShowTyping(Transient):
    """The sender is writing a line; the other side sees it for a few seconds."""

    sender: Endpoint
    chat_id: Id | None = None


class ChatFileRef(Transient):
    """A file shared in a chat, as both sides see it; its bytes are fetched by `id`."""

    id: str
    filename: str
    content_type: str
    size: int


class ShareFile(Transient):
    """A file one party sends into its chat; the gateway checked its type by content.

    It comes over HTTP, not the chat socket, so the party is the signed-in person.
    """

    caller: Caller
    chat_id: Id
    filename: Id
    content_type: Id
    content: FileContent


class FetchFile(Transient):
    caller: Caller
    chat_id: Id
    file_id: Id


class ChatFileContent(Transient):
    ref: ChatFileRef
    content: FileContent


class EndChat(Transient):
    by: Endpoint
    chat_id: Id | None = None


class SocketClosed(Transient):
    endpoint: Endpoint


class AgentRef(Transient):
    """One agent, as availability knows them: ids are unique only within an account."""

    model_config = ConfigDict(frozen=True)

    account_id: Id
    agent_id: Id


class Heartbeat(Transient):
    """A socket is still there; the reply names the chats the service still has for it.

    An agent's console names its agent: while it checks in, that agent counts as present.
    """

    endpoint: Endpoint
    agent: AgentRef | None = None


class HeartbeatReply(Transient):
    chat_ids: list[str]


class ListQueue(Transient):
    """The waiting queue; asked by an agent's console as it connects, it checks it in too."""

    console: Endpoint | None = None
    agent: AgentRef | None = None


class SetAvailability(Transient):
    agent: AgentRef
    status: Availability


class AvailabilityQuery(Transient):
    agent: AgentRef


class AgentAvailability(Transient):
    """What the agent chose, and how many agents are online (chosen so, with a console open)."""

    status: Availability
    agents_online: int


class StatsQuery(Transient):
    pass


class ChatStats(Transient):
    """How much the service holds: counts only, for operators, tests and logs."""

    open_chats: int
    waiting: int
    files: int = 0
    file_bytes: int = 0


# Notices, chat service → one socket; the gateway forwards them to the client as they are.


class QueuedNotice(Transient):
    type: Literal["queued"] = "queued"
    chat_id: str
    position: int


class AcceptedNotice(Transient):
    """To the user: who took the chat. To the agent: also whom they are talking to."""

    type: Literal["accepted"] = "accepted"
    chat_id: str
    agent_name: str
    name: str | None = None
    phone: str | None = None
    question: str | None = None


class MessageNotice(Transient):
    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    type: Literal["message"] = "message"
    chat_id: str
    sender: Side = Field(alias="from")
    text: str
    at: datetime


class TypingNotice(Transient):
    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    type: Literal["typing"] = "typing"
    chat_id: str
    sender: Side = Field(alias="from")


class FileNotice(Transient):
    """A file shared in the chat: to both sides, who fetch its bytes over HTTP."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    type: Literal["file"] = "file"
    chat_id: str
    sender: Side = Field(alias="from")
    file: ChatFileRef
    at: datetime


class EndedNotice(Transient):
    type: Literal["ended"] = "ended"
    chat_id: str
    reason: EndReason
    # To the user of a chat a support specialist took part in: they may rate it now, once,
    # on the same socket (the gateway remembers the offer; nothing else does).
    rateable: bool = False


Notice = Annotated[
    QueuedNotice | AcceptedNotice | MessageNotice | TypingNotice | FileNotice | EndedNotice,
    Field(discriminator="type"),
]


class ChatPush(Transient):
    """A notice addressed to one socket of the gateway instance the routing key names."""

    socket_id: str
    notice: Notice


class ChatPushes(Transient):
    """Every notice of one change for one gateway instance, in order, as one message.

    One message instead of one per socket: when the first of many waiting chats is
    accepted, everyone behind it moves up, and that is hundreds of notices at once.
    """

    pushes: list[ChatPush]


class QueueItem(Transient):
    chat_id: str
    name: str
    question: str
    waiting_seconds: int


class QueueSnapshot(Transient):
    """One chat instance's waiting queue, first come first; broadcast on every change and
    at each sweep, to every gateway (which merges all instances' into the agents' view)
    and every other chat instance (which counts it against the queue limits).

    With it, who may not be offered it: the person keys (shared/people.py) of the agents
    who chose "away" and still have a console open, so every gateway instance can tell
    its own sockets apart; and who is online, so a merged view counts each agent once.
    """

    type: Literal["queue"] = "queue"
    items: list[QueueItem]
    away_agents: list[str] = []
    agents_online: int = 0
    # Which chat instance this is the queue of ("" in a view merged by a gateway).
    instance: str = ""
    online_agents: list[str] = []
    # For the limits that hold across instances: who waits (person keys), and how many
    # waiting chats each account has.
    waiting_people: list[str] = []
    waiting_accounts: dict[str, int] = {}

    def availability_of(self, person_key: str) -> Availability:
        return "away" if person_key in self.away_agents else "online"

    def views(self) -> "dict[Availability, AgentQueueView]":
        """What a console online and one away are sent: each is built once for all."""
        return {
            status: AgentQueueView(
                items=self.items if status == "online" else [],
                availability=status,
                agents_online=self.agents_online,
            )
            for status in get_args(Availability)
        }


class AgentQueueView(Transient):
    """The queue as one agent's console is sent it: an agent away is offered no chat."""

    type: Literal["queue"] = "queue"
    items: list[QueueItem]
    availability: Availability
    agents_online: int


class ServiceRestarted(Transient):
    """A chat service instance started (with empty memory): agents' consoles check in with it.

    Instance-scoped: the chats of other instances go on. Chats of an instance that died
    end when a heartbeat finds its queue gone (services/gateway/realtime/chat.py).
    """

    instance: str


# A chat's id names the chat service instance that holds it: "<instance>.<random>", so
# every command about the chat is routed to that instance's own queues.
CHAT_ID_SEPARATOR = "."


def new_chat_id(instance: str) -> str:
    return f"{instance}{CHAT_ID_SEPARATOR}{uuid.uuid4().hex}"


def chat_owner(chat_id: str) -> str | None:
    """The instance holding the chat; None for an id that names none."""
    owner, separator, _ = chat_id.partition(CHAT_ID_SEPARATOR)
    return owner if separator and owner else None
