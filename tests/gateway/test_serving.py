"""uvicorn serves the gateway with the WebSocket options of the settings."""

import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from uvicorn.protocols.websockets.websockets_impl import WebSocketProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol

from services.gateway.serving import uvicorn_config
from shared.settings import Settings


@pytest.mark.parametrize(
    ("name", "protocol"),
    [
        ("websockets-sansio", WebSocketsSansIOProtocol),
        ("websockets", WebSocketProtocol),
        ("wsproto", WSProtocol),
    ],
)
def test_the_configured_implementation_serves_the_sockets(name: str, protocol: type) -> None:
    config = uvicorn_config(FastAPI(), Settings(gateway_ws=name))  # type: ignore[arg-type]
    config.load()
    assert config.ws_protocol_class is protocol


def test_the_defaults_decline_deflate_and_refuse_frames_over_16_kb() -> None:
    config = uvicorn_config(FastAPI(), Settings())
    assert config.ws == "websockets-sansio"
    assert config.ws_per_message_deflate is False
    assert config.ws_max_size == 16 * 1024
    assert (config.ws_ping_interval, config.ws_ping_timeout) == (20.0, 20.0)


def test_buffer_and_ping_settings_reach_uvicorn() -> None:
    settings = Settings(
        gateway_ws_max_frame_bytes=12 * 1024, gateway_ws_max_queue=1, gateway_ws_ping_seconds=0
    )
    config = uvicorn_config(FastAPI(), settings)
    assert (config.ws_max_size, config.ws_max_queue) == (12 * 1024, 1)
    assert (config.ws_ping_interval, config.ws_ping_timeout) == (None, None)


def test_an_unknown_implementation_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_GATEWAY_WS", "tornado")
    with pytest.raises(ValidationError, match="websockets-sansio"):
        Settings()


def test_a_frame_limit_that_would_refuse_valid_messages_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_GATEWAY_WS_MAX_FRAME_BYTES", "8192")
    with pytest.raises(ValidationError, match="12288"):
        Settings()
