"""The chat rules alone: queue, acceptance, limits and endings, in memory and in milliseconds."""

from dataclasses import replace
from datetime import timedelta

import pytest

from services.chat.domain import ChatRoom, Delivery, account_queue_limit
from shared.chat import (
    AcceptChat,
    AgentRef,
    EndChat,
    Endpoint,
    PostMessage,
    PreChatForm,
    SetAvailability,
    StartChat,
)
from shared.chat_instances import ChatInstances
from shared.errors import Conflict, NotFound, RateLimited
from shared.people import person_key
from tests.support.chat_room import FORM, LIMITS, T0, room, start, user

AGENT = Endpoint(gateway_id="g1", socket_id="agent")


def accept(chats: ChatRoom, chat_id: str, agent: Endpoint = AGENT) -> list[Delivery]:
    command = AcceptChat(chat_id=chat_id, agent=agent, agent_id="ewa", agent_name="Ewa")
    return chats.accept(command, T0)


def positions(deliveries: list[Delivery]) -> dict[str, int]:
    return {d.to.socket_id: d.notice.position for d in deliveries if d.notice.type == "queued"}


def test_accepting_the_first_moves_everyone_behind_up_one_place() -> None:
    chats = room()
    first, _, _ = (start(chats, n) for n in (1, 2, 3))
    assert positions(accept(chats, first)) == {}
    assert positions(chats.position_updates()) == {"user2": 1, "user3": 2}
    assert chats.position_updates() == []
    assert [item.chat_id for item in chats.snapshot(T0).items] == ["c2", "c3"]


def test_only_the_first_of_two_agents_accepting_gets_the_chat() -> None:
    chats = room()
    chat_id = start(chats, 1)
    accept(chats, chat_id)
    with pytest.raises(Conflict):
        accept(chats, chat_id, Endpoint(gateway_id="g2", socket_id="other"))


def test_past_the_queue_limit_the_answer_is_busy_and_nothing_is_kept() -> None:
    chats = room()
    for n in (1, 2, 3):
        start(chats, n)
    command = StartChat(endpoint=user(4), user_id="u4", account_id="a", form=FORM)
    reply, deliveries = chats.start(command, T0)
    assert (reply.outcome, reply.reason, deliveries) == ("busy", "queue_full", [])
    assert chats.stats().open_chats == 3


def test_one_person_waits_in_one_chat_however_many_windows() -> None:
    chats = room()
    start(chats, 1)
    second_window = StartChat(endpoint=user(2), user_id="u1", account_id="a", form=FORM)
    with pytest.raises(Conflict) as refused:
        chats.start(second_window, T0)
    assert refused.value.code == "chat_already_waiting"
    # The same user id in another hotel is another person.
    other_hotel = second_window.model_copy(update={"account_id": "b"})
    assert chats.start(other_hotel, T0)[0].outcome == "queued"


def test_once_accepted_the_person_may_wait_again_from_another_window() -> None:
    chats = room()
    accept(chats, start(chats, 1))
    again = StartChat(endpoint=user(2), user_id="u1", account_id="a", form=FORM)
    assert chats.start(again, T0 + timedelta(minutes=1))[0].outcome == "queued"


def test_one_account_fills_only_its_share_of_the_queue() -> None:
    chats = room(replace(LIMITS, queue_limit=10, account_queue_limit=2))
    start(chats, 1)
    start(chats, 2)
    third = StartChat(endpoint=user(3), user_id="u3", account_id="a", form=FORM)
    reply, deliveries = chats.start(third, T0)
    assert (reply.outcome, reply.reason, deliveries) == ("busy", "account_queue_full", [])
    assert start(chats, 4, account_id="b")
    # Once one of its chats is accepted, the account has room again.
    accept(chats, "c1")
    assert chats.start(third, T0 + timedelta(minutes=1))[0].outcome == "queued"


@pytest.mark.parametrize(
    ("queue_limit", "percent", "share"), [(100, 20, 20), (10, 20, 3), (2, 20, 2), (50, 100, 50)]
)
def test_an_accounts_share_is_a_percentage_but_never_below_three(
    queue_limit: int, percent: int, share: int
) -> None:
    assert account_queue_limit(queue_limit, percent) == share


def test_a_chat_nobody_accepts_ends_after_the_waiting_limit_with_its_own_reason() -> None:
    chats = room(replace(LIMITS, liveness=timedelta(hours=1), idle=timedelta(hours=1)))
    start(chats, 1)
    accepted = start(chats, 2)
    accept(chats, accepted)
    assert chats.sweep(T0 + timedelta(minutes=9)) == []
    ended = chats.sweep(T0 + timedelta(minutes=10, seconds=1))
    assert [(d.to, d.notice.reason) for d in ended] == [(user(1), "wait_timeout")]  # type: ignore[union-attr]
    assert (chats.stats().open_chats, chats.stats().waiting) == (1, 0)


def test_one_open_chat_per_socket() -> None:
    chats = room()
    start(chats, 1)
    with pytest.raises(Conflict):
        start(chats, 1)


def test_messages_reach_both_sides_and_are_rate_limited() -> None:
    chats = room()
    chat_id = start(chats, 1)
    accept(chats, chat_id)

    def line() -> PostMessage:
        return PostMessage(sender=user(1), text="Dzień dobry")

    deliveries = chats.post(line(), T0)
    assert {d.to for d in deliveries} == {user(1), AGENT}
    chats.post(line(), T0)
    chats.post(line(), T0)
    with pytest.raises(RateLimited):
        chats.post(line(), T0)
    # A second later the bucket holds one more line (60 a minute).
    chats.post(line(), T0 + timedelta(seconds=1))


def test_a_line_sent_again_after_a_failover_is_posted_once() -> None:
    """The gateway sends a line again, with its id, when a broker node died before it
    could tell whether the line arrived: both sides see it once, and it counts once."""
    chats = room()
    chat_id = start(chats, 1)
    accept(chats, chat_id)
    line = PostMessage(sender=user(1), text="Czy ktoś tam jest?")
    assert len(chats.post(line, T0)) == 2
    assert chats.post(line, T0) == []
    chats.post(PostMessage(sender=user(1), text="Halo"), T0)
    chats.post(PostMessage(sender=user(1), text="Halo?"), T0)
    with pytest.raises(RateLimited):
        chats.post(PostMessage(sender=user(1), text="Halo??"), T0)


def test_a_user_cannot_write_before_an_agent_accepts() -> None:
    chats = room()
    start(chats, 1)
    with pytest.raises(Conflict):
        chats.post(PostMessage(sender=user(1), text="halo?"), T0)


def test_an_agent_only_speaks_in_chats_it_accepted() -> None:
    chats = room()
    chat_id = start(chats, 1)
    stranger = Endpoint(gateway_id="g1", socket_id="stranger")
    with pytest.raises(NotFound):
        chats.post(PostMessage(sender=stranger, chat_id=chat_id, text="hej"), T0)
    with pytest.raises(NotFound):
        chats.end(EndChat(by=stranger, chat_id=chat_id), T0)


def test_closing_the_users_socket_deletes_the_chat_and_tells_the_agent() -> None:
    chats = room()
    chat_id = start(chats, 1)
    accept(chats, chat_id)
    deliveries = chats.socket_closed(user(1))
    assert [(d.to, d.notice.type) for d in deliveries] == [(AGENT, "ended")]
    assert chats.stats().open_chats == 0
    assert (chats.by_endpoint, chats.last_seen, chats.waiting) == ({}, {}, {})


def test_an_agent_holds_several_chats_and_leaving_ends_them_all() -> None:
    chats = room()
    ids = [start(chats, n) for n in (1, 2)]
    for chat_id in ids:
        accept(chats, chat_id)
    deliveries = chats.socket_closed(AGENT)
    assert {(d.to.socket_id, d.notice.reason) for d in deliveries} == {  # type: ignore[union-attr]
        ("user1", "agent_left"),
        ("user2", "agent_left"),
    }


def test_only_the_user_of_a_chat_support_answered_is_offered_to_rate_it() -> None:
    chats = room()
    start(chats, 1)
    talked = start(chats, 2)
    accept(chats, talked)

    never_answered = chats.end(EndChat(by=user(1)), T0)
    answered = chats.end(EndChat(by=AGENT, chat_id=talked), T0)

    assert [(d.to, d.notice.rateable) for d in never_answered] == [(user(1), False)]  # type: ignore[union-attr]
    assert {(d.to, d.notice.rateable) for d in answered} == {  # type: ignore[union-attr]
        (user(2), True),
        (AGENT, False),
    }


def test_a_user_silent_past_the_idle_limit_loses_the_chat() -> None:
    # Both sockets stay alive (their gateway checks in); only the user says nothing.
    chats = room(replace(LIMITS, liveness=timedelta(hours=1)))
    chat_id = start(chats, 1)
    accept(chats, chat_id)
    assert chats.sweep(T0 + timedelta(minutes=9)) == []
    ended = chats.sweep(T0 + timedelta(minutes=10, seconds=1))
    assert {d.notice.reason for d in ended} == {"idle"}  # type: ignore[union-attr]
    assert chats.stats().open_chats == 0


def test_a_socket_that_stops_checking_in_is_treated_as_closed() -> None:
    chats = room()
    start(chats, 1)
    assert chats.sweep(T0 + timedelta(seconds=59)) == []
    chats.sweep(T0 + timedelta(seconds=61))
    assert chats.stats().open_chats == 0


def test_stopping_the_service_ends_every_chat_on_both_sides() -> None:
    chats = room()
    chat_id = start(chats, 1)
    accept(chats, chat_id)
    start(chats, 2)
    reasons = {(d.to.socket_id, d.notice.reason) for d in chats.close_all()}  # type: ignore[union-attr]
    assert reasons == {
        ("user1", "service_restarted"),
        ("agent", "service_restarted"),
        ("user2", "service_restarted"),
    }
    assert chats.chats == {}


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("name", "x" * 101), ("phone", "600 123 456"), ("question", "x" * 1001)],
)
def test_the_pre_chat_form_refuses_out_of_range_values(field: str, value: str) -> None:
    values = {"name": "Anna", "phone": "+48 600 123 456", "question": "Jak?", field: value}
    with pytest.raises(ValueError, match=field):
        PreChatForm(**values)


def test_the_start_limit_counts_per_person_of_an_account() -> None:
    chats = room(replace(LIMITS, starts_per_minute=1))
    # The same user id in two hotels is two people: the first one's limit binds only them.
    for socket, account_id in ((1, "hotel-a"), (2, "hotel-b")):
        command = StartChat(endpoint=user(socket), user_id="anna", account_id=account_id, form=FORM)
        chats.start(command, T0)
    # Accepted, so no longer waiting: only the start limit stands in the way now.
    accept(chats, "c1")
    again = StartChat(endpoint=user(3), user_id="anna", account_id="hotel-a", form=FORM)
    with pytest.raises(RateLimited):
        chats.start(again, T0)


def other_instance(chats: ChatRoom, *starts: tuple[int, str]) -> ChatRoom:
    """Another instance's room where users `n` of accounts wait; `chats` hears its queue."""
    other = room(chats.limits)
    other.instance = "other"
    for n, account_id in starts:
        start(other, n, account_id=account_id)
    chats.heard_from(other.snapshot(T0), T0)
    return other


def test_the_queue_limits_count_the_chats_waiting_on_other_instances() -> None:
    chats = room(replace(LIMITS, queue_limit=4, account_queue_limit=2))
    other_instance(chats, (1, "a"), (2, "b"), (3, "b"))
    # User 1 waits on the other instance: not here too.
    with pytest.raises(Conflict) as refused:
        start(chats, 1)
    assert refused.value.code == "chat_already_waiting"
    # Account b has its two places, both on the other instance.
    reply, _ = chats.start(StartChat(endpoint=user(4), user_id="u4", account_id="b", form=FORM), T0)
    assert (reply.outcome, reply.reason) == ("busy", "account_queue_full")
    # Three wait there, one here: the queue of the whole service is full.
    start(chats, 5, account_id="c")
    reply, _ = chats.start(StartChat(endpoint=user(6), user_id="u6", account_id="d", form=FORM), T0)
    assert (reply.outcome, reply.reason) == ("busy", "queue_full")


def test_an_instance_not_heard_from_for_the_liveness_window_no_longer_counts() -> None:
    chats = room(replace(LIMITS, queue_limit=3))
    other_instance(chats, (1, "a"), (2, "b"), (3, "c"))
    later = T0 + LIMITS.liveness + timedelta(seconds=1)
    assert start(chats, 4, at=later)
    # Its own queue, echoed back by the broker, is never counted twice.
    chats.heard_from(chats.snapshot(later), later)
    assert chats.others.waiting(later) == 0


def test_the_merged_queue_lists_every_instances_chats_and_counts_each_agent_once() -> None:
    first, second = room(), room()
    first.instance, second.instance = "one", "two"
    start(first, 1, at=T0)
    start(second, 2, at=T0 - timedelta(seconds=30))
    ewa, jan = AgentRef(account_id="s", agent_id="ewa"), AgentRef(account_id="s", agent_id="jan")
    for chats in (first, second):
        for agent in (ewa, jan):
            chats.console_checked_in(Endpoint(gateway_id="g", socket_id=agent.agent_id), agent, T0)
    # Jan went away as the second instance was told; the first has not heard it yet.
    second.set_availability(SetAvailability(agent=jan, status="away"))
    instances = ChatInstances(LIMITS.liveness)
    for chats in (first, second):
        instances.heard(chats.snapshot(T0), T0)
    merged = instances.merged(T0)
    # Longest waiting first, whichever instance holds it.
    assert [item.waiting_seconds for item in merged.items] == [30, 0]
    assert merged.agents_online == 1
    assert merged.availability_of(person_key("s", "jan")) == "away"
    instances.forget("two")
    assert len(instances.merged(T0).items) == 1
