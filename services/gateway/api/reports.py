"""The agents' tickets report: figures of a period as JSON for the console's charts, and
the same as a CSV download."""

from typing import Any

from fastapi import APIRouter, Response

from services.gateway.api.report_period import Period
from services.gateway.deps import CurrentAgent, Rpc
from services.gateway.openapi import refusal
from services.gateway.report_csv import filename, report_csv
from shared.reports import TicketsReport, TicketsReportQuery
from shared.routes import TICKETS_REPORT

router = APIRouter(prefix="/api/v1/agent/reports", tags=["agent"])

INVALID_PERIOD: dict[int | str, dict[str, Any]] = {
    422: refusal(
        "a day that is not YYYY-MM-DD (date_invalid), a period that ends before it starts "
        "(period_invalid) or is longer than 366 days (period_too_long)"
    )
}


@router.get("/tickets", responses=INVALID_PERIOD)
async def tickets_report(agent: CurrentAgent, rpc: Rpc, period: Period) -> TicketsReport:
    """Tickets opened and resolved, first-response and resolution times (median, 90th
    percentile) and first-response SLA breaches: in all, per day, importance and account."""
    query = TicketsReportQuery(caller=agent, first_day=period.first, last_day=period.last)
    return await rpc.call(TICKETS_REPORT, query)


@router.get(
    "/tickets.csv",
    response_class=Response,
    responses={
        200: {
            "description": "the report as CSV (times in hours), as a download",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **INVALID_PERIOD,
    },
)
async def tickets_report_csv(agent: CurrentAgent, rpc: Rpc, period: Period) -> Response:
    """The tickets report as CSV: one row for the period, then each day, importance and
    account."""
    report = await tickets_report(agent, rpc, period)
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename(report)}"'},
    )
