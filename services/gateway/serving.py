"""uvicorn's configuration of the gateway: its listening address and WebSocket options."""

import uvicorn
from fastapi import FastAPI

from shared.settings import Settings


def uvicorn_config(app: FastAPI, settings: Settings) -> uvicorn.Config:
    ping = settings.gateway_ws_ping_seconds or None
    return uvicorn.Config(
        app,
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_config=None,
        ws=settings.gateway_ws,
        ws_per_message_deflate=settings.gateway_ws_per_message_deflate,
        # Past it uvicorn closes the socket (1009) before reading the frame, so a 16 MB frame
        # (its default) never reaches memory.
        ws_max_size=settings.gateway_ws_max_frame_bytes,
        ws_max_queue=settings.gateway_ws_max_queue,
        ws_ping_interval=ping,
        ws_ping_timeout=ping,
        timeout_graceful_shutdown=15,
        proxy_headers=True,
    )
