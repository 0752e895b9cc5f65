"""The broker topology, declared once: exchanges, who sends and keeps which events, dead
letters, RPC queues, chat pushes."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from faststream.rabbit import ExchangeType, QueueType, RabbitExchange, RabbitQueue

from shared.events import (
    POPUP_EVENTS,
    AnnouncementPublished,
    Event,
    NoteAdded,
    ReplyPosted,
    TicketCreated,
    TicketTriaged,
    TicketUpdated,
    event_type,
)

ServiceName = Literal["tickets", "notifications", "chat"]

EVENTS_EXCHANGE = RabbitExchange("helpdesk.events", type=ExchangeType.TOPIC, durable=True)

# A live copy of every domain event, for the gateways' sockets, sent after the event itself
# is confirmed (shared/publishing.py). Its own exchange because each gateway's push queue is
# exclusive to one broker node: when that node dies, the queue's record lingers in the
# cluster for a while, and the broker nacks every confirmed publish routed to it, even one
# that reached all its other queues (rabbitmq-server #4888). Bound to the events exchange,
# one dead node's push queue held every ticket's events in the outbox (the scale-out test:
# over 90 s of refused publishes). A refused live copy only costs a live update, which the
# client's next list load shows anyway. Durable, so that after a broker restart a publish
# never meets a missing exchange (which would close the channel the events go on too); its
# messages are transient.
LIVE_EXCHANGE = RabbitExchange("helpdesk.live", type=ExchangeType.TOPIC, durable=True)

# Dead letters keep their original routing key, so a replay can publish each one back
# to the route it came from.
DEAD_LETTER_EXCHANGE = RabbitExchange("helpdesk.dead-letter", type=ExchangeType.TOPIC, durable=True)
DEAD_LETTER_QUEUE = RabbitQueue(
    "helpdesk.dead-letters",
    queue_type=QueueType.QUORUM,
    durable=True,
    routing_key="#",
)

# FastStream's own retry can redeliver forever (FastStream #1488, #1657). Quorum queues
# count deliveries on the broker and dead-letter a message past this limit, which also
# survives a consumer crash mid-handling.
DELIVERY_LIMIT = 5


# What each service publishes on the events exchange: its app declares one publisher per
# event type from this (shared/publishing.py), so its AsyncAPI document lists every send,
# and its outbox relay sends no other type.
PUBLISHED_EVENTS: dict[ServiceName, tuple[type[Event[Any]], ...]] = {
    "tickets": (TicketCreated, ReplyPosted, TicketUpdated, TicketTriaged, NoteAdded),
    "notifications": (*POPUP_EVENTS, AnnouncementPublished),
    "chat": (),
}


@dataclass(frozen=True)
class Consumed:
    """An event a service keeps a durable queue of; `purpose` names a second queue of the
    same event, so slow work (sending e-mail) never holds up the first (a pop-up)."""

    event: type[Event[Any]]
    purpose: str | None = None


# The event queues each service consumes (`event_queue`), which its handlers read and
# `helpdesk status` reports. The gateway's live pushes are not here: each of its instances
# binds a transient queue of its own (services/gateway/realtime/push.py).
CONSUMED_EVENTS: dict[ServiceName, tuple[Consumed, ...]] = {
    # Its own ticket.created: links a new ticket to the articles its author had just read.
    "tickets": (Consumed(TicketCreated),),
    "notifications": (
        Consumed(ReplyPosted),
        Consumed(TicketUpdated),
        Consumed(ReplyPosted, purpose="email"),
    ),
    "chat": (),
}


def event_queue(
    consumer: ServiceName, event: type[Event[Any]], purpose: str | None = None
) -> RabbitQueue:
    """The durable queue of one consuming service, purpose and event type, bound by its
    routing key."""
    routing_key = event_type(event)
    name = ".".join(part for part in (consumer, purpose, routing_key) if part)
    return RabbitQueue(
        name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=routing_key,
        arguments={
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name,
        },
    )


def consumed_queues(consumer: ServiceName) -> Iterator[tuple[RabbitQueue, type[Event[Any]]]]:
    """Each event queue `consumer` reads, with the event it carries."""
    for consumed in CONSUMED_EVENTS[consumer]:
        yield event_queue(consumer, consumed.event, consumed.purpose), consumed.event


def rpc_queue(service: ServiceName, command: str, instance: str | None = None) -> RabbitQueue:
    """The queue a service answers one command or query on; with `instance`, the queue
    only that instance answers (a chat's commands go to the instance holding the chat).

    Transient on purpose: a request is only useful while the gateway still waits for it
    (it also expires at the gateway's deadline). The queue goes away with its last
    consumer, so a request to a service that is not running is returned by the broker at
    once and the client hears 503 immediately instead of at the deadline.
    """
    name = f"rpc.{service}.{command}" if instance is None else f"rpc.{service}.{instance}.{command}"
    return RabbitQueue(name, durable=False, auto_delete=True)


# Live chat is transient by rule: a non-durable exchange, non-persistent messages, and
# only exclusive auto-delete queues (one per gateway instance and one per chat instance)
# bound to it.
CHAT_EXCHANGE = RabbitExchange("helpdesk.chat", type=ExchangeType.TOPIC, durable=False)
# Broadcasts every gateway instance binds: each chat instance's waiting queue (its peers
# bind it too) and an instance's start.
CHAT_QUEUE_KEY = "chat.queue"
CHAT_RESTARTED_KEY = "chat.service_restarted"


def chat_instance_queue(instance: str) -> RabbitQueue:
    """Where one chat service instance hears the others' waiting queues (for the limits)."""
    return RabbitQueue(
        f"chat.instance.{instance}",
        durable=False,
        exclusive=True,
        auto_delete=True,
        routing_key=CHAT_QUEUE_KEY,
    )


def chat_gateway_key(gateway_id: str) -> str:
    """The routing key of chat notices for the sockets of one gateway instance."""
    return f"chat.gateway.{gateway_id}"


# Everything the chat service pushes on the chat exchange, each kind by its own publisher
# (services/chat/handlers.py): notices to one gateway instance, and the two broadcasts.
CHAT_GATEWAY_KEY = chat_gateway_key("{gateway_id}")
CHAT_PUSH_KEYS = (CHAT_GATEWAY_KEY, CHAT_QUEUE_KEY, CHAT_RESTARTED_KEY)


# Which agents have which ticket open, and who is writing a reply: gateway instances tell
# each other (services/gateway/realtime/presence.py). Transient like chat: a hint of the
# moment, on a non-durable exchange, bound only by each instance's own push queue.
PRESENCE_EXCHANGE = RabbitExchange("helpdesk.presence", type=ExchangeType.TOPIC, durable=False)
PRESENCE_VIEWERS_KEY = "presence.viewers"
PRESENCE_TYPING_KEY = "presence.typing"
