"""The chat service's instances as their broadcasts show them: each one's waiting queue.

Every chat instance broadcasts its queue on each change and at each sweep (a few seconds
apart), so an instance not heard from for `liveness` is gone. Gateways merge the queues
into the one view agents see and learn which instances an agent's console checks in
with; chat instances count the others' waiting chats against the limits that hold for
the whole service (services/chat/domain.py). Kept in memory only, like the chats.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.chat import QueueSnapshot


@dataclass
class ChatInstances:
    liveness: timedelta
    # Each instance's last snapshot and when it came.
    latest: dict[str, tuple[QueueSnapshot, datetime]] = field(default_factory=dict)

    def heard(self, snapshot: QueueSnapshot, now: datetime) -> None:
        if snapshot.instance:
            self.latest[snapshot.instance] = (snapshot, now)

    def forget(self, instance: str) -> None:
        """The instance is gone (it stopped, or its queues are): so is its queue."""
        self.latest.pop(instance, None)

    def live(self, now: datetime) -> list[QueueSnapshot]:
        """The queues of the instances heard from within `liveness`; the others are dropped."""
        for instance, (_, at) in list(self.latest.items()):
            if now - at > self.liveness:
                del self.latest[instance]
        return [snapshot for snapshot, _ in self.latest.values()]

    def names(self, now: datetime) -> list[str]:
        return sorted(snapshot.instance for snapshot in self.live(now))

    def waiting(self, now: datetime) -> int:
        return sum(len(snapshot.items) for snapshot in self.live(now))

    def waits(self, person: str, now: datetime) -> bool:
        return any(person in snapshot.waiting_people for snapshot in self.live(now))

    def account_waiting(self, account_id: str, now: datetime) -> int:
        return sum(snapshot.waiting_accounts.get(account_id, 0) for snapshot in self.live(now))

    def merged(self, now: datetime) -> QueueSnapshot:
        """One queue of all instances, longest waiting first; each agent counted once."""
        snapshots = self.live(now)
        items = [item for snapshot in snapshots for item in snapshot.items]
        items.sort(key=lambda item: -item.waiting_seconds)
        away = {key for snapshot in snapshots for key in snapshot.away_agents}
        online = {key for snapshot in snapshots for key in snapshot.online_agents} - away
        return QueueSnapshot(
            items=items,
            away_agents=sorted(away),
            agents_online=len(online),
            online_agents=sorted(online),
        )
