"""A chat leaves no trace: not in the database, not in a file, not in the broker."""

import asyncio
import base64
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aio_pika
import httpx
from motor.motor_asyncio import AsyncIOMotorClient

from tests.support.chat import Stats, memory_is_empty, queued_chat
from tests.support.harness import ROOT
from tests.support.sockets import ConnectChat
from tests.support.system import HelpDesk, bearer, make_token

# Where the project keeps data and logs (the database server's files and log), and where
# a Debian RabbitMQ keeps its message store.
# Where deploy/servers.sh keeps the database's files and RabbitMQ its own (both movable,
# e.g. for a private node beside a shared one).
DATA_DIRS = [
    Path(os.environ.get("HELPDESK_VAR_DIR", ROOT / "var")),
    Path(os.environ.get("RABBITMQ_MNESIA_BASE", "/var/lib/rabbitmq")),
]


async def test_a_chat_is_found_in_no_database_file_or_queue_afterwards(
    system: HelpDesk, connect: ConnectChat, chat_stats: Stats
) -> None:
    marker = f"marker{uuid.uuid4().hex}"
    agent = await connect(agent=True)
    user = await connect()
    chat_id = await queued_chat(user, agent, question=f"Pytanie {marker}")
    await agent.send(type="accept", chat_id=chat_id)
    await user.expect("accepted")
    await user.send(type="message", text=f"Od użytkownika {marker}")
    await agent.expect("message")
    await agent.send(type="message", chat_id=chat_id, text=f"Od agenta {marker}")
    await user.expect("message", where=lambda frame: frame["from"] == "agent")
    await user.close()
    await agent.expect("ended")
    await memory_is_empty(chat_stats)

    assert await documents_with([marker], system.settings.mongo_url) == []
    assert files_with([marker], [*DATA_DIRS, system.log_dir]) == []
    assert await queued_messages_with([marker], system) == []


async def test_a_file_shared_in_chat_is_found_nowhere_afterwards(
    system: HelpDesk, gateway: httpx.AsyncClient, connect: ConnectChat, chat_stats: Stats
) -> None:
    marker = f"canary{uuid.uuid4().hex}"
    # A real PNG's opening, then a text chunk holding the canary: accepted as an image.
    screenshot = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x2ctEXtComment\x00" + marker.encode() * 2
    user_token = make_token("user", f"hotel-{uuid.uuid4().hex[:8]}", "anna")
    agent_token = make_token("agent", "support", f"ewa-{uuid.uuid4().hex[:6]}")
    agent = await connect(agent=True, token=agent_token)
    user = await connect(token=user_token)
    chat_id = await queued_chat(user, agent)
    await agent.send(type="accept", chat_id=chat_id)
    await user.expect("accepted")
    for sender, receiver in ((user_token, agent_token), (agent_token, user_token)):
        sent = await gateway.post(
            f"/api/v1/chat/{chat_id}/files", content=screenshot, headers=bearer(sender)
        )
        assert sent.status_code == 201, sent.text
        fetched = await gateway.get(
            f"/api/v1/chat/{chat_id}/files/{sent.json()['id']}", headers=bearer(receiver)
        )
        assert fetched.content == screenshot
    await user.close()
    await agent.expect("ended")
    await memory_is_empty(chat_stats)
    assert (await chat_stats()).file_bytes == 0

    # On the bus the file is base64: searched in that form too, at each of its alignments.
    needles = [marker, *base64_forms(marker)]
    assert await documents_with(needles, system.settings.mongo_url) == []
    assert files_with(needles, [*DATA_DIRS, system.log_dir]) == []
    assert await queued_messages_with(needles, system) == []


def base64_forms(marker: str) -> list[str]:
    """What the marker looks like inside base64 text, wherever it sits in the encoded bytes."""
    forms = []
    for offset in range(3):
        encoded = base64.b64encode(b"\x00" * offset + marker.encode()).decode()
        # The first and last four characters also carry the bytes around the marker.
        forms.append(encoded[4:-4])
    return forms


async def documents_with(markers: list[str], mongo_url: str) -> list[str]:
    """Every document of every collection of every database on the server, searched."""
    # A deadline on every read: a server that never answers fails the test, not hangs it.
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(mongo_url, socketTimeoutMS=15_000)
    found = []
    try:
        for name in await client.list_database_names():
            database = client[name]
            for collection in await database.list_collection_names():
                async for document in database[collection].find({}):
                    text = json.dumps(document, default=str)
                    if any(marker in text for marker in markers):
                        found.append(f"{name}.{collection}")
    finally:
        client.close()
    return found


def files_with(markers: list[str], roots: list[Path]) -> list[str]:
    # A search of folders that are not there would find nothing and pass.
    assert all(root.exists() for root in roots), f"data folders missing: {roots}"
    needles = [marker.encode() for marker in markers]
    return [str(path) for path in _files(roots) if _holds(path.read_bytes(), needles)]


def _holds(data: bytes, needles: list[bytes]) -> bool:
    return any(needle in data for needle in needles)


def _files(roots: list[Path]) -> Iterator[Path]:
    for root in roots:
        yield from (path for path in root.rglob("*") if path.is_file() and _readable(path))


def _readable(path: Path) -> bool:
    # Sockets, pipes and files of other users are not data files we could find text in.
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


async def queued_messages_with(markers: list[str], system: HelpDesk) -> list[str]:
    """Every message waiting in the session's vhost, peeked at and put back."""
    vhost = system.env["HELPDESK_RABBITMQ_URL"].rsplit("/", 1)[1].replace("%2F", "/")
    process = await asyncio.create_subprocess_exec(
        *["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "messages", "exclusive"],
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0
    listing = output.decode()
    found = []
    connection = await aio_pika.connect(system.env["HELPDESK_RABBITMQ_URL"])
    async with connection:
        for line in listing.splitlines()[1:]:
            name, count, exclusive = line.split("\t")
            if int(count) == 0:
                continue
            # Another connection's exclusive queue cannot be read; a gateway's push queue is
            # drained as it arrives, so anything still in it counts as found.
            if exclusive == "true":
                found.append(f"{name}: {count} unread")
                continue
            found += await _peek(connection, name, [marker.encode() for marker in markers])
    return found


async def _peek(
    connection: aio_pika.abc.AbstractConnection, queue: str, needles: list[bytes]
) -> list[str]:
    channel = await connection.channel()
    declared = await channel.declare_queue(queue, passive=True)
    taken = []
    found = []
    while (message := await declared.get(no_ack=False, fail=False)) is not None:
        taken.append(message)
        if _holds(message.body, needles):
            found.append(queue)
    # Other tests' messages go back where they were: this check only looks.
    for message in taken:
        await message.nack(requeue=True)
    await asyncio.sleep(0)
    await channel.close()
    return found
