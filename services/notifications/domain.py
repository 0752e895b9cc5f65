"""Pop-up rules: which events make a pop-up, its number and text, when it comes back. No I/O."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.notifications.models import StoredPopup
from shared.errors import Conflict, InvalidRequest
from shared.events import AnnouncementPayload, ReplyPosted, TicketUpdated
from shared.people import person_key
from shared.popups import DEFAULT_SNOOZE_MINUTES, SnoozeChoice
from shared.vocabulary import TicketStatus

NUMBER_PREFIX = "P-"
# A reminder further out than this is a typo, not a plan (the client offers up to a week).
LONGEST_SNOOZE = timedelta(days=30)

# Status changes that put the ball in the user's court: each is worth interrupting them.
STATUS_TITLES: dict[TicketStatus, str] = {
    "resolved": "Zgłoszenie {number} zostało rozwiązane",
    "awaiting_reply": "Zgłoszenie {number} czeka na Twoją odpowiedź",
}
STATUS_BODIES: dict[TicketStatus, str] = {
    "resolved": "Wsparcie techniczne oznaczyło zgłoszenie „{subject}” jako rozwiązane.",
    "awaiting_reply": "Wsparcie techniczne prosi o odpowiedź w zgłoszeniu „{subject}”.",
}
# The same news when it comes with an answer (one pop-up): a line under the answer.
STATUS_NOTES: dict[TicketStatus, str] = {
    "resolved": "Zgłoszenie zostało oznaczone jako rozwiązane.",
    "awaiting_reply": "Wsparcie techniczne czeka na Twoją odpowiedź.",
}


@dataclass(frozen=True)
class PopupDraft:
    """A pop-up to make, with the key that makes making it twice impossible."""

    key: str
    account_id: str
    user_id: str
    title: str
    body: str
    # When it happened (a reply's time, an announcement's): events may be consumed out of
    # order, and the history lists pop-ups in the order of what they announce.
    occurred_at: datetime | None = None
    ticket_number: str | None = None
    ticket_status: TicketStatus | None = None
    announcement_id: str | None = None


def popup_number(sequence: int) -> str:
    return f"{NUMBER_PREFIX}{sequence:06d}"


def from_reply(event: ReplyPosted) -> PopupDraft | None:
    """An agent's answer pops up for the ticket's author; the user's own replies do not."""
    reply = event.payload
    if reply.author.role != "agent":
        return None
    body = reply.body
    changed = reply.previous_status not in (None, reply.status)
    announced = reply.status if changed and reply.status in STATUS_NOTES else None
    if announced:
        body = f"{body}\n\n{STATUS_NOTES[announced]}"
    return PopupDraft(
        key=f"event:{event.event_id}",
        occurred_at=event.occurred_at,
        account_id=reply.account_id,
        user_id=reply.ticket_owner_id,
        title=f"Odpowiedź w zgłoszeniu {reply.ticket_number}: {reply.ticket_subject}",
        body=body,
        ticket_number=reply.ticket_number,
        ticket_status=announced,
    )


def from_status_change(event: TicketUpdated) -> PopupDraft | None:
    update = event.payload
    status = update.changes.status
    if status is None or status not in STATUS_TITLES:
        return None
    return PopupDraft(
        key=f"event:{event.event_id}",
        occurred_at=event.occurred_at,
        account_id=update.account_id,
        user_id=update.ticket_owner_id,
        title=STATUS_TITLES[status].format(number=update.number),
        body=STATUS_BODIES[status].format(subject=update.subject),
        ticket_number=update.number,
        ticket_status=status,
    )


def from_announcement(
    announcement: AnnouncementPayload, account_id: str, user_id: str
) -> PopupDraft:
    # One pop-up per announcement and person: the key is the same for every read that
    # asks for it. Dated when it was announced: a person gets it when their pop-ups are
    # next read, several at once for someone who was away, in the order they were sent.
    return PopupDraft(
        key=f"announcement:{announcement.announcement_id}:{person_key(account_id, user_id)}",
        occurred_at=announcement.created_at,
        account_id=account_id,
        user_id=user_id,
        title=announcement.title,
        body=announcement.body,
        announcement_id=announcement.announcement_id,
    )


def ensure_addressable(user_id: str | None, account_id: str | None) -> None:
    """An announcement to a user names the user's account: user ids repeat across hotels."""
    if user_id is not None and account_id is None:
        raise InvalidRequest(
            "account_id: an announcement to a user needs the user's account",
            code="announcement_user_needs_account",
        )


def remind_at(choice: SnoozeChoice, now: datetime) -> datetime:
    """When a snoozed pop-up comes back."""
    if choice.until is None:
        return now + timedelta(minutes=choice.minutes or DEFAULT_SNOOZE_MINUTES)
    if choice.until <= now:
        raise InvalidRequest("until: the reminder time must be in the future")
    if choice.until - now > LONGEST_SNOOZE:
        raise InvalidRequest("until: at most 30 days ahead")
    return choice.until


# What each action makes of a pop-up as read: the pop-up after it, or None when there is
# nothing to change (asked twice, or overtaken by another action).


def snoozed(popup: StoredPopup, until: datetime) -> StoredPopup:
    if popup.deleted:
        raise Conflict(f"pop-up {popup.number} was deleted; it only stays in history")
    return popup.model_copy(
        update={"snoozed_until": until, "visible_at": until, "remind_pending": True}
    )


def read(popup: StoredPopup, now: datetime) -> StoredPopup | None:
    """Previewed: no longer unread."""
    if popup.read:
        return None
    return popup.model_copy(update={"read": True, "read_at": now})


def closed(popup: StoredPopup) -> StoredPopup | None:
    """Closed (its close button, Esc): it pops up no more until a reminder; stays unread."""
    if popup.seen or popup.read or popup.deleted:
        return None
    return popup.model_copy(update={"seen": True})


def deleted(popup: StoredPopup, now: datetime) -> StoredPopup | None:
    """Hidden, never removed: history keeps it, and a pending reminder is dropped."""
    if popup.deleted:
        return None
    return popup.model_copy(
        update={"deleted": True, "deleted_at": now, "remind_pending": False, "snoozed_until": None}
    )


def reminded(popup: StoredPopup, now: datetime) -> StoredPopup | None:
    """A snoozed pop-up whose time has come pops up again, even if it was closed before
    it was snoozed."""
    # Another instance of this service may have reminded it meanwhile.
    if not popup.remind_pending or popup.visible_at > now:
        return None
    return popup.model_copy(update={"remind_pending": False, "snoozed_until": None, "seen": False})
