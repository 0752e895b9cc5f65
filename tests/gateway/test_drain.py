"""A gateway told to stop (SIGTERM) drains: in-flight requests finish, sockets are told
to reconnect elsewhere, new connections are refused."""

import asyncio
import signal
from collections.abc import AsyncIterator

import httpx
import websockets
from websockets.exceptions import ConnectionClosed

from tests.support.system import Account, HelpDesk, make_token
from tests.support.tickets import PNG

SERVICE_RESTART = 1012  # RFC 6455 close code: the server restarts, try again later


async def slow_upload(chunks: int, pause: float) -> AsyncIterator[bytes]:
    """A multipart ticket whose attachment trickles in, so the request is in flight."""
    yield b'--b\r\nContent-Disposition: form-data; name="subject"\r\n\r\nDrain\r\n'
    yield b'--b\r\nContent-Disposition: form-data; name="message"\r\n\r\n...\r\n'
    yield (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="s.png"\r\n'
        b"Content-Type: image/png\r\n\r\n"
    )
    yield PNG
    for _ in range(chunks):
        await asyncio.sleep(pause)
        yield b"\x00" * 4096
    yield b"\r\n--b--\r\n"


async def test_sigterm_finishes_requests_and_closes_sockets_with_a_reconnect_hint(
    system: HelpDesk, account: Account
) -> None:
    gateway = system.spawn("gateway").start()
    token = make_token("user", account.account_id, "anna")
    socket_url = gateway.url.replace("http://", "ws://") + f"/api/v1/chat?token={token}"
    try:
        socket = await websockets.connect(socket_url)
        async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
            upload = asyncio.create_task(
                client.post(
                    "/api/v1/tickets",
                    content=slow_upload(chunks=10, pause=0.2),
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "multipart/form-data; boundary=b",
                    },
                )
            )
            await asyncio.sleep(0.5)
            assert gateway.process is not None
            gateway.process.terminate()

            closed_with = None
            try:
                async with asyncio.timeout(10):
                    while True:
                        await socket.recv()
            except ConnectionClosed as closed:
                closed_with = closed.rcvd.code if closed.rcvd else None
            assert closed_with == SERVICE_RESTART

            response = await upload
            assert response.status_code == 201, response.text
            assert response.json()["attachment"]["size"] == len(PNG) + 10 * 4096

        # uvicorn re-raises the signal after its graceful shutdown, as servers should.
        assert gateway.process.wait(timeout=20) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in gateway.log_path.read_text()
        async with httpx.AsyncClient(base_url=gateway.url, timeout=5) as client:
            try:
                await client.get("/healthz")
                refused = False
            except httpx.TransportError:
                refused = True
        assert refused
    finally:
        gateway.stop()
