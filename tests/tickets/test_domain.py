"""The ticket rules alone: numbers, statuses after replies, the SLA clock, thread bounds,
who sees what, read marks. No broker, no database: milliseconds."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.tickets import domain
from services.tickets.domain import SlaPolicy
from shared.errors import Conflict, Forbidden, NotFound
from shared.people import Author, Caller, Role
from shared.support_hours import SupportCalendar
from shared.tickets import THREAD_BYTES_MAX, THREAD_MAX
from shared.vocabulary import Importance, TicketStatus

WARSAW = ZoneInfo("Europe/Warsaw")
# A Thursday at 16:00 in Warsaw: one hour of support left that day.
THURSDAY_4PM = datetime(2026, 11, 26, 16, 0, tzinfo=WARSAW)

USER = Author(role="user", id="anna", name="Anna")
AGENT = Author(role="agent", id="ewa", name="Ewa")


def caller(account_id: str = "hotel-a", user_id: str = "anna", role: Role = "user") -> Caller:
    return Caller(role=role, id=user_id, name="Anna", account_id=account_id)


@pytest.fixture
def policy() -> SlaPolicy:
    calendar = SupportCalendar.from_settings("mon-fri 08:00-17:00", "Europe/Warsaw", "PL")
    targets: dict[Importance, int] = {"critical": 1, "high": 4, "normal": 8, "low": 16}
    return SlaPolicy({level: timedelta(hours=hours) for level, hours in targets.items()}, calendar)


def test_ticket_numbers_are_prefixed_and_zero_padded_to_six_digits() -> None:
    assert domain.ticket_number(1) == "HD-000001"
    assert domain.ticket_number(123456) == "HD-123456"
    assert domain.ticket_number(1234567) == "HD-1234567"


@pytest.mark.parametrize(
    ("current", "author", "after"),
    [
        ("awaiting_reply", USER, "in_progress"),
        ("resolved", USER, "in_progress"),
        ("new", USER, "new"),
        ("in_progress", USER, "in_progress"),
        ("new", AGENT, "in_progress"),
        ("in_progress", AGENT, "in_progress"),
        ("awaiting_reply", AGENT, "awaiting_reply"),
        ("resolved", AGENT, "resolved"),
    ],
)
def test_a_reply_moves_the_ticket_to_whoever_has_the_ball(
    current: TicketStatus, author: Author, after: TicketStatus
) -> None:
    assert domain.status_after_reply(current, author) == after


def test_support_may_name_the_status_in_the_same_step_as_the_reply() -> None:
    assert domain.status_after_reply("new", AGENT, "awaiting_reply") == "awaiting_reply"


def test_a_user_naming_a_status_is_refused() -> None:
    with pytest.raises(Forbidden) as refused:
        domain.status_after_reply("new", USER, "resolved")
    assert refused.value.code == "status_agents_only"


@pytest.mark.parametrize("author", [USER, AGENT])
def test_a_closed_ticket_takes_no_reply_from_anyone(author: Author) -> None:
    with pytest.raises(Conflict) as refused:
        domain.status_after_reply("closed", author)
    assert refused.value.code == "ticket_closed"


def test_the_sla_is_counted_in_support_hours(policy: SlaPolicy) -> None:
    # Critical (1 h) at 16:00 is due at 17:00; normal (8 h) runs on into Friday 15:00.
    assert policy.due_at("critical", THURSDAY_4PM) == THURSDAY_4PM + timedelta(hours=1)
    assert policy.due_at("normal", THURSDAY_4PM) == datetime(2026, 11, 27, 15, 0, tzinfo=WARSAW)


@pytest.mark.parametrize("status", ["awaiting_reply", "resolved", "closed"])
def test_no_sla_clock_runs_while_the_user_has_the_ball(
    policy: SlaPolicy, status: TicketStatus
) -> None:
    due = domain.next_sla_due(status, "high", THURSDAY_4PM, THURSDAY_4PM, policy, restart=True)
    assert due is None


def test_a_running_sla_clock_is_kept_so_a_user_cannot_push_support_back(
    policy: SlaPolicy,
) -> None:
    later = THURSDAY_4PM + timedelta(minutes=30)
    due = domain.next_sla_due("in_progress", "high", THURSDAY_4PM, later, policy, restart=False)
    assert due == THURSDAY_4PM


def test_an_agents_reply_restarts_the_sla_clock_a_full_target_later(policy: SlaPolicy) -> None:
    later = THURSDAY_4PM + timedelta(minutes=30)
    due = domain.next_sla_due("in_progress", "critical", THURSDAY_4PM, later, policy, restart=True)
    assert due == policy.due_at("critical", later)


def test_a_ticket_back_with_support_starts_a_new_sla_clock(policy: SlaPolicy) -> None:
    due = domain.next_sla_due("in_progress", "low", None, THURSDAY_4PM, policy, restart=False)
    assert due == policy.due_at("low", THURSDAY_4PM)


def test_a_thread_takes_replies_up_to_its_message_and_byte_bounds() -> None:
    domain.ensure_room_in_thread(THREAD_MAX - 1, THREAD_BYTES_MAX - 10, 10)
    for messages, thread_bytes, reply_bytes in [
        (THREAD_MAX, 0, 1),
        (1, THREAD_BYTES_MAX - 10, 11),
    ]:
        with pytest.raises(Conflict) as refused:
            domain.ensure_room_in_thread(messages, thread_bytes, reply_bytes)
        assert refused.value.code == "ticket_thread_full"


def test_users_see_only_their_accounts_tickets_and_agents_see_all() -> None:
    domain.ensure_visible("hotel-a", caller("hotel-a"), "HD-000001")
    domain.ensure_visible("hotel-a", caller("support", "ewa", "agent"), "HD-000001")
    with pytest.raises(NotFound) as hidden:
        domain.ensure_visible("hotel-a", caller("hotel-b"), "HD-000001")
    # Another account's ticket does not exist, as far as the caller can tell.
    assert hidden.value.code == "ticket_not_found"
    assert "HD-000001" in hidden.value.message


def test_a_ticket_is_unread_until_opened_after_supports_last_reply() -> None:
    reply_at = THURSDAY_4PM
    assert not domain.is_unread(None, None)
    assert domain.is_unread(reply_at, None)
    assert domain.is_unread(reply_at, reply_at - timedelta(seconds=1))
    assert not domain.is_unread(reply_at, reply_at)
    assert not domain.is_unread(reply_at, reply_at + timedelta(minutes=5))


def test_read_marks_belong_to_a_person_of_an_account() -> None:
    assert domain.reader_key(caller("hotel-a")) == domain.reader_key(caller("hotel-a"))
    assert domain.reader_key(caller("hotel-a")) != domain.reader_key(caller("hotel-b"))


def test_keys_from_before_the_upgrade_count_only_on_the_callers_own_account() -> None:
    # Legacy keys named the user id alone: the same in every hotel.
    assert domain.legacy_reader_key(caller("hotel-a")) == domain.legacy_reader_key(
        caller("hotel-b")
    )
    assert domain.legacy_person_key(caller("hotel-a"), "form-1") == "anna:form-1"
    assert domain.owns_legacy_keys("hotel-a", caller("hotel-a"))
    assert not domain.owns_legacy_keys("hotel-a", caller("hotel-b"))


def test_closing_keeps_the_first_time_it_was_closed_and_reopening_forgets_it() -> None:
    before, now = (
        datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 12, 2, 9, tzinfo=ZoneInfo("UTC")),
    )

    assert domain.closed_after("closed", None, now) == now
    assert domain.closed_after("closed", before, now) == before
    for status in ("new", "in_progress", "awaiting_reply", "resolved"):
        assert domain.closed_after(status, before, now) is None
