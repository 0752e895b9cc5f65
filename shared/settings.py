"""One pydantic-settings `Settings` per process, read from HELPDESK_* environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.vocabulary import IMPORTANCES, Importance

# A fixed secret is only acceptable because demo mode is for a laptop; production sets
# HELPDESK_JWT_SECRET or HELPDESK_JWKS_URL (the gateway refuses to start otherwise).
DEMO_JWT_SECRET = "helpdesk-demo-secret-not-for-production-use"
# The same holds for the key that signs requests on the bus (shared/signing.py).
DEMO_BUS_KEY = "helpdesk-demo-bus-key-not-for-production-use"


class Contact(BaseModel):
    """An alternative channel for one topic, shown in the Help menu and when chat is offline."""

    topic: str
    label_pl: str
    label_en: str
    phone: str
    email: str


DEFAULT_CONTACTS = [
    Contact(
        topic="general",
        label_pl="Pomoc ogólna",
        label_en="General help",
        phone="+48 22 000 00 00",
        email="pomoc@example.com",
    ),
    Contact(
        topic="billing",
        label_pl="Rozliczenia i faktury",
        label_en="Billing and invoices",
        phone="+48 22 000 00 01",
        email="rozliczenia@example.com",
    ),
    Contact(
        topic="extra_services",
        label_pl="Usługi dodatkowe",
        label_en="Extra services",
        phone="+48 22 000 00 02",
        email="uslugi@example.com",
    ),
]


DEFAULT_SLA_HOURS: dict[Importance, float] = {
    "critical": 1.0,
    "high": 4.0,
    "normal": 8.0,
    "low": 16.0,
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HELPDESK_", extra="ignore")

    rabbitmq_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    mongo_url: str = "mongodb://127.0.0.1:27017/"
    mongo_db: str = "helpdesk"
    gateway_host: str = "127.0.0.1"
    # Where the FastStream services serve /healthz and /readyz (0.0.0.0 inside containers).
    service_host: str = "127.0.0.1"
    gateway_port: int = 8000
    # How uvicorn serves the gateway's WebSockets (services/gateway/serving.py). Measured
    # with 15,000 idle sockets (docs/performance.md, issue #17): websockets-sansio 33 KiB
    # a socket, the legacy websockets 41 KiB (a keepalive task per socket; deprecated in
    # uvicorn), wsproto 31 KiB: sansio stays the default until the whole suite (chat,
    # browser tests) has run on wsproto, whose frames are parsed in pure Python.
    gateway_ws: Literal["websockets", "websockets-sansio", "wsproto"] = "websockets-sansio"
    # Off: deflate costs a compressor and decompressor per socket, and pop-ups are small.
    gateway_ws_per_message_deflate: bool = False
    # The largest frame a client may send, refused (1009) before it is read. A valid frame
    # is at most a 2,000-character chat line in JSON: 12 KB even if every character is a
    # 6-byte escape, so less would refuse valid messages.
    gateway_ws_max_frame_bytes: int = Field(default=16 * 1024, ge=12 * 1024, le=1024 * 1024)
    # Incoming frames uvicorn's `websockets` implementation buffers before the app reads.
    gateway_ws_max_queue: int = Field(default=32, ge=1)
    # WebSocket pings, and how long a pong may take (0: none): they find a vanished peer
    # that the stream's heartbeat frames alone would only find at the TCP timeout.
    gateway_ws_ping_seconds: float = Field(default=20.0, ge=0)
    jwt_secret: str | None = None
    jwks_url: str | None = None
    # The gateway fetches the JWKS this often in the background (and early, at most once
    # per 30 s, when a token names a key it does not hold: the host rotated its keys).
    jwks_refresh_seconds: float = Field(default=300.0, gt=0)
    jwt_audience: str | None = None
    # The longest a token may live (its exp minus iat, and its exp from now): a leaked
    # token stops working within this time. Host applications issue shorter ones.
    jwt_max_lifetime_hours: float = Field(default=24, gt=0, le=24 * 30)
    # HMAC key the gateway signs each request on the bus with and every service checks
    # (shared/signing.py); at least 32 characters, e.g. `openssl rand -hex 32`.
    bus_key: str | None = Field(default=None, min_length=32)
    demo: bool = False
    timezone: str = "Europe/Warsaw"
    support_hours: str = "mon-fri 08:00-17:00"
    holidays: str = "PL"
    max_attachment_mb: int = Field(default=25, ge=1, le=1024)
    rate_limits: bool = True
    contacts: list[Contact] = Field(default_factory=lambda: list(DEFAULT_CONTACTS))
    kb_url: str = "https://help.example.com/"
    # Origins whose pages may embed the Help menu (JSON list); bearer tokens, no cookies.
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    # The knowledge base's articles and chapters.yaml; the repository's content/kb by default.
    kb_dir: Path = Path(__file__).resolve().parents[1] / "content" / "kb"
    # First-response targets per importance, in support hours (HELPDESK_SLA_HOURS as JSON).
    sla_hours: dict[Importance, float] = Field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    # How long the gateway waits for a service; under 5 s so that with its own overhead a
    # client never waits past 5 s for its 503 (that overhead reached 0.9 s on a 2-core
    # machine with two CPU-bound processes beside it: tests/test_faults.py).
    rpc_timeout_seconds: float = Field(default=4.0, gt=0)
    # Pause between reconnection attempts to a lost broker (aio-pika's and FastStream's
    # default is 5 s, most of the goal of answering within 5 s of the broker's return).
    broker_reconnect_seconds: float = Field(default=1.0, gt=0)
    # Deadline on a publish: aio-pika hangs on a broken robust connection (aio-pika #636).
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    log_level: str = "INFO"
    # OpenTelemetry traces go to this OTLP/HTTP collector (e.g. http://collector:4318);
    # unset, nothing is traced and no tracing middleware is installed.
    otlp_endpoint: str | None = None
    # Health, readiness and metrics port of each FastStream service (0: any free port).
    tickets_port: int = 8001
    notifications_port: int = 8002
    chat_port: int = 8003
    # Live chat limits: they protect the one chat instance that holds every session.
    chat_queue_limit: int = Field(default=100, ge=1)
    # A user silent this long after their chat was accepted loses it (minutes; tests use less).
    chat_idle_minutes: float = Field(default=10.0, gt=0)
    chat_messages_per_minute: int = Field(default=60, ge=1)
    chat_message_burst: int = Field(default=10, ge=1)
    chat_starts_per_minute: int = Field(default=10, ge=1)
    # A chat nobody accepted within this many minutes ends with reason `wait_timeout`.
    chat_wait_minutes: float = Field(default=10.0, gt=0)
    # One account's waiting chats: this share of HELPDESK_CHAT_QUEUE_LIMIT, but at least 3.
    chat_account_queue_percent: int = Field(default=20, ge=1, le=100)
    # Frames one chat socket may send the gateway (a burst, then a rate); the rest are
    # refused there. An agent's socket speaks in many chats: it gets AGENT_FRAME_FACTOR times.
    chat_frames_per_minute: int = Field(default=120, ge=1)
    chat_frame_burst: int = Field(default=20, ge=1)
    # Files shared in chats live only in the chat service's memory. 5 MB holds a full-HD
    # screenshot or a short PDF; as base64 in one RPC message it is under 7 MB, well inside
    # RabbitMQ's message size limit (128 MiB in 3.x, 16 MiB from 4.0), and the caps keep
    # the chat service's memory bounded: per chat, and for all chats of the instance.
    chat_file_max_mb: int = Field(default=5, ge=1, le=10)
    chat_files_per_chat: int = Field(default=10, ge=1)
    chat_files_total_mb: int = Field(default=256, ge=1)
    # Open chat sockets, and open pop-up stream sockets, per person on each gateway instance.
    sockets_per_person: int = Field(default=10, ge=1)
    # Each gateway socket with chats checks in this often; the service drops chats whose
    # socket missed three check-ins (its gateway died without saying so).
    chat_heartbeat_seconds: float = Field(default=20.0, gt=0)
    # Pop-up sockets send a frame this often: proxies close connections idle for ~60 s.
    stream_heartbeat_seconds: float = Field(default=25.0, gt=0)
    # Users may start a chat only while an agent is online (a real desk's "nobody is
    # available"); off: whenever support is open, as before agents had a status.
    chat_needs_agent_online: bool = True
    # Each gateway instance re-tells the others which tickets its agents have open this
    # often; a console on an instance that died stops being shown after three periods.
    presence_refresh_seconds: float = Field(default=15.0, gt=0)
    # Frames an agent's console may send on its stream (which ticket is open, "typing").
    presence_frames_per_minute: int = Field(default=60, ge=1)
    presence_frame_burst: int = Field(default=20, ge=1)
    # How often the notifications service looks for snoozed pop-ups that are due again.
    reminder_scan_seconds: float = Field(default=1.0, gt=0)
    # E-mail copies of support's answers: the SMTP server the notifications service sends
    # through (Mailpit on loopback for the local start and the tests; a real relay in
    # production, with STARTTLS and credentials).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "Pomoc HotelSys <pomoc@example.com>"
    # One SMTP conversation (connect, hello, send) gives up after this long.
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    # A failed send waits this long before its redelivery, doubled each time (a quorum
    # queue's delivery count) up to 60 s; past the delivery limit it is a dead letter.
    email_retry_seconds: float = Field(default=2.0, gt=0)
    # The page with the Help menu that a copy's link opens (the host application's page).
    help_url: str = "http://127.0.0.1:8000/"

    @field_validator("sla_hours")
    @classmethod
    def _every_importance_has_a_target(
        cls, value: dict[Importance, float]
    ) -> dict[Importance, float]:
        missing = set(IMPORTANCES) - set(value)
        if missing or any(hours <= 0 for hours in value.values()):
            raise ValueError(f"SLA hours need a positive target for each of {IMPORTANCES}")
        return value

    @property
    def effective_bus_key(self) -> str:
        if self.bus_key:
            return self.bus_key
        if self.demo:
            return DEMO_BUS_KEY
        raise RuntimeError("set HELPDESK_BUS_KEY (or HELPDESK_DEMO=on for a demo)")

    @property
    def effective_jwt_secret(self) -> str | None:
        if self.jwt_secret:
            return self.jwt_secret
        return DEMO_JWT_SECRET if self.demo else None


@lru_cache
def get_settings() -> Settings:
    return Settings()
