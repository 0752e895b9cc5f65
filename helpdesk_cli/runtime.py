"""What every command shares: settings, the repository, connections and one-line errors."""

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit

import aio_pika
import httpx
import typer
from aio_pika.abc import AbstractChannel, AbstractConnection
from aiormq.exceptions import AMQPError, ChannelInvalidStateError
from pydantic import ValidationError

from shared.database import DatabaseError
from shared.settings import Settings

T = TypeVar("T")
# The CLI drives the scripts and demo data of the checkout it is installed from
# (`pip install -e .`), so it finds them next to its own package.
REPO_ROOT = Path(__file__).resolve().parents[1]
BROKER_CONNECT_SECONDS = 5.0


class CliError(Exception):
    """A failure the operator can act on; shown as one line, exit code 1."""


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    # Built per command, not cached: the environment is the configuration of each run.
    try:
        return Settings()
    except ValidationError as error:
        fail(f"invalid HELPDESK_* setting: {error.errors()[0]['msg']}", 2)


def where(url: str) -> str:
    """A server's address without its credentials, for messages."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}{parts.path}"


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine; a server that does not answer is one line, not a traceback."""
    try:
        return asyncio.run(work)
    except CliError as error:
        fail(str(error))
    except DatabaseError as error:
        # pymongo appends its whole topology description; the first clause is the reason.
        reason = str(error).splitlines()[0].split(" (configured timeouts")[0]
        fail(f"the database does not answer: {reason}")
    except httpx.HTTPError as error:
        fail(f"the gateway does not answer as expected: {error}")
    except (AMQPError, ChannelInvalidStateError, ConnectionError) as error:
        # The broker went away after the command had connected (a restart, a closed vhost).
        fail(f"the broker connection failed: {str(error) or type(error).__name__}")


@asynccontextmanager
async def broker_connection(settings: Settings) -> AsyncIterator[AbstractConnection]:
    """A plain (not robust) connection: an admin command should fail fast when the broker
    goes away, not wait for it to return."""
    try:
        connection = await aio_pika.connect(settings.rabbitmq_url, timeout=BROKER_CONNECT_SECONDS)
    except (AMQPError, OSError, TimeoutError) as error:
        reason = str(error) or type(error).__name__
        raise CliError(
            f"RabbitMQ does not answer at {where(settings.rabbitmq_url)}: {reason}"
        ) from None
    async with connection:
        yield connection


@asynccontextmanager
async def broker_channel(settings: Settings) -> AsyncIterator[AbstractChannel]:
    """A channel whose publishes wait for the broker's confirm and raise if returned."""
    async with broker_connection(settings) as connection:
        yield await connection.channel(publisher_confirms=True, on_return_raises=True)


def echo_rows(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A plain aligned table: readable in a terminal and easy to grep or parse."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        typer.echo(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
