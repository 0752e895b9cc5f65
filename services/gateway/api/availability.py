"""An agent's availability for chat: online (offered waiting chats) or away."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from services.gateway.deps import CurrentAgent, LiveChat, Rpc
from shared.chat import (
    AgentAvailability,
    AgentRef,
    Availability,
    AvailabilityQuery,
    SetAvailability,
)
from shared.errors import Unavailable
from shared.people import Caller
from shared.routes import AGENT_AVAILABILITY, SET_AGENT_AVAILABILITY

router = APIRouter(prefix="/api/v1/agent/availability", tags=["agent"])

ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not a support agent (code agent_only)"},
    503: {"description": "the chat service is unavailable; retry"},
}


class AvailabilityChoice(BaseModel):
    status: Availability


def _agent(caller: Caller) -> AgentRef:
    return AgentRef(account_id=caller.account_id, agent_id=caller.id)


@router.get("", responses=ERRORS)
async def availability(agent: CurrentAgent, rpc: Rpc) -> AgentAvailability:
    """What the agent chose, and how many agents are online now (chosen so, console open)."""
    return await rpc.call(AGENT_AVAILABILITY, AvailabilityQuery(agent=_agent(agent)))


@router.put("", responses={**ERRORS, 422: {"description": "status is not online or away"}})
async def set_availability(
    agent: CurrentAgent, chat: LiveChat, choice: AvailabilityChoice
) -> AgentAvailability:
    """Go online or away; it lasts across reloads. Away: waiting chats are neither shown nor
    pushed to this agent's consoles, and accepting one is refused (409 chat_agent_away)."""
    command = SetAvailability(agent=_agent(agent), status=choice.status)
    # Every chat instance offers its own chats: each one is told.
    replies = await chat.ask_each(SET_AGENT_AVAILABILITY, command, set(), every=True)
    answered = [reply for reply in replies.values() if reply is not None]
    if not answered:
        raise Unavailable("the chat service is not reachable; try again shortly")
    return answered[0]
