"""What the parts of the service that write tickets (creation, replies and changes) share."""

from collections.abc import Callable
from dataclasses import dataclass

from services.tickets import domain
from services.tickets.attachments import TicketAttachments
from services.tickets.store import TicketStore
from shared.clock import Clock


@dataclass
class TicketWriting:
    store: TicketStore
    sla: domain.SlaPolicy
    attachments: TicketAttachments
    # Wakes the outbox relay: the events written with a ticket go out now, not at its next round.
    events_written: Callable[[], None]
    clock: Clock
