"""Agent availability alone: who is online, who is offered the queue, who may accept."""

from datetime import timedelta

import pytest

from services.chat.domain import ChatRoom
from shared.chat import AcceptChat, AgentRef, Endpoint, SetAvailability
from shared.errors import Conflict
from shared.people import person_key
from tests.support.chat_room import LIMITS, T0, room, start

EWA = AgentRef(account_id="support", agent_id="ewa")
CONSOLE = Endpoint(gateway_id="g1", socket_id="ewa-console")


def go(chats: ChatRoom, status: str) -> None:
    chats.set_availability(SetAvailability(agent=EWA, status=status))  # type: ignore[arg-type]


def accept(chats: ChatRoom, chat_id: str) -> None:
    command = AcceptChat(
        chat_id=chat_id, agent=CONSOLE, agent_id="ewa", agent_name="Ewa", agent_account_id="support"
    )
    chats.accept(command, T0)


def test_an_agent_is_online_only_while_a_console_of_theirs_checks_in() -> None:
    chats = room()
    assert chats.availability(EWA).agents_online == 0
    chats.console_checked_in(CONSOLE, EWA, T0)
    assert chats.availability(EWA).agents_online == 1
    chats.socket_closed(CONSOLE)
    assert chats.availability(EWA).agents_online == 0


def test_a_console_that_stops_checking_in_counts_as_gone_after_the_liveness_window() -> None:
    chats = room()
    chats.console_checked_in(CONSOLE, EWA, T0)
    chats.sweep(T0 + LIMITS.liveness)
    assert chats.snapshot(T0).agents_online == 1
    version = chats.queue_version
    chats.sweep(T0 + LIMITS.liveness + timedelta(seconds=1))
    assert chats.snapshot(T0).agents_online == 0
    # The agents' view changed: it is broadcast again.
    assert chats.queue_version > version


def test_an_agent_away_is_not_offered_the_queue_and_cannot_accept_until_back_online() -> None:
    chats = room()
    chat_id = start(chats, 1)
    chats.console_checked_in(CONSOLE, EWA, T0)
    go(chats, "away")
    snapshot = chats.snapshot(T0)
    assert snapshot.away_agents == [person_key("support", "ewa")]
    assert snapshot.agents_online == 0
    assert snapshot.availability_of(person_key("support", "ewa")) == "away"
    assert snapshot.views()["away"].items == []
    assert snapshot.availability_of(person_key("support", "anna")) == "online"
    with pytest.raises(Conflict) as refused:
        accept(chats, chat_id)
    assert refused.value.code == "chat_agent_away"
    go(chats, "online")
    accept(chats, chat_id)
    assert chats.snapshot(T0).items == []


def test_the_choice_outlasts_the_console_so_a_reload_stays_away() -> None:
    chats = room()
    chats.console_checked_in(CONSOLE, EWA, T0)
    go(chats, "away")
    chats.socket_closed(CONSOLE)
    reloaded = Endpoint(gateway_id="g2", socket_id="ewa-reloaded")
    chats.console_checked_in(reloaded, EWA, T0)
    assert chats.availability(EWA).status == "away"
    assert chats.snapshot(T0).away_agents == [person_key("support", "ewa")]
