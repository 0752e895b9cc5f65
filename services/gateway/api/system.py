"""`GET /api/v1/agent/system`: each service answers its status query over the broker."""

import asyncio
from typing import get_args

from fastapi import APIRouter
from pydantic import BaseModel

from services.gateway.deps import CurrentAgent, Rpc
from shared.errors import HelpdeskError
from shared.rpc import ServiceStatus, StatusQuery, status_route
from shared.topology import ServiceName

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])


class ServiceReport(BaseModel):
    service: ServiceName
    reachable: bool
    status: ServiceStatus | None = None
    error: str | None = None


class SystemReport(BaseModel):
    services: list[ServiceReport]


async def _ask(rpc: Rpc, service: ServiceName) -> ServiceReport:
    try:
        status = await rpc.call(status_route(service), StatusQuery())
    except HelpdeskError as error:
        return ServiceReport(service=service, reachable=False, error=error.message)
    return ServiceReport(service=service, reachable=True, status=status)


@router.get("/system")
async def system_status(agent: CurrentAgent, rpc: Rpc) -> SystemReport:
    reports = await asyncio.gather(*(_ask(rpc, service) for service in get_args(ServiceName)))
    return SystemReport(services=list(reports))
