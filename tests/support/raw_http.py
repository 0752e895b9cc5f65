"""HTTP requests written by hand on a raw socket: a test decides how much of a body goes
out, and sees whether the gateway answers before the client has finished sending."""

import json
import select
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

MB = 1024 * 1024
BOUNDARY = "hd-boundary"
# How long a refusal may take: far less than sending 30 MB would on a busy machine.
ANSWER_WITHIN = 10.0


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
