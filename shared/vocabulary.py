"""The product's enumerations, as the API contract names them."""

from typing import Literal, get_args

Importance = Literal["low", "normal", "high", "critical"]
TicketStatus = Literal["new", "in_progress", "awaiting_reply", "resolved", "closed"]
# The languages of the Help menu and the console.
Lang = Literal["pl", "en"]

IMPORTANCES: tuple[Importance, ...] = get_args(Importance)
TICKET_STATUSES: tuple[TicketStatus, ...] = get_args(TicketStatus)
