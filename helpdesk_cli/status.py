"""`helpdesk status`: queues, running instances, outbox backlog, reminders and chats at a glance."""

from typing import get_args

import typer
from aio_pika.abc import AbstractConnection
from aio_pika.exceptions import ChannelClosed
from pydantic import BaseModel

from helpdesk_cli.runtime import broker_connection, echo_rows, load_settings, run
from services.notifications.store import PopupStore
from services.tickets.store import TicketStore
from shared.chat import ChatStats, StatsQuery
from shared.database import connect_database
from shared.errors import Unavailable
from shared.outbox import OutboxBacklog, outbox_backlog
from shared.routes import CHAT_STATS
from shared.rpc import status_route
from shared.rpc_client import RpcClient
from shared.settings import Settings
from shared.signing import BusSigner
from shared.topology import CONSUMED_EVENTS, DEAD_LETTER_QUEUE, ServiceName, consumed_queues

EVENT_QUEUES = [
    queue.name for consumer in CONSUMED_EVENTS for queue, _ in consumed_queues(consumer)
]
SERVICES: tuple[ServiceName, ...] = get_args(ServiceName)


class QueueState(BaseModel):
    name: str
    messages: int | None
    consumers: int | None


class Status(BaseModel):
    queues: list[QueueState]
    outbox: dict[str, OutboxBacklog]
    reminders_waiting: int
    chats: ChatStats | None


async def queue_state(connection: AbstractConnection, name: str) -> QueueState:
    """A passive declare: counts without the management plugin, and never creates a queue.
    A missing queue closes the channel, so each check has a channel of its own."""
    channel = await connection.channel()
    try:
        queue = await channel.declare_queue(name, passive=True)
    except ChannelClosed:
        return QueueState(name=name, messages=None, consumers=None)
    result = queue.declaration_result
    await channel.close()
    return QueueState(name=name, messages=result.message_count, consumers=result.consumer_count)


async def chat_stats(settings: Settings) -> ChatStats | None:
    rpc = RpcClient(
        settings.rabbitmq_url, settings.rpc_timeout_seconds, BusSigner(settings.effective_bus_key)
    )
    await rpc.connect()
    try:
        return await rpc.call(CHAT_STATS, StatsQuery())
    except Unavailable:
        return None
    finally:
        await rpc.close()


async def collect_status() -> Status:
    settings = load_settings()
    # Each service's `status` queue has one consumer per running instance.
    names = [
        DEAD_LETTER_QUEUE.name,
        *EVENT_QUEUES,
        *(status_route(service).queue.name for service in SERVICES),
    ]
    async with broker_connection(settings) as connection:
        queues = [await queue_state(connection, name) for name in names]
    chats = await chat_stats(settings)
    database = connect_database(settings)
    try:
        popups = PopupStore(database)
        tickets = TicketStore(database)
        outboxes = {
            "tickets": tickets.tickets,
            "ticket_notes": tickets.notes.notes,
            "popups": popups.popups,
            "announcements": popups.announcements,
        }
        outbox = {name: await outbox_backlog(collection) for name, collection in outboxes.items()}
        reminders = await popups.reminders_waiting()
    finally:
        database.client.close()
    return Status(queues=queues, outbox=outbox, reminders_waiting=reminders, chats=chats)


def _count(value: int | None) -> str:
    return "absent" if value is None else str(value)


def status_command() -> None:
    """Show queue depths and consumers, running instances, outbox backlog, reminders, chats."""
    status = run(collect_status())
    echo_rows(
        ("QUEUE", "MESSAGES", "CONSUMERS"),
        [(q.name, _count(q.messages), _count(q.consumers)) for q in status.queues],
    )
    typer.echo("")
    echo_rows(
        ("OUTBOX", "PENDING", "OLDEST (s)"),
        [
            (name, str(b.pending_documents), f"{b.oldest_age_seconds:.1f}")
            for name, b in status.outbox.items()
        ],
    )
    typer.echo("")
    typer.echo(f"reminders waiting: {status.reminders_waiting}")
    if status.chats is None:
        typer.echo("chats: the chat service does not answer")
    else:
        typer.echo(f"chats waiting: {status.chats.waiting}, open: {status.chats.open_chats}")
