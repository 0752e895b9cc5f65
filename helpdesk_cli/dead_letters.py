"""`helpdesk dead-letters`: what the consumers gave up on, and putting it back on its route."""

import json
from datetime import datetime
from typing import Annotated, Any

import aio_pika
import typer
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from aio_pika.exceptions import DeliveryError
from pydantic import BaseModel

from helpdesk_cli.runtime import CliError, broker_channel, echo_rows, load_settings, run
from shared.topology import DEAD_LETTER_QUEUE

app = typer.Typer(help="Inspect and replay the dead-letter queue (helpdesk.dead-letters).")

# Headers RabbitMQ adds when it dead-letters a message; a replayed message starts clean,
# and RabbitMQ records a new death if it fails again.
DEATH_HEADERS = (
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason",
)


class DeadLetter(BaseModel):
    """One dead-lettered message as the x-death header and the event envelope describe it."""

    event_id: str
    event_type: str
    reason: str
    queue: str
    exchange: str
    routing_key: str
    first_failed_at: datetime | None

    @classmethod
    def of(cls, message: AbstractIncomingMessage) -> "DeadLetter":
        # x-death lists one entry per (queue, reason), most recent first.
        deaths: list[dict[str, Any]] = list((message.headers or {}).get("x-death") or [])  # type: ignore[arg-type]
        latest = deaths[0] if deaths else {}
        times = [death["time"] for death in deaths if isinstance(death.get("time"), datetime)]
        envelope = _envelope(message.body)
        return cls(
            event_id=str(envelope.get("event_id") or message.message_id or "-"),
            event_type=str(envelope.get("type") or message.type or "-"),
            reason=str(latest.get("reason", "-")),
            queue=str(latest.get("queue", "-")),
            exchange=str(latest.get("exchange", "")),
            routing_key=str((latest.get("routing-keys") or [message.routing_key or ""])[0]),
            first_failed_at=min(times) if times else None,
        )


def _envelope(body: bytes) -> dict[str, Any]:
    try:
        decoded = json.loads(body)
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


async def _take_all(channel: AbstractChannel) -> list[AbstractIncomingMessage]:
    """Every message of the queue, held unacknowledged so none is seen twice; whatever is
    not acknowledged returns to the queue when the channel closes (nothing is dropped)."""
    queue = await channel.declare_queue(DEAD_LETTER_QUEUE.name, passive=True)
    taken: list[AbstractIncomingMessage] = []
    while (message := await queue.get(no_ack=False, fail=False)) is not None:
        taken.append(message)
    return taken


async def list_dead_letters() -> list[DeadLetter]:
    async with broker_channel(load_settings()) as channel:
        messages = await _take_all(channel)
        letters = [DeadLetter.of(message) for message in messages]
        for message in messages:
            await message.nack(requeue=True)
    return letters


async def _republish(channel: AbstractChannel, message: AbstractIncomingMessage) -> DeadLetter:
    letter = DeadLetter.of(message)
    headers = {k: v for k, v in (message.headers or {}).items() if k not in DEATH_HEADERS}
    exchange = (
        channel.default_exchange
        if not letter.exchange
        else await channel.get_exchange(letter.exchange, ensure=False)
    )
    replay = aio_pika.Message(
        message.body,
        headers=headers,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=message.message_id,
        correlation_id=message.correlation_id,
        type=message.type,
        timestamp=message.timestamp,
    )
    # Confirmed (the channel has publisher confirms) and mandatory: a route nobody is bound
    # to any more raises instead of losing the event, and it stays a dead letter.
    await exchange.publish(replay, routing_key=letter.routing_key, mandatory=True)
    await message.ack()
    return letter


async def replay_dead_letters(event_ids: set[str] | None) -> tuple[list[DeadLetter], set[str]]:
    """Replay the chosen dead letters (all if None); returns them and the ids not found."""
    replayed: list[DeadLetter] = []
    async with broker_channel(load_settings()) as channel:
        messages = await _take_all(channel)
        chosen = []
        for message in messages:
            if event_ids is None or DeadLetter.of(message).event_id in event_ids:
                chosen.append(message)
            else:
                await message.nack(requeue=True)
        for message in chosen:
            try:
                replayed.append(await _republish(channel, message))
            except DeliveryError as error:
                raise CliError(
                    f"event {DeadLetter.of(message).event_id} could not be routed "
                    f"({error}); it stays in the dead-letter queue"
                ) from None
    missing = (event_ids or set()) - {letter.event_id for letter in replayed}
    return replayed, missing


def _row(letter: DeadLetter) -> tuple[str, ...]:
    failed = letter.first_failed_at.isoformat() if letter.first_failed_at else "-"
    return (letter.event_type, letter.event_id, letter.reason, letter.queue, failed)


@app.command("list")
def list_command() -> None:
    """List dead letters: event type, event id, reason, queue, first failure time.

    Messages are read and put back; listing never removes anything.
    """
    letters = run(list_dead_letters())
    echo_rows(("TYPE", "EVENT ID", "REASON", "QUEUE", "FIRST FAILURE"), [_row(x) for x in letters])
    typer.echo(f"{len(letters)} dead letter(s)")


@app.command("replay")
def replay_command(
    event_ids: Annotated[list[str] | None, typer.Argument(help="Event ids to replay.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Replay every dead letter.")] = False,
) -> None:
    """Publish dead letters back to their original exchange and routing key, then remove
    them from the dead-letter queue. Safe to repeat: consumers deduplicate on event_id."""
    if all_ == bool(event_ids):
        raise typer.BadParameter("give either --all or one or more EVENT_IDs")
    replayed, missing = run(replay_dead_letters(None if all_ else set(event_ids or [])))
    for letter in replayed:
        typer.echo(
            f"replayed {letter.event_type} {letter.event_id} -> "
            f"{letter.exchange or '(default)'} {letter.routing_key}"
        )
    typer.echo(f"{len(replayed)} replayed")
    if missing:
        typer.echo(f"error: not in the dead-letter queue: {', '.join(sorted(missing))}", err=True)
        raise typer.Exit(1)
