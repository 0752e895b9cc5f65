"""The agents' side of tickets: the queue across accounts, changes, replies."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.gateway.api.tickets import ERRORS, add_reply_endpoint
from services.gateway.deps import CurrentAgent, Rpc
from shared.routes import AGENT_QUEUE, UPDATE_TICKET
from shared.tickets import (
    PAGE_MAX,
    PAGE_SIZE_MAX,
    SUBJECT_MAX,
    AgentQueueQuery,
    QueuePage,
    Subject,
    TicketDetail,
    UpdateTicket,
)
from shared.vocabulary import Importance, TicketStatus

router = APIRouter(prefix="/api/v1/agent/tickets", tags=["agent"])


class TicketChange(BaseModel):
    status: TicketStatus | None = None
    subject: Subject | None = None


@router.get("", responses=ERRORS)
async def agent_queue(
    agent: CurrentAgent,
    rpc: Rpc,
    ticket_status: Annotated[TicketStatus | None, Query(alias="status")] = None,
    importance: Importance | None = None,
    account_id: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=SUBJECT_MAX, description="text in subject")] = None,
    page: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 1,
    page_size: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 20,
) -> QueuePage:
    query = AgentQueueQuery(
        caller=agent,
        status=ticket_status,
        importance=importance,
        account_id=account_id or None,
        text=q or None,
        page=page,
        page_size=page_size,
    )
    return await rpc.call(AGENT_QUEUE, query)


@router.patch("/{number}", responses=ERRORS)
async def change_ticket(
    agent: CurrentAgent, rpc: Rpc, number: str, change: TicketChange
) -> TicketDetail:
    command = UpdateTicket(
        caller=agent, number=number, status=change.status, subject=change.subject
    )
    return await rpc.call(UPDATE_TICKET, command)


add_reply_endpoint(router, CurrentAgent)
