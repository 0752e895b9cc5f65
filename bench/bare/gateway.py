"""The bare gateway: one FastAPI endpoint taking the ticket form, answered over RabbitMQ.

`python -m bench.bare.gateway PORT`. Served by uvicorn with the gateway's own options
(services/gateway/__main__.py: uvicorn's defaults pick uvloop and httptools), so the
ratio compares the code, not the server.
"""

import asyncio
import json
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import aio_pika
import uvicorn
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from fastapi import FastAPI, File, Form, Response, UploadFile

from bench.bare import REQUEST_QUEUE
from shared.settings import get_settings

DIRECT_REPLY_TO = "amq.rabbitmq.reply-to"


class BareRpc:
    """Request/reply with correlation ids and direct reply-to, one channel, nothing else."""

    def __init__(self) -> None:
        self.channel: AbstractChannel | None = None
        self.pending: dict[str, asyncio.Future[bytes]] = {}

    async def connect(self, url: str) -> None:
        # Robust like our gateway's client: a broker restart by another test must not
        # leave the baseline dead for the rest of a run.
        connection = await aio_pika.connect_robust(url)
        self.channel = await connection.channel(publisher_confirms=False)
        replies = await self.channel.declare_queue(DIRECT_REPLY_TO, passive=True)
        await replies.consume(self.on_reply, no_ack=True)

    async def call(self, body: bytes) -> bytes:
        assert self.channel is not None
        request_id = uuid.uuid4().hex
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.pending[request_id] = future
        try:
            await self.channel.default_exchange.publish(
                aio_pika.Message(body, correlation_id=request_id, reply_to=DIRECT_REPLY_TO),
                routing_key=REQUEST_QUEUE,
            )
            return await future
        finally:
            del self.pending[request_id]

    async def on_reply(self, message: AbstractIncomingMessage) -> None:
        future = self.pending.get(message.correlation_id or "")
        if future is not None and not future.done():
            future.set_result(message.body)


def create_app() -> FastAPI:
    rpc = BareRpc()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await rpc.connect(get_settings().rabbitmq_url)
        yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/api/v1/tickets", status_code=201)
    async def create_ticket(
        subject: Annotated[str, Form()],
        message: Annotated[str, Form()],
        importance: Annotated[str, Form()] = "normal",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        attachment = {"filename": file.filename, "size": file.size} if file else None
        request = {
            "subject": subject,
            "message": message,
            "importance": importance,
            "attachment": attachment,
        }
        reply = await rpc.call(json.dumps(request).encode())
        return Response(reply, status_code=201, media_type="application/json")

    return app


if __name__ == "__main__":
    uvicorn.run(
        create_app(),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_config=None,
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=15,
        proxy_headers=True,
    )
