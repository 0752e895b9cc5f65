"""Mailpit as the tests read it (its HTTP API), and a private one a test can start and stop."""

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from deploy.probe import answers
from tests.support.harness import ROOT
from tests.support.waiting import eventually

# The shared Mailpit that deploy/servers.sh starts (its UI/API port; not a help desk setting).
MAILPIT_URL = os.environ.get(
    "MAILPIT_URL", f"http://127.0.0.1:{os.environ.get('MAILPIT_UI_PORT', '8025')}"
)


class Mailbox:
    """The mail one Mailpit received; every test writes to addresses of its own."""

    def __init__(self, url: str = MAILPIT_URL) -> None:
        self.client = httpx.AsyncClient(base_url=url, timeout=10)

    async def close(self) -> None:
        await self.client.aclose()

    async def to(self, address: str) -> list[dict[str, Any]]:
        """Every message to `address`, in full (headers, text, HTML), oldest first."""
        response = await self.client.get("/api/v1/search", params={"query": f'to:"{address}"'})
        response.raise_for_status()
        found = [
            summary
            for summary in response.json()["messages"]
            if any(to["Address"] == address for to in summary["To"])
        ]
        return [await self.message(summary["ID"]) for summary in reversed(found)]

    async def message(self, message_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/message/{message_id}")
        response.raise_for_status()
        message: dict[str, Any] = response.json()
        # Mail travels with CRLF line ends; the tests compare with what was written.
        for part in ("Text", "HTML"):
            message[part] = message[part].replace("\r\n", "\n")
        return message

    async def wait_for(
        self, address: str, count: int = 1, within: float = 20.0
    ) -> list[dict[str, Any]]:
        """The messages to `address` once there are `count` of them."""
        messages: list[dict[str, Any]] = []

        async def arrived() -> bool:
            nonlocal messages
            messages = await self.to(address)
            return len(messages) >= count

        await eventually(arrived, within)
        return messages


def mailpit_binary() -> str:
    return subprocess.run(
        ["bash", str(ROOT / "deploy" / "servers.sh"), "mailpit-binary"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@dataclass
class PrivateMailpit:
    """A Mailpit of one test's own, on ports of its own, that it may start late and stop."""

    smtp_port: int
    ui_port: int
    data_dir: Path
    # Recipients not matching this regular expression are refused (SMTP 550), as a real
    # server refuses a mailbox that does not exist.
    allowed_recipients: str = ".*"
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ui_port}"

    def start(self) -> None:
        # As deploy/servers.sh starts the shared one.
        self.process = subprocess.Popen(
            [
                mailpit_binary(),
                "--smtp",
                f"127.0.0.1:{self.smtp_port}",
                "--listen",
                f"127.0.0.1:{self.ui_port}",
                "--smtp-auth-accept-any",
                "--smtp-auth-allow-insecure",
                "--smtp-disable-rdns",
                "--disable-version-check",
                "--smtp-allowed-recipients",
                self.allowed_recipients,
                "--database",
                str(self.data_dir / "mailpit.db"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not answers("smtp", f"smtp://127.0.0.1:{self.smtp_port}"):
            assert time.monotonic() < deadline, "the private Mailpit did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
