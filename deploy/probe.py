"""Tell whether a RabbitMQ, MongoDB-wire or SMTP server answers at a URL (stdlib only).

Used by the start scripts before anything is installed, so it needs no virtualenv.
Usage: probe.py amqp|mongodb|smtp URL [--wait SECONDS]; exit 0 when it answers.
"""

import argparse
import socket
import struct
import sys
import time
from urllib.parse import urlsplit

AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
DEFAULT_PORTS = {"amqp": 5672, "mongodb": 27017, "smtp": 1025}


def _address(kind: str, url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = (parts.hostname or "127.0.0.1").split(",")[0]
    return host, parts.port or DEFAULT_PORTS[kind]


def _amqp_answers(sock: socket.socket) -> bool:
    # A broker answers the protocol header with a Connection.Start method frame (type 1).
    sock.sendall(AMQP_HEADER)
    return sock.recv(1) == b"\x01"


def _mongodb_answers(sock: socket.socket) -> bool:
    # OP_QUERY isMaster on admin.$cmd: every MongoDB-wire server still answers it.
    query = b"\x00\x00\x00\x00admin.$cmd\x00" + struct.pack("<ii", 0, 1)
    document = b"\x10isMaster\x00\x01\x00\x00\x00\x00"
    document = struct.pack("<i", len(document) + 4) + document
    body = query + document
    sock.sendall(struct.pack("<iiii", 16 + len(body), 1, 0, 2004) + body)
    header = sock.recv(16)
    return len(header) == 16 and struct.unpack("<i", header[12:16])[0] == 1


def _smtp_answers(sock: socket.socket) -> bool:
    # A server greets first, with reply code 220 (RFC 5321 §4.2).
    return sock.recv(3) == b"220"


PROBES = {"amqp": _amqp_answers, "mongodb": _mongodb_answers, "smtp": _smtp_answers}


def answers(kind: str, url: str) -> bool:
    try:
        with socket.create_connection(_address(kind, url), timeout=2) as sock:
            sock.settimeout(2)
            return PROBES[kind](sock)
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=sorted(DEFAULT_PORTS))
    parser.add_argument("url")
    parser.add_argument("--wait", type=float, default=0.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.wait
    while not answers(args.kind, args.url):
        if time.monotonic() >= deadline:
            return 1
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
