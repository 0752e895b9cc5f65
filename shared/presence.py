"""Ticket presence between gateway instances: which agents have which ticket open, who writes.

Nothing here is stored: each instance tells the others what its own agents' consoles show
(services/gateway/realtime/presence.py), and each keeps what it heard only for as long as
it keeps being told.
"""

from typing import Annotated

from pydantic import BaseModel, StringConstraints

# A ticket number as consoles send it ("HD-000123"); only compared, never looked up.
TicketNumber = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[\w-]+$")]
SocketId = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Colleague(BaseModel):
    """An agent as other agents see them in a ticket: who, by their token's subject and name."""

    id: str
    name: str


class Viewing(BaseModel):
    """One console and the ticket it has open; `ticket` None: it has none open any more."""

    socket_id: SocketId
    agent: Colleague
    ticket: TicketNumber | None


class ViewersReport(BaseModel):
    """What one gateway instance's consoles have open.

    A change names only the consoles that changed. A `complete` report, sent now and then,
    names every console the instance has, and replaces all that was known of it: a console
    it no longer names is gone (also one whose close was never told).
    """

    gateway_id: str
    viewing: list[Viewing]
    complete: bool = False


class ReplyTyping(BaseModel):
    """An agent is writing a reply to a ticket; its other viewers see it for a few seconds."""

    gateway_id: str
    socket_id: SocketId
    agent: Colleague
    ticket: TicketNumber
