"""The directory of agents seen: the desk has no list of its agents, so it keeps the
ones whose verified tokens called it, to offer them as assignees."""

from datetime import datetime, timedelta

from services.tickets.agent_store import AgentStore
from shared.clock import Clock
from shared.errors import InvalidRequest
from shared.people import Caller
from shared.triage import AgentDirectory, AgentsQuery, Assignee

# An agent calls the desk on every queue refresh: one write per agent per period is
# enough to keep their name and last visit current.
RECORD_EVERY = timedelta(minutes=5)


class AgentsSeen:
    def __init__(self, store: AgentStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        # Per agent id: the name last written and when (this process's writes only).
        self._written: dict[str, tuple[str, datetime]] = {}

    async def seen(self, caller: Caller) -> None:
        """Record an agent who called the desk (users are no assignees)."""
        if caller.role != "agent":
            return
        now = self.clock()
        written = self._written.get(caller.id)
        if written and written[0] == caller.name and now - written[1] < RECORD_EVERY:
            return
        await self.store.record(caller.id, caller.name, now)
        self._written[caller.id] = (caller.name, now)

    async def directory(self, query: AgentsQuery) -> AgentDirectory:
        await self.seen(query.caller)
        return AgentDirectory(items=await self.store.all(), me=query.caller.id)

    async def assignee(self, agent_id: str) -> Assignee:
        """The agent a ticket can be given to; only one the desk has seen."""
        agent = await self.store.get(agent_id)
        if agent is None:
            raise InvalidRequest(
                f"no agent {agent_id!r} has used the desk yet; assign to a known agent",
                "assignee_unknown",
            )
        return Assignee(id=agent.id, name=agent.name)
