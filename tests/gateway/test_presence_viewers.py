"""Who has which ticket open, from the reports of every gateway instance: the table alone."""

from services.gateway.realtime.viewers import TicketViewers
from shared.presence import Colleague, ViewersReport, Viewing

ANNA = Colleague(id="anna", name="Anna")
EWA = Colleague(id="ewa", name="Ewa")


def told(gateway: str, socket: str, agent: Colleague, ticket: str | None) -> ViewersReport:
    viewing = Viewing(socket_id=socket, agent=agent, ticket=ticket)
    return ViewersReport(gateway_id=gateway, viewing=[viewing])


def test_agents_on_two_instances_see_each_other_but_not_themselves() -> None:
    table = TicketViewers(expiry=45)
    assert table.apply(told("g1", "s1", ANNA, "HD-1"), 0) == {"HD-1"}
    assert table.apply(told("g2", "s2", EWA, "HD-1"), 0) == {"HD-1"}
    assert table.of("HD-1", besides="anna") == [EWA]
    assert table.of("HD-1", besides="ewa") == [ANNA]


def test_one_agent_in_two_tabs_is_one_name() -> None:
    table = TicketViewers(expiry=45)
    table.apply(told("g1", "s1", ANNA, "HD-1"), 0)
    table.apply(told("g2", "s2", ANNA, "HD-1"), 0)
    assert table.of("HD-1", besides="ewa") == [ANNA]


def test_closing_or_moving_to_another_ticket_changes_both_tickets() -> None:
    table = TicketViewers(expiry=45)
    table.apply(told("g1", "s1", ANNA, "HD-1"), 0)
    assert table.apply(told("g1", "s1", ANNA, "HD-2"), 1) == {"HD-1", "HD-2"}
    assert table.of("HD-1", besides="ewa") == []
    assert table.apply(told("g1", "s1", ANNA, None), 2) == {"HD-2"}
    assert table.consoles == {}


def test_telling_the_same_again_changes_nothing() -> None:
    table = TicketViewers(expiry=45)
    table.apply(told("g1", "s1", ANNA, "HD-1"), 0)
    assert table.apply(told("g1", "s1", ANNA, "HD-1"), 5) == set()


def test_a_complete_report_drops_the_consoles_it_no_longer_names() -> None:
    table = TicketViewers(expiry=45)
    table.apply(told("g1", "s1", ANNA, "HD-1"), 0)
    table.apply(told("g2", "s2", EWA, "HD-1"), 0)
    assert table.apply(ViewersReport(gateway_id="g1", viewing=[], complete=True), 1) == {"HD-1"}
    assert table.of("HD-1", besides="nobody") == [EWA]


def test_an_instance_that_stops_reporting_is_forgotten_after_the_expiry() -> None:
    table = TicketViewers(expiry=45)
    table.apply(told("g1", "s1", ANNA, "HD-1"), 0)
    assert table.expire(45) == set()
    assert table.expire(46) == {"HD-1"}
    assert table.of("HD-1", besides="ewa") == []
