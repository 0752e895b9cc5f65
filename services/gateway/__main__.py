"""`python -m services.gateway` starts the gateway."""

import uvicorn

from services.gateway.app import create_app
from services.gateway.realtime.sockets import MAX_FRAME_BYTES
from shared.settings import get_settings

settings = get_settings()
uvicorn.run(
    create_app(settings),
    host=settings.gateway_host,
    port=settings.gateway_port,
    log_config=None,
    # Per-message deflate costs ~40 KB per idle socket (DESIGN.md, measured); pop-ups are small.
    ws_per_message_deflate=False,
    # A 16 MB frame would be read whole before any check of ours could refuse it.
    ws_max_size=MAX_FRAME_BYTES,
    timeout_graceful_shutdown=15,
    proxy_headers=True,
)
