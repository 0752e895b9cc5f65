"""The agents' side of tickets: the queue across accounts, changes, replies."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, status
from pydantic import BaseModel

from services.gateway.deps import Attachments, CurrentAgent, Rpc
from services.gateway.routes.tickets import (
    ERRORS,
    UPLOAD_CHECKS,
    AttachmentFile,
    IdempotencyKeyHeader,
    post_reply,
)
from shared.tickets import (
    PAGE_SIZE_MAX,
    SUBJECT_MAX,
    AgentQueueQuery,
    Message,
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
    page: Annotated[int, Query(ge=1)] = 1,
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
    return await rpc.call("tickets", "queue", query, QueuePage)


@router.patch("/{number}", responses=ERRORS)
async def change_ticket(
    agent: CurrentAgent, rpc: Rpc, number: str, change: TicketChange
) -> TicketDetail:
    command = UpdateTicket(
        caller=agent, number=number, status=change.status, subject=change.subject
    )
    return await rpc.call("tickets", "update", command, TicketDetail)


@router.post(
    "/{number}/replies",
    status_code=status.HTTP_201_CREATED,
    dependencies=UPLOAD_CHECKS,
    responses={**ERRORS, 409: {"description": "the ticket is closed"}},
)
async def agent_reply(
    agent: CurrentAgent,
    rpc: Rpc,
    attachments: Attachments,
    number: str,
    message: Annotated[str, Form(description="1-20,000 characters")],
    file: AttachmentFile = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Message:
    return await post_reply(rpc, attachments, agent, number, message, file, idempotency_key)
