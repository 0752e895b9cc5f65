"""The database goes away and comes back: clear 503s within 5 s, then everything works.

The test runs its own MongoDB-wire server, broker virtual host, tickets service and
gateway, so stopping the database disturbs nothing else.
"""

import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from deploy.probe import answers
from tests.support.harness import ROOT, ServiceProcess, free_port
from tests.support.system import HelpDesk, make_token, rabbitmqctl
from tests.support.waiting import recovered


@dataclass
class PrivateDatabase:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self) -> None:
        binary = subprocess.run(
            ["bash", str(ROOT / "deploy" / "servers.sh"), "mongo-binary"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # As deploy/servers.sh starts it: one node, a cache sized for a test.
        self.process = subprocess.Popen(
            [
                binary,
                "--standalone",
                "--cache-size",
                "256M",
                "--log-file-max",
                "32MB",
                "--storage-path",
                str(self.data_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not answers("mongodb", self.url):
            assert time.monotonic() < deadline, "private database did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def private_stack(system: HelpDesk, tmp_path: Path) -> Iterator[tuple[PrivateDatabase, str]]:
    database = PrivateDatabase(tmp_path / "db", free_port())
    database.data_dir.mkdir()
    database.start()
    vhost = f"helpdesk-dbtest-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    base = system.settings.rabbitmq_url.rsplit("/", 1)[0]
    env = {"HELPDESK_MONGO_URL": database.url, "HELPDESK_RABBITMQ_URL": f"{base}/{quote(vhost)}"}
    services: list[ServiceProcess] = []
    try:
        services = [system.spawn("tickets", **env).start(), system.spawn("gateway", **env).start()]
        yield database, services[1].url
    finally:
        for service in services:
            service.stop()
        database.stop()
        rabbitmqctl("delete_vhost", vhost)


async def test_database_down_gives_503_quickly_and_recovers(
    private_stack: tuple[PrivateDatabase, str],
) -> None:
    database, gateway_url = private_stack
    headers = {"Authorization": f"Bearer {make_token('user', 'hotel-db', 'anna')}"}
    form = {"subject": "Przed awarią", "message": "..."}
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        before = await client.post("/api/v1/tickets", data=form, headers=headers)
        assert before.status_code == 201

        database.stop()
        started = time.monotonic()
        during = await client.post("/api/v1/tickets", data=form, headers=headers)
        assert during.status_code == 503, during.text
        assert time.monotonic() - started < 5
        started = time.monotonic()
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"broker": True, "database": False}
        assert time.monotonic() - started < 5

        database.start()

        async def ready_again() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await recovered("database back: gateway ready", ready_again, within=30)
        created: list[httpx.Response] = []

        # Retried with one Idempotency-Key, as a client would: never a second ticket.
        retried = {**headers, "Idempotency-Key": "after-the-outage"}

        async def creates_again() -> bool:
            created.append(await client.post("/api/v1/tickets", data=form, headers=retried))
            assert created[-1].status_code in (201, 503), created[-1].text
            return created[-1].status_code == 201

        await recovered("database back: tickets are created again", creates_again, within=30)
        after = created[-1]
        history = await client.get("/api/v1/tickets", headers=headers)
        assert {row["number"] for row in history.json()["items"]} == {
            before.json()["number"],
            after.json()["number"],
        }
