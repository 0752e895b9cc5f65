"""Ticket rules: numbers, SLA clocks, statuses after replies, who may see what. No I/O."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.errors import Conflict, Forbidden, NotFound
from shared.people import Author, Caller
from shared.support_hours import SupportCalendar
from shared.tickets import THREAD_BYTES_MAX, THREAD_MAX
from shared.vocabulary import Importance, TicketStatus

NUMBER_PREFIX = "HD-"
# Statuses in which the ball is in support's court: their SLA clock runs.
WAITING_ON_SUPPORT: frozenset[TicketStatus] = frozenset({"new", "in_progress"})


def ticket_number(sequence: int) -> str:
    return f"{NUMBER_PREFIX}{sequence:06d}"


@dataclass(frozen=True)
class SlaPolicy:
    """First-response targets per importance, counted in support hours."""

    targets: dict[Importance, timedelta]
    calendar: SupportCalendar

    def due_at(self, importance: Importance, since: datetime) -> datetime:
        return self.calendar.add_business_time(since, self.targets[importance])


def status_after_reply(
    current: TicketStatus, author: Author, requested: TicketStatus | None = None
) -> TicketStatus:
    """Where a ticket goes when someone replies to it; a closed ticket takes no reply.

    Support may name the status in the same step ("reply and set status"); users may not.
    """
    if current == "closed":
        raise Conflict("this ticket is closed; open a new ticket instead", "ticket_closed")
    if requested is not None:
        if author.role != "agent":
            raise Forbidden("only support sets a ticket's status", "status_agents_only")
        return requested
    if author.role == "user" and current in ("awaiting_reply", "resolved"):
        return "in_progress"
    if author.role == "agent" and current == "new":
        return "in_progress"
    return current


def resolution_after(
    current: TicketStatus,
    new: TicketStatus,
    resolutions: int,
    resolved_at: datetime | None,
    now: datetime,
) -> tuple[int, datetime | None]:
    """The ticket's resolution count and the start of the one that stands, after a change
    of status: resolving starts a new resolution, closing keeps it, anything else (the
    ticket reopened) ends it."""
    if new == "resolved" and current != "resolved":
        return resolutions + 1, now
    if new in ("resolved", "closed"):
        return resolutions, resolved_at
    return resolutions, None


def closed_after(new: TicketStatus, closed_at: datetime | None, now: datetime) -> datetime | None:
    """When the ticket was closed, after a change of status: closing keeps the first time
    (a closed ticket set closed again is no new closing), anything else reopens it."""
    if new != "closed":
        return None
    return closed_at or now


def ensure_room_in_thread(messages: int, thread_bytes: int, reply_bytes: int) -> None:
    """A thread holds at most THREAD_MAX messages and THREAD_BYTES_MAX bytes as stored;
    then a new ticket carries on."""
    if messages >= THREAD_MAX or thread_bytes + reply_bytes > THREAD_BYTES_MAX:
        raise thread_full()


def thread_full() -> Conflict:
    return Conflict(
        "this ticket's conversation is full; please open a new ticket",
        code="ticket_thread_full",
    )


def next_sla_due(
    status: TicketStatus,
    importance: Importance,
    previous_due: datetime | None,
    now: datetime,
    policy: SlaPolicy,
    restart: bool,
) -> datetime | None:
    """The SLA clock: stopped while the user has the ball, running while support has it.

    An agent's reply restarts it (the next response is due a full target later); anything
    else keeps a running clock as it is, so a user cannot push support's deadline back.
    """
    if status not in WAITING_ON_SUPPORT:
        return None
    if restart or previous_due is None:
        return policy.due_at(importance, now)
    return previous_due


def sla_due_after_importance(
    status: TicketStatus,
    importance: Importance,
    previous_due: datetime | None,
    now: datetime,
    policy: SlaPolicy,
) -> datetime | None:
    """The SLA clock once support changes a ticket's importance: a tighter target brings
    a running deadline nearer (counted from now), a looser one never pushes it back."""
    if status not in WAITING_ON_SUPPORT:
        return previous_due
    due = policy.due_at(importance, now)
    return min(previous_due, due) if previous_due else due


def reader_key(reader: Caller) -> str:
    """Whose read marks: a person of an account (user ids are unique only per hotel)."""
    return reader.person_key


# Keys written before per-person keys named the account: read marks under a hash of the
# user id alone, Idempotency-Keys as `<user id>:<key>`. They are still honoured where they
# can only be the caller's, so an upgrade neither marks every ticket unread nor turns a
# client's retry into a second ticket; read marks are rewritten under the new key.


def legacy_reader_key(reader: Caller) -> str:
    return hashlib.sha256(reader.id.encode()).hexdigest()[:24]


def legacy_person_key(caller: Caller, idempotency_key: str) -> str:
    return f"{caller.id}:{idempotency_key}"


def owns_legacy_keys(ticket_account_id: str, caller: Caller) -> bool:
    """A legacy key on a ticket is the caller's when the ticket is of the caller's account
    (one account per ticket: the user id it names can only be that account's)."""
    return caller.account_id == ticket_account_id


def is_unread(last_support_reply_at: datetime | None, read_at: datetime | None) -> bool:
    return last_support_reply_at is not None and (
        read_at is None or read_at < last_support_reply_at
    )


def ensure_visible(ticket_account_id: str, caller: Caller, number: str) -> None:
    """Users see their account's tickets only; another account's ticket does not exist."""
    if caller.role != "agent" and caller.account_id != ticket_account_id:
        raise NotFound(f"ticket {number} not found", "ticket_not_found")


def ensure_agent(caller: Caller) -> None:
    """Support's own tools (notes, canned replies, reports) answer agents only."""
    if caller.role != "agent":
        raise Forbidden("this needs a support agent's account", code="agent_only")
