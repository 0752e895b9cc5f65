"""The bare handler: consume a request, insert one document, reply. `python -m bench.bare.handler`.

Runs on uvloop, as our services do (uvicorn picks it when installed).
"""

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import aio_pika
import uvloop
from aio_pika.abc import AbstractIncomingMessage
from motor.motor_asyncio import AsyncIOMotorClient

from bench.bare import REQUEST_QUEUE
from shared.settings import get_settings

COLLECTION = "bare_tickets"


async def serve() -> None:
    settings = get_settings()
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(settings.mongo_url, tz_aware=True)
    tickets = client[settings.mongo_db][COLLECTION]
    # Robust like our services' connections: it comes back after a broker restart.
    connection = await aio_pika.connect_robust(settings.rabbitmq_url)
    channel = await connection.channel(publisher_confirms=False)
    queue = await channel.declare_queue(REQUEST_QUEUE, auto_delete=True)

    async def on_request(message: AbstractIncomingMessage) -> None:
        document = {**json.loads(message.body), "created_at": datetime.now(UTC)}
        result = await tickets.insert_one(document)
        reply = json.dumps({"id": str(result.inserted_id), "subject": document["subject"]})
        await channel.default_exchange.publish(
            aio_pika.Message(reply.encode(), correlation_id=message.correlation_id),
            routing_key=message.reply_to or "",
        )

    await queue.consume(on_request, no_ack=True)
    await asyncio.Future()


if __name__ == "__main__":
    uvloop.run(serve())
