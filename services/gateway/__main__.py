"""`python -m services.gateway` starts the gateway."""

import sys
from contextlib import suppress

import uvicorn

from services.gateway.app import create_app
from services.gateway.serving import uvicorn_config
from shared.settings import get_settings

settings = get_settings()
server = uvicorn.Server(uvicorn_config(create_app(settings), settings))
# As `uvicorn.run`: uvicorn raises the Ctrl+C it caught again once it has shut down, and a
# start that failed (port taken, lifespan error) is exit status 3.
with suppress(KeyboardInterrupt):
    server.run()
if not server.started:
    sys.exit(3)
