"""The agents' tickets report: a period's tickets opened and resolved, response and
resolution times and SLA breaches, counted by the database (services/tickets/report_store.py)."""

import asyncio

from services.tickets import report_rules
from services.tickets.report_store import ReportStore
from shared.clock import Clock
from shared.errors import Forbidden
from shared.reports import TicketsReport, TicketsReportQuery
from shared.support_hours import SupportCalendar


class TicketsReporting:
    def __init__(self, store: ReportStore, calendar: SupportCalendar, clock: Clock) -> None:
        self.store = store
        self.calendar = calendar
        self.clock = clock

    async def report(self, query: TicketsReportQuery) -> TicketsReport:
        if query.caller.role != "agent":
            raise Forbidden("this needs a support agent's account", code="agent_only")
        bounds = report_rules.period(query.first_day, query.last_day, self.calendar.tz)
        time_zone = self.calendar.tz_name
        # Two reads of their own indexes: side by side, the report takes the longer one.
        opened, resolved = await asyncio.gather(
            self.store.opened(bounds, time_zone, self.clock()),
            self.store.resolved(bounds, time_zone),
        )
        return report_rules.report(
            query.first_day, query.last_day, bounds, time_zone, opened, resolved
        )
