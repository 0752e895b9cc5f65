"""Requests with a body are judged before any of it is read: caller first, then size.

Sent over raw sockets, so a test controls how much of a body goes out and sees whether the
gateway answers before the client has finished sending (it must, for a refusal).
"""

import json
import select
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.conftest import HelpDesk, make_token
from tests.harness import ServiceProcess

MB = 1024 * 1024
BOUNDARY = "hd-boundary"
# How long a refusal may take: far less than sending 30 MB would on a busy machine.
ANSWER_WITHIN = 10.0
# More than loopback sockets' buffers hold, so a client can only send it all if read.
STREAMED = 40 * MB


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int

    def json(self) -> dict[str, object]:
        parsed: dict[str, object] = json.loads(self.body)
        return parsed


def _connect(base_url: str) -> socket.socket:
    address = urlsplit(base_url)
    assert address.hostname is not None and address.port is not None
    return socket.create_connection((address.hostname, address.port), timeout=ANSWER_WITHIN)


def _head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: gateway", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_answer(sock: socket.socket, sent: int) -> Answer:
    data = b""
    deadline = time.monotonic() + ANSWER_WITHIN
    while b"\r\n\r\n" not in data or len(data) < _expected_length(data):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"no complete answer within {ANSWER_WITHIN} s; got {data[:200]!r}")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"no answer within {ANSWER_WITHIN} s (the gateway waits for the body)")
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines)
    }
    return Answer(int(status_line.split()[1]), headers, body, sent)


def _expected_length(data: bytes) -> int:
    head, separator, _ = data.partition(b"\r\n\r\n")
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return len(head) + len(separator) + int(value)
    return len(data)


def declared_upload(
    base_url: str, path: str, declared: int, headers: dict[str, str], send: int = 64 * 1024
) -> Answer:
    """Declare a body of `declared` bytes, send only `send` of them, wait for the answer."""
    with _connect(base_url) as sock:
        sock.sendall(_head(path, {**headers, "Content-Length": str(declared)}))
        sock.sendall(b"x" * send)
        return _read_answer(sock, send)


def streamed_upload(
    base_url: str, path: str, total: int, headers: dict[str, str], chunk: int = 64 * 1024
) -> Answer:
    """Send up to `total` bytes chunked (no Content-Length), stopping once an answer comes."""
    opening = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="subject"\r\n\r\nDuży plik\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="message"\r\n\r\nW załączniku\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="d.png"\r\n'
        "Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n"
    ).encode()
    with _connect(base_url) as sock:
        sock.sendall(_head(path, {**headers, "Transfer-Encoding": "chunked"}))
        sent = 0
        payload = opening
        while sent < total:
            try:
                sock.sendall(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
            sent += len(payload)
            payload = b"\x00" * chunk
            if select.select([sock], [], [], 0)[0]:
                break
        return _read_answer(sock, sent)


def multipart(token: str | None = None) -> dict[str, str]:
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def as_json(token: str | None = None) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


@pytest.fixture(scope="module")
def small_gateway(system: HelpDesk) -> Iterator[ServiceProcess]:
    """A gateway taking attachments of at most 1 MB, so a streamed excess is quick to send."""
    gateway = system.spawn("gateway", HELPDESK_MAX_ATTACHMENT_MB="1").start()
    yield gateway
    gateway.stop()


USER = make_token("user", "hotel-guard", "anna")
AGENT = make_token("agent", "support", "ewa")


@pytest.mark.parametrize(
    "path", ["/api/v1/tickets", "/api/v1/tickets/HD-000001/replies", "/api/v1/agent/announcements"]
)
def test_an_unauthenticated_body_is_refused_before_it_is_read(system: HelpDesk, path: str) -> None:
    answer = declared_upload(system.gateway_url, path, 30 * MB, multipart())
    assert answer.status == 401
    assert answer.json()["code"] == "token_missing"
    assert answer.headers["www-authenticate"] == "Bearer"
    forged = declared_upload(system.gateway_url, path, 30 * MB, multipart("not-a-token"))
    assert (forged.status, forged.json()["code"]) == (401, "token_invalid")


def test_a_users_body_to_an_agent_route_is_refused_before_it_is_read(system: HelpDesk) -> None:
    path = "/api/v1/agent/tickets/HD-000001/replies"
    answer = declared_upload(system.gateway_url, path, 20 * MB, multipart(USER))
    assert (answer.status, answer.json()["code"]) == (403, "agent_only")


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/tickets", multipart(USER)),
        ("/api/v1/agent/tickets/HD-000001/replies", multipart(AGENT)),
        # JSON bodies have their own, much smaller limit.
        ("/api/v1/agent/announcements", as_json(AGENT)),
        ("/api/v1/popups/P-000001/snooze", as_json(USER)),
        ("/api/v1/demo/token", as_json()),
    ],
)
def test_a_declared_oversize_body_is_413_before_it_is_read(
    system: HelpDesk, path: str, headers: dict[str, str]
) -> None:
    declared = 30 * MB if "multipart" in headers["Content-Type"] else 2 * MB
    answer = declared_upload(system.gateway_url, path, declared, headers)
    assert answer.status == 413
    assert answer.json()["code"] == "request_too_large"


def test_a_streamed_body_is_counted_and_stopped_at_the_limit(
    small_gateway: ServiceProcess,
) -> None:
    answer = streamed_upload(small_gateway.url, "/api/v1/tickets", STREAMED, multipart(USER))
    assert answer.status == 413
    assert answer.json()["code"] == "request_too_large"
    # The gateway stopped reading near its 1 MB limit: the client never got to send it all
    # (the sockets' buffers on both sides hold a few MB of what it sent in vain).
    assert answer.sent < STREAMED


def test_a_streamed_unauthenticated_body_is_refused_at_once(
    small_gateway: ServiceProcess,
) -> None:
    answer = streamed_upload(small_gateway.url, "/api/v1/tickets", STREAMED, multipart())
    assert answer.status == 401
    assert answer.sent < STREAMED
