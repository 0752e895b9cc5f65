"""A gateway built in-process (no broker needed for what it answers alone)."""

from fastapi import FastAPI

from services.gateway.app import create_app
from shared.settings import Settings
from tests.support.system import TEST_BUS_KEY

IN_PROCESS_SECRET = "in-process-secret-of-thirty-two-bytes-or-more"


def in_process_gateway(**overrides: object) -> FastAPI:
    settings = Settings(
        jwt_secret=IN_PROCESS_SECRET,
        bus_key=TEST_BUS_KEY,
        **overrides,  # type: ignore[arg-type]
    )
    return create_app(settings)
