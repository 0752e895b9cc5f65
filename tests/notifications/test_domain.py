"""Pop-up rules without I/O: which events pop up, their keys and text, reminder times."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from services.notifications import domain
from shared.errors import InvalidRequest
from shared.events import (
    AnnouncementPayload,
    ReplyPosted,
    ReplyPostedPayload,
    TicketChanges,
    TicketUpdated,
    TicketUpdatedPayload,
)
from shared.people import Author
from shared.popups import SnoozeChoice
from shared.vocabulary import TicketStatus

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT = Author(role="agent", id="ewa", name="Ewa")


EVENT_ID = UUID("00000000-0000-4000-8000-000000000001")


def reply_by(author: Author) -> ReplyPosted:
    payload = ReplyPostedPayload(
        ticket_number="HD-000007",
        account_id="hotel",
        ticket_owner_id="anna",
        ticket_subject="Faktury",
        message_id="m1",
        author=author,
        body="Gotowe",
        status="in_progress",
    )
    return ReplyPosted(event_id=EVENT_ID, occurred_at=NOW, payload=payload)


def test_an_agents_reply_pops_up_for_the_tickets_author_keyed_by_the_event() -> None:
    draft = domain.from_reply(reply_by(AGENT))
    assert draft is not None
    assert (draft.key, draft.account_id, draft.user_id) == (f"event:{EVENT_ID}", "hotel", "anna")
    assert draft.occurred_at == NOW
    assert draft.title == "Odpowiedź w zgłoszeniu HD-000007: Faktury"
    assert (draft.body, draft.ticket_number) == ("Gotowe", "HD-000007")


@pytest.mark.parametrize(
    ("previous", "status", "announced"),
    [
        ("in_progress", "resolved", "resolved"),
        ("in_progress", "awaiting_reply", "awaiting_reply"),
        ("new", "in_progress", None),
        ("resolved", "resolved", None),
        (None, "resolved", None),
    ],
)
def test_a_reply_that_changes_the_status_says_which_status_it_announces(
    previous: TicketStatus | None, status: TicketStatus, announced: TicketStatus | None
) -> None:
    event = reply_by(AGENT)
    event.payload.previous_status, event.payload.status = previous, status
    draft = domain.from_reply(event)
    assert draft is not None
    assert draft.ticket_status == announced


def test_a_users_own_reply_is_no_popup() -> None:
    assert domain.from_reply(reply_by(Author(role="user", id="anna", name="A"))) is None


@pytest.mark.parametrize(
    ("status", "pops_up"),
    [("resolved", True), ("awaiting_reply", True), ("in_progress", False), ("closed", False)],
)
def test_only_status_changes_that_need_the_user_pop_up(status: str, pops_up: bool) -> None:
    update = TicketUpdatedPayload.model_validate(
        {
            "number": "HD-000007",
            "account_id": "hotel",
            "ticket_owner_id": "anna",
            "subject": "Faktury",
            "status": status,
            "changes": TicketChanges.model_validate({"status": status}),
            "changed_by": AGENT,
        }
    )
    event = TicketUpdated(payload=update)
    draft = domain.from_status_change(event)
    assert (draft is not None) is pops_up
    if draft is not None:
        assert draft.ticket_status == status


def test_a_subject_change_alone_is_no_popup() -> None:
    update = TicketUpdatedPayload(
        number="HD-1",
        account_id="h",
        ticket_owner_id="a",
        subject="Nowy",
        status="resolved",
        changes=TicketChanges(subject="Nowy"),
        changed_by=AGENT,
    )
    assert domain.from_status_change(TicketUpdated(payload=update)) is None


def test_announcement_keys_are_one_per_person_and_scopes_match() -> None:
    everyone = AnnouncementPayload(announcement_id="a1", title="T", body="B", created_at=NOW)
    one_account = everyone.model_copy(update={"account_id": "hotel"})
    one_user = one_account.model_copy(update={"user_id": "anna"})
    assert everyone.reaches("any", "one")
    assert one_account.reaches("hotel", "piotr") and not one_account.reaches("other", "piotr")
    assert one_user.reaches("hotel", "anna") and not one_user.reaches("hotel", "piotr")
    keys = {
        domain.from_announcement(everyone, account, user).key
        for account, user in [("h1", "anna"), ("h2", "anna"), ("h1", "piotr"), ("h1", "anna")]
    }
    assert len(keys) == 3
    # Read later, it is dated when it was sent: several wait in the order they were sent.
    assert domain.from_announcement(everyone, "h1", "anna").occurred_at == NOW


def test_remind_at_defaults_to_half_an_hour_and_refuses_the_past() -> None:
    assert domain.remind_at(SnoozeChoice(), NOW) == NOW + timedelta(minutes=30)
    assert domain.remind_at(SnoozeChoice(minutes=5), NOW) == NOW + timedelta(minutes=5)
    later = NOW + timedelta(hours=3)
    assert domain.remind_at(SnoozeChoice(until=later), NOW) == later
    for wrong in (NOW, NOW - timedelta(seconds=1), NOW + timedelta(days=31)):
        with pytest.raises(InvalidRequest):
            domain.remind_at(SnoozeChoice(until=wrong), NOW)


def test_popup_numbers_have_six_digits() -> None:
    assert domain.popup_number(45) == "P-000045"


def test_a_stored_announcement_to_a_user_without_account_reaches_nobody() -> None:
    # Written before announcements to a user had to name the account: no hotel's Anna.
    legacy = AnnouncementPayload(
        announcement_id="a1", title="t", body="b", user_id="anna", created_at=NOW
    )
    assert not legacy.reaches("hotel-a", "anna")
    to_one = legacy.model_copy(update={"account_id": "hotel-a"})
    assert to_one.reaches("hotel-a", "anna")
    assert not to_one.reaches("hotel-b", "anna")
