"""Liveness and readiness of the gateway."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.gateway.deps import Attachments, Rpc

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "alive"}


@router.get("/readyz", responses={503: {"description": "broker or database unreachable"}})
async def readyz(rpc: Rpc, attachments: Attachments) -> JSONResponse:
    # The gateway's one use of the database is the attachment store.
    # Reachable, not connected: a broker reconnect in progress is waited out by requests.
    checks = {"broker": rpc.reachable, "database": await attachments.store.answers()}
    ready = all(checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
