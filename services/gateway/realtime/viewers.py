"""Who has which ticket open, as every gateway instance told: a table, no I/O."""

from dataclasses import dataclass

from shared.presence import Colleague, ViewersReport

# A console by the instance that holds it and its socket there.
ConsoleKey = tuple[str, str]


@dataclass
class Seen:
    agent: Colleague
    ticket: str
    # When its instance last told of it (monotonic seconds).
    told_at: float


class TicketViewers:
    """The tickets open in every console; a console not told of for `expiry` seconds is gone.

    `expiry` covers an instance that died without a word: its complete reports stop.
    """

    def __init__(self, expiry: float) -> None:
        self.expiry = expiry
        self.consoles: dict[ConsoleKey, Seen] = {}

    def apply(self, report: ViewersReport, now: float) -> set[str]:
        """Take in a report; answer the tickets whose viewers changed."""
        changed: set[str] = set()
        named = {(report.gateway_id, viewing.socket_id) for viewing in report.viewing}
        if report.complete:
            for key in [key for key in self.consoles if key[0] == report.gateway_id]:
                if key not in named:
                    changed.add(self.consoles.pop(key).ticket)
        for viewing in report.viewing:
            key = (report.gateway_id, viewing.socket_id)
            before = self.consoles.pop(key, None)
            if viewing.ticket is None:
                if before is not None:
                    changed.add(before.ticket)
                continue
            if before is None or (before.ticket, before.agent) != (viewing.ticket, viewing.agent):
                changed |= {viewing.ticket} | ({before.ticket} if before is not None else set())
            self.consoles[key] = Seen(viewing.agent, viewing.ticket, now)
        return changed

    def expire(self, now: float) -> set[str]:
        """Forget consoles not told of in time; answer the tickets that lost a viewer."""
        stale = [key for key, seen in self.consoles.items() if now - seen.told_at > self.expiry]
        return {self.consoles.pop(key).ticket for key in stale}

    def of(self, ticket: str, besides: str) -> list[Colleague]:
        """The agents with `ticket` open, but `besides` (the agent asking), each once."""
        agents = {
            seen.agent.id: seen.agent
            for seen in self.consoles.values()
            if seen.ticket == ticket and seen.agent.id != besides
        }
        return sorted(agents.values(), key=lambda agent: (agent.name, agent.id))
