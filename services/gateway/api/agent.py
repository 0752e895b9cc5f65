"""The agents' side of tickets: the queue across accounts, one ticket as support sees it,
changes (status, subject, importance, assignee, tags), replies, the agents seen and the
tags in use."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.gateway.api.tickets import ERRORS, add_reply_endpoint
from services.gateway.deps import CurrentAgent, Rpc
from services.gateway.openapi import refusal
from shared.routes import AGENT_DIRECTORY, AGENT_QUEUE, AGENT_TICKET, TICKET_TAGS, UPDATE_TICKET
from shared.tickets import (
    PAGE_MAX,
    PAGE_SIZE_MAX,
    SEARCH_MAX,
    AgentQueueQuery,
    AgentTicketDetail,
    CalendarDay,
    GetTicket,
    QueuePage,
    Subject,
    UpdateTicket,
)
from shared.triage import (
    TAG_MAX,
    AgentDirectory,
    AgentsQuery,
    AssigneeChange,
    QueueView,
    TagChanges,
    TagsQuery,
)
from shared.vocabulary import Importance, TicketStatus

router = APIRouter(prefix="/api/v1/agent/tickets", tags=["agent"])
directory = APIRouter(prefix="/api/v1/agent", tags=["agent"])

CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    422: refusal(
        "an invalid field; an assignee the desk has not seen (assignee_unknown); more "
        "tags than a ticket takes (tags_too_many); a tag both added and removed "
        "(tags_conflicting)"
    ),
}


class TicketChange(BaseModel):
    """Only the fields sent change; `assignee_id: null` unassigns the ticket."""

    status: TicketStatus | None = None
    subject: Subject | None = None
    importance: Importance | None = Field(default=None, description="Ważność: the priority")
    assignee_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="an agent of GET /api/v1/agent/agents; null: nobody",
    )
    add_tags: TagChanges = []
    remove_tags: TagChanges = []


@router.get(
    "",
    responses={
        **ERRORS,
        422: refusal(
            "an invalid filter; a search without a word (search_query_invalid); a view "
            "and an assignee at once (queue_filters_conflicting); the first day after the "
            "last (date_range_invalid)"
        ),
    },
)
async def agent_queue(
    agent: CurrentAgent,
    rpc: Rpc,
    ticket_status: Annotated[
        TicketStatus | None,
        Query(alias="status", description="default: new and in progress; with q: every status"),
    ] = None,
    importance: Importance | None = None,
    account_id: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=SEARCH_MAX,
            description=(
                "words in the subject or messages, every one (any case, with or without "
                "Polish diacritics, any inflection), as in the users' history search"
            ),
        ),
    ] = None,
    view: Annotated[
        QueueView, Query(description="mine: assigned to the caller; unassigned: to nobody")
    ] = "all",
    assignee_id: Annotated[
        str | None, Query(max_length=200, description="assigned to this agent")
    ] = None,
    tag: Annotated[str | None, Query(max_length=TAG_MAX)] = None,
    created_from: Annotated[CalendarDay | None, Query(description="created on or after")] = None,
    created_to: Annotated[CalendarDay | None, Query(description="created on or before")] = None,
    page: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 1,
    page_size: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 20,
) -> QueuePage:
    """The queue across accounts, soonest `sla_due_at` first; every filter narrows it."""
    query = AgentQueueQuery(
        caller=agent,
        status=ticket_status,
        importance=importance,
        account_id=account_id or None,
        # An emptied box is no filter.
        text=q if q and q.strip() else None,
        view=view,
        assignee_id=assignee_id or None,
        tag=tag if tag and tag.strip() else None,
        created_from=created_from,
        created_to=created_to,
        page=page,
        page_size=page_size,
    )
    return await rpc.call(AGENT_QUEUE, query)


@router.get("/{number}", responses=ERRORS)
async def agent_ticket(agent: CurrentAgent, rpc: Rpc, number: str) -> AgentTicketDetail:
    """The ticket with its thread, its assignee and tags."""
    return await rpc.call(AGENT_TICKET, GetTicket(caller=agent, number=number))


@router.patch("/{number}", responses=CHANGE_ERRORS)
async def change_ticket(
    agent: CurrentAgent, rpc: Rpc, number: str, change: TicketChange
) -> AgentTicketDetail:
    """Change what users see (status, subject, importance) and support's own view
    (assignee, tags) at once; users hear of the former only."""
    assign = (
        AssigneeChange(agent_id=change.assignee_id)
        if "assignee_id" in change.model_fields_set
        else None
    )
    command = UpdateTicket(
        caller=agent,
        number=number,
        status=change.status,
        subject=change.subject,
        importance=change.importance,
        assign=assign,
        add_tags=change.add_tags,
        remove_tags=change.remove_tags,
    )
    return await rpc.call(UPDATE_TICKET, command)


add_reply_endpoint(router, CurrentAgent)


@directory.get("/agents")
async def agents_seen(agent: CurrentAgent, rpc: Rpc) -> AgentDirectory:
    """The agents who have used the desk (the caller included), by name: whom a ticket
    can be assigned to."""
    return await rpc.call(AGENT_DIRECTORY, AgentsQuery(caller=agent))


@directory.get("/tags")
async def tags_in_use(
    agent: CurrentAgent,
    rpc: Rpc,
    prefix: Annotated[str, Query(max_length=TAG_MAX, description="the start of a tag")] = "",
) -> list[str]:
    """Tags given to tickets, alphabetical (at most 20): suggestions while typing one."""
    return await rpc.call(TICKET_TAGS, TagsQuery(caller=agent, prefix=prefix))
