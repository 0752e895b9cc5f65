"""Canned replies: the agents' shared list of ready answers, and one filled for a ticket."""

from typing import Any

from fastapi import APIRouter, Response, status

from services.gateway.deps import CurrentAgent, Rpc
from services.gateway.openapi import refusal
from shared.canned_replies import (
    CannedReplies,
    CannedRepliesQuery,
    CannedReply,
    CannedReplyDraft,
    CannedReplyRef,
    FillCannedReply,
    FilledReply,
    SaveCannedReply,
)
from shared.routes import CANNED_REPLIES, DELETE_CANNED_REPLY, FILL_CANNED_REPLY, SAVE_CANNED_REPLY

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: refusal("no such canned reply (canned_reply_not_found)")
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: refusal(
        "an empty or too long field, or a placeholder other than {{user_name}}, "
        "{{ticket_number}}, {{ticket_subject}}, {{agent_name}} "
        "(canned_reply_placeholder_unknown)"
    )
}


@router.get("/canned-replies")
async def canned_replies(agent: CurrentAgent, rpc: Rpc) -> CannedReplies:
    """The whole shared list, by title."""
    return await rpc.call(CANNED_REPLIES, CannedRepliesQuery(caller=agent))


@router.post(
    "/canned-replies",
    status_code=status.HTTP_201_CREATED,
    responses={**INVALID, 409: refusal("the list is full (canned_replies_full)")},
)
async def add_canned_reply(agent: CurrentAgent, rpc: Rpc, draft: CannedReplyDraft) -> CannedReply:
    return await rpc.call(SAVE_CANNED_REPLY, SaveCannedReply(caller=agent, draft=draft))


@router.put("/canned-replies/{reply_id}", responses={**NOT_FOUND, **INVALID})
async def change_canned_reply(
    agent: CurrentAgent, rpc: Rpc, reply_id: str, draft: CannedReplyDraft
) -> CannedReply:
    command = SaveCannedReply(caller=agent, id=reply_id, draft=draft)
    return await rpc.call(SAVE_CANNED_REPLY, command)


@router.delete(
    "/canned-replies/{reply_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND
)
async def delete_canned_reply(agent: CurrentAgent, rpc: Rpc, reply_id: str) -> Response:
    await rpc.call(DELETE_CANNED_REPLY, CannedReplyRef(caller=agent, id=reply_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/tickets/{number}/canned-replies/{reply_id}",
    responses={404: refusal("no such ticket or canned reply")},
)
async def filled_canned_reply(
    agent: CurrentAgent, rpc: Rpc, number: str, reply_id: str
) -> FilledReply:
    """The reply's text for this ticket: in its user's language when known (else Polish),
    each placeholder filled with the ticket's user, number and subject and your name."""
    query = FillCannedReply(caller=agent, id=reply_id, ticket_number=number)
    return await rpc.call(FILL_CANNED_REPLY, query)
