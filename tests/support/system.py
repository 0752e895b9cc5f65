"""The running help desk of a test session, its secrets, tokens and per-test accounts."""

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from shared.settings import Settings
from shared.tokens import mint_token
from tests.support.harness import ServiceProcess, free_port

TEST_JWT_SECRET = "test-secret-" + uuid.uuid4().hex
TEST_BUS_KEY = "test-bus-key-" + uuid.uuid4().hex


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextmanager
def private_vhost(rabbitmq_url: str, prefix: str) -> Iterator[str]:
    """A RabbitMQ virtual host of its own on the same broker, deleted after; its URL. For
    services spawned with settings of their own, apart from the session's services."""
    vhost = f"{prefix}-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    try:
        yield f"{rabbitmq_url.rsplit('/', 1)[0]}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)


@dataclass
class HelpDesk:
    """The running help desk of this test session and how to reach it."""

    env: dict[str, str]
    settings: Settings
    services: dict[str, ServiceProcess]
    log_dir: Path

    @property
    def gateway_url(self) -> str:
        return self.services["gateway"].url

    def spawn(self, name: str, **env: str) -> ServiceProcess:
        """Another instance of a service (a second gateway, a restarted consumer...)."""
        port = free_port()
        port_var = "GATEWAY_PORT" if name == "gateway" else f"{name.upper()}_PORT"
        overrides = {f"HELPDESK_{port_var}": str(port), **env}
        return ServiceProcess(name, {**self.env, **overrides}, port, self.log_dir)


@contextmanager
def running_help_desk(
    base_settings: Settings, rabbitmq_url: str, log_dir: Path, **overrides: str
) -> Iterator[HelpDesk]:
    """The four services on `rabbitmq_url` and a database of their own, dropped afterwards;
    `overrides` are settings of their own (HELPDESK_... variables)."""
    database = f"helpdesk_test_{uuid.uuid4().hex[:8]}"
    env = {
        "HELPDESK_RABBITMQ_URL": rabbitmq_url,
        "HELPDESK_MONGO_URL": base_settings.mongo_url,
        "HELPDESK_MONGO_DB": database,
        "HELPDESK_JWT_SECRET": TEST_JWT_SECRET,
        "HELPDESK_BUS_KEY": TEST_BUS_KEY,
        "HELPDESK_DEMO": "on",
        "HELPDESK_SUPPORT_HOURS": "always",
        # Chat is open to users with or without an agent online, as the tests of chat
        # itself need; tests of availability start a gateway that asks for one.
        "HELPDESK_CHAT_NEEDS_AGENT_ONLINE": "off",
        "HELPDESK_RATE_LIMITS": "off",
        "HELPDESK_RPC_TIMEOUT_SECONDS": "4.0",
        "HELPDESK_LOG_LEVEL": "INFO",
        # The shared Mailpit; a failed send is tried again within a test's patience.
        "HELPDESK_SMTP_HOST": base_settings.smtp_host,
        "HELPDESK_SMTP_PORT": str(base_settings.smtp_port),
        "HELPDESK_EMAIL_RETRY_SECONDS": "0.5",
        "HELPDESK_HELP_URL": "https://hotel.example/app/?view=dashboard",
        **overrides,
    }
    probe = HelpDesk(env, base_settings, {}, log_dir)
    services = {name: probe.spawn(name) for name in ("tickets", "notifications", "chat", "gateway")}
    for service in services.values():
        service.start(wait=False)
    try:
        for service in services.values():
            service.wait_ready()
        settings = base_settings.model_copy(
            update={"rabbitmq_url": rabbitmq_url, "mongo_db": database}
        )
        yield HelpDesk(env, settings, services, log_dir)
    finally:
        for service in services.values():
            service.stop()
        with MongoClient(base_settings.mongo_url) as client:
            client.drop_database(database)


def make_token(
    role: str = "user",
    account_id: str | None = None,
    user_id: str | None = None,
    name: str = "Test User",
    secret: str = TEST_JWT_SECRET,
    lifetime: timedelta = timedelta(hours=1),
    **extra: Any,
) -> str:
    return mint_token(
        secret=secret,
        subject=user_id or f"user-{uuid.uuid4().hex[:8]}",
        name=name,
        account_id=account_id or f"account-{uuid.uuid4().hex[:8]}",
        role=role,
        lifetime=lifetime,
        # Tests mint exactly what they ask for, too long-lived tokens included.
        max_lifetime=lifetime,
        extra=extra,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Account:
    """A fresh hotel account per test, so tests never see each other's tickets."""

    account_id: str

    def user(
        self, user_id: str | None = None, name: str = "Anna Kowalska", email: str | None = None
    ) -> dict[str, str]:
        """A user's headers; `email` puts that claim in the token, as hosts may."""
        claims = {"email": email} if email else {}
        return bearer(make_token("user", self.account_id, user_id, name, **claims))
