"""Builds the chat service: broker, the in-memory room, handlers; it has no database on purpose."""

import asyncio
import uuid
from datetime import timedelta

from faststream.asgi import AsgiFastStream
from faststream.rabbit import Channel, RabbitBroker
from opentelemetry.sdk.trace import TracerProvider

from services.chat.domain import ChatLimits, ChatRoom, account_queue_limit
from services.chat.files import FileLimits
from services.chat.handlers import Notifier, chat_router, run_sweeper, sweep_interval
from shared.chat import new_chat_id
from shared.clock import utcnow
from shared.logging import configure_logging
from shared.metrics import ServiceMetrics
from shared.service import broker_checks, build_service_app
from shared.settings import Settings
from shared.signing import BusSigner
from shared.topology import CHAT_EXCHANGE
from shared.tracing import configure_tracing

MEGABYTE = 1024 * 1024


def chat_limits(settings: Settings) -> ChatLimits:
    return ChatLimits(
        queue_limit=settings.chat_queue_limit,
        idle=timedelta(minutes=settings.chat_idle_minutes),
        messages_per_minute=settings.chat_messages_per_minute,
        message_burst=settings.chat_message_burst,
        starts_per_minute=settings.chat_starts_per_minute,
        liveness=timedelta(seconds=3 * settings.chat_heartbeat_seconds),
        wait=timedelta(minutes=settings.chat_wait_minutes),
        account_queue_limit=account_queue_limit(
            settings.chat_queue_limit, settings.chat_account_queue_percent
        ),
        files=FileLimits(
            max_bytes=settings.chat_file_max_mb * MEGABYTE,
            per_chat=settings.chat_files_per_chat,
            total_bytes=settings.chat_files_total_mb * MEGABYTE,
        ),
    )


def create_app(settings: Settings, tracer_provider: TracerProvider | None = None) -> AsgiFastStream:
    """The service; traced by `tracer_provider`, else as the settings say (tests pass theirs)."""
    tracer_provider = tracer_provider or configure_tracing(settings, "chat")
    logger = configure_logging("chat", settings.log_level)
    # Publisher confirms stay on (the default) although chat is transient: without them
    # aiormq logs every returned RPC reply at ERROR level with its body, names and
    # questions included. A returned chat notice (mandatory: no gateway queue took it)
    # raises instead of being logged, so the notifier knows to try it again.
    broker = RabbitBroker(
        settings.rabbitmq_url,
        logger=logger,
        reconnect_interval=settings.broker_reconnect_seconds,
        default_channel=Channel(on_return_raises=True),
    )
    # A name of its own: it begins the ids of this instance's chats, and names its queues.
    instance = uuid.uuid4().hex[:12]
    room = ChatRoom(chat_limits(settings), instance, new_id=lambda: new_chat_id(instance))
    signer = BusSigner(settings.effective_bus_key)
    notifier = Notifier(broker, room, settings.publish_timeout_seconds, signer, utcnow)
    broker.include_router(chat_router(room, notifier, utcnow))
    sweeper: set[asyncio.Task[None]] = set()

    async def announce_start() -> None:
        # Agents' consoles check in with the new instance at once (their availability).
        await broker.declare_exchange(CHAT_EXCHANGE)
        await notifier.announce_start()
        await notifier.publish_queue()
        logger.info("chat instance started", extra={"instance": instance})
        interval = sweep_interval(
            min(settings.chat_idle_minutes, settings.chat_wait_minutes) * 60,
            settings.chat_heartbeat_seconds,
        )
        sweeper.add(asyncio.create_task(run_sweeper(room, notifier, interval, utcnow)))

    async def end_every_chat() -> None:
        """This instance's chats end, both sides told; the other instances' go on."""
        for task in sweeper:
            task.cancel()
        await notifier.deliver(room.close_all())
        # Its queue, now empty, leaves the agents' view at once.
        await notifier.publish_queue()

    async def chats_waiting() -> float:
        return room.stats().waiting

    async def chats_open() -> float:
        return room.stats().open_chats

    async def file_bytes() -> float:
        return room.files.total_bytes

    async def agents_online() -> float:
        return len(room.agents.online())

    # Counts only: a chat's content never leaves this process's memory.
    metrics = ServiceMetrics()
    metrics.gauge("helpdesk_chats_waiting", "Chats waiting for a support agent", chats_waiting)
    metrics.gauge("helpdesk_chats_open", "Chats in conversation with an agent", chats_open)
    metrics.gauge("helpdesk_chat_file_bytes", "Bytes of files held for open chats", file_bytes)
    metrics.gauge(
        "helpdesk_agents_online", "Agents online for chat (not away, console open)", agents_online
    )

    return build_service_app(
        "chat",
        broker,
        broker_checks(broker),
        logger,
        signer,
        after_startup=[announce_start],
        on_shutdown=[end_every_chat],
        metrics=metrics,
        tracer_provider=tracer_provider,
    )
