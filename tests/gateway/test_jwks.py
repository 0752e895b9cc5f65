"""Tokens signed by the host's JWKS keys: a slow key server never stalls the gateway.

A local key server answers after a delay; the gateway under test verifies tokens against
it while other requests' latency is measured.
"""

import asyncio
import contextlib
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
import websockets
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from services.gateway.jwks import FETCH_TIMEOUT_SECONDS, KeySet, KeysUnavailable
from tests.support.harness import ServiceProcess, free_port
from tests.support.system import HelpDesk, bearer
from tests.support.waiting import eventually

# Long enough that a stalled event loop (one that waits out a fetch) cannot pass for a busy
# machine's delay: probes took up to 1.4 s at a load average of 26 without any stall. And
# well inside the gateway's fetch timeout: a key server as slow as the timeout fails every
# fetch on a busy machine, and tokens get 503 (seen in CI at 5 s).
SLOW_SECONDS = 3.5
# The slowest liveness probe allowed while fetches run: a stall would take SLOW_SECONDS.
STALL_SECONDS = 0.7 * SLOW_SECONDS
assert SLOW_SECONDS <= FETCH_TIMEOUT_SECONDS - 1.5


@dataclass
class KeyServer:
    """Serves a JWKS after `delay` seconds and counts the fetches."""

    port: int
    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    delay: float = 0.0
    fetches: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/jwks.json"

    def add_key(self) -> str:
        kid = uuid.uuid4().hex[:8]
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return kid

    def document(self) -> bytes:
        keys = []
        for kid, key in self.keys.items():
            jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return json.dumps({"keys": keys}).encode()

    def token(self, kid: str, key: rsa.RSAPrivateKey | None = None) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": "anna",
            "name": "Anna",
            "account_id": "hotel-jwks",
            "role": "user",
            "exp": now + timedelta(hours=1),
        }
        return jwt.encode(claims, key or self.keys[kid], "RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def key_server() -> Iterator[KeyServer]:
    server_state = KeyServer(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.fetches += 1
            time.sleep(server_state.delay)
            body = server_state.document()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", server_state.port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server_state.add_key()
    yield server_state
    server.shutdown()


@pytest.fixture(scope="module")
def jwks_gateway(system: HelpDesk, key_server: KeyServer) -> Iterator[ServiceProcess]:
    key_server.delay = SLOW_SECONDS
    gateway = system.spawn(
        "gateway", HELPDESK_JWKS_URL=key_server.url, HELPDESK_JWKS_REFRESH_SECONDS="3"
    ).start()
    yield gateway
    gateway.stop()


@pytest.fixture
async def client(jwks_gateway: ServiceProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=jwks_gateway.url, timeout=30) as client:
        yield client


async def test_a_slow_key_server_and_unknown_keys_never_stall_other_requests(
    client: httpx.AsyncClient, jwks_gateway: ServiceProcess, key_server: KeyServer
) -> None:
    # The first test to present tokens to this gateway: no request has needed a key yet.
    kid = next(iter(key_server.keys))
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fetches_before = key_server.fetches

    async def socket(token: str) -> None:
        url = jwks_gateway.url.replace("http://", "ws://") + f"/api/v1/stream?token={token}"
        async with websockets.connect(url, open_timeout=30) as connected:
            with contextlib.suppress(TimeoutError, websockets.ConnectionClosed):
                await asyncio.wait_for(connected.recv(), timeout=3)

    async def forged_request() -> int:
        token = key_server.token(uuid.uuid4().hex[:8], stranger)
        response = await client.get("/api/v1/kb/chapters", headers=bearer(token))
        return response.status_code

    async def loop_latencies() -> list[float]:
        """How long the gateway takes to answer its liveness probe, meanwhile."""
        latencies = []
        for _ in range(20):
            started = time.monotonic()
            assert (await client.get("/healthz")).status_code == 200
            latencies.append(time.monotonic() - started)
            await asyncio.sleep(0.1)
        return latencies

    latencies, statuses, *_ = await asyncio.gather(
        loop_latencies(),
        asyncio.gather(*(forged_request() for _ in range(10))),
        socket(key_server.token(kid)),
        *(socket(key_server.token(uuid.uuid4().hex[:8], stranger)) for _ in range(10)),
    )
    print(f"gateway latency meanwhile: max {max(latencies):.3f} s")
    assert set(statuses) == {401}
    good = await client.get("/api/v1/kb/chapters", headers=bearer(key_server.token(kid)))
    assert good.status_code == 200
    # Twenty tokens named unknown keys; they got at most one early fetch between them
    # (plus, perhaps, the regular refresh every 3 s).
    assert key_server.fetches - fetches_before <= 3
    assert max(latencies) < STALL_SECONDS, latencies


async def test_a_rotated_key_is_accepted_once_fetched_in_the_background(
    client: httpx.AsyncClient, key_server: KeyServer
) -> None:
    new_kid = key_server.add_key()
    token = bearer(key_server.token(new_kid))

    async def accepted() -> bool:
        response = await client.get("/api/v1/kb/chapters", headers=token)
        assert response.status_code in (200, 401)
        return response.status_code == 200

    # Refresh every 3 s, a 3.5 s fetch: the new key is there within about ten seconds.
    await eventually(accepted, within=20)


async def test_until_the_first_fetch_succeeds_tokens_get_503_not_401() -> None:
    keys = KeySet(f"http://127.0.0.1:{free_port()}/jwks.json", refresh_seconds=300)
    # Nothing listens there: the fetch fails, is logged, and the gateway starts anyway.
    await keys.start()
    try:
        with pytest.raises(KeysUnavailable) as refused:
            keys.key_for("any")
        assert refused.value.code == "auth_keys_unavailable"
    finally:
        await keys.stop()
