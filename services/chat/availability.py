"""Which agents are online: what each chose in the console, and whose consoles are open.

An agent is online when they have not chosen "away" and at least one of their consoles'
chat sockets has checked in within the liveness window: a console closed cleanly counts
at once, one on a gateway that died counts after that window. Kept in memory like the
chats: the choice lasts across the agent's reloads and devices for as long as this service
runs; after a restart every agent starts online again (as before availability existed).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.chat import AgentRef, Availability, Endpoint
from shared.people import person_key


@dataclass
class AgentRoster:
    liveness: timedelta
    away: set[AgentRef] = field(default_factory=set)
    # Each open console: whose it is and when it last checked in.
    consoles: dict[Endpoint, tuple[AgentRef, datetime]] = field(default_factory=dict)

    def choose(self, agent: AgentRef, status: Availability) -> bool:
        """Record the agent's choice; True if who is online (or offered chats) changed."""
        before = agent in self.away
        if status == "away":
            self.away.add(agent)
        else:
            self.away.discard(agent)
        return before != (agent in self.away)

    def status_of(self, agent: AgentRef) -> Availability:
        return "away" if agent in self.away else "online"

    def checked_in(self, console: Endpoint, agent: AgentRef, now: datetime) -> bool:
        """A console is there; True if that made its agent present."""
        present = self._present(agent)
        self.consoles[console] = (agent, now)
        return not present

    def closed(self, console: Endpoint) -> bool:
        """A console is gone; True if its agent has no other."""
        entry = self.consoles.pop(console, None)
        return entry is not None and not self._present(entry[0])

    def sweep(self, now: datetime) -> bool:
        """Forget consoles that stopped checking in; True if an agent went with them."""
        stale = [
            console for console, (_, seen) in self.consoles.items() if now - seen > self.liveness
        ]
        return any([self.closed(console) for console in stale])

    def online(self) -> set[AgentRef]:
        return {agent for agent, _ in self.consoles.values() if agent not in self.away}

    def away_keys(self) -> list[str]:
        """Person keys of the agents present but away: the consoles not to offer chats."""
        present = {agent for agent, _ in self.consoles.values()}
        return sorted(person_key(agent.account_id, agent.agent_id) for agent in present & self.away)

    def _present(self, agent: AgentRef) -> bool:
        return any(owner == agent for owner, _ in self.consoles.values())
