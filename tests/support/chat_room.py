"""A chat room in memory with small limits, and the steps of its users, for rule tests."""

from datetime import UTC, datetime, timedelta
from itertools import count

from services.chat.domain import ChatLimits, ChatRoom
from services.chat.files import FileLimits
from shared.chat import Endpoint, PreChatForm, StartChat

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIMITS = ChatLimits(
    queue_limit=3,
    idle=timedelta(minutes=10),
    messages_per_minute=60,
    message_burst=3,
    starts_per_minute=10,
    liveness=timedelta(seconds=60),
    wait=timedelta(minutes=10),
    account_queue_limit=3,
    files=FileLimits(max_bytes=1000, per_chat=3, total_bytes=2500),
)
FORM = PreChatForm(name="Anna", phone="+48 600 123 456", question="Jak?")


def room(limits: ChatLimits = LIMITS) -> ChatRoom:
    ids = count(1)
    return ChatRoom(limits, new_id=lambda: f"c{next(ids)}")


def user(n: int) -> Endpoint:
    return Endpoint(gateway_id="g1", socket_id=f"user{n}")


def start(chats: ChatRoom, n: int, at: datetime = T0, account_id: str = "a") -> str:
    """User `n` starts a chat; its id."""
    command = StartChat(endpoint=user(n), user_id=f"u{n}", account_id=account_id, form=FORM)
    reply, _ = chats.start(command, at)
    assert reply.chat_id is not None
    return reply.chat_id
