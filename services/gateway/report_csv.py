"""The tickets report as CSV, for a spreadsheet: one row per group (the whole period, each
day, importance and account), times in hours."""

import csv
import io

from shared.reports import Durations, TicketFigures, TicketsReport

COLUMNS = [
    "group",
    "key",
    "opened",
    "resolved",
    "first_response_count",
    "first_response_median_hours",
    "first_response_p90_hours",
    "resolution_count",
    "resolution_median_hours",
    "resolution_p90_hours",
    "sla_breaches",
]
# A spreadsheet runs a cell starting with one of these as a formula: an account id is the
# host application's text, so such a cell is written as text (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def report_csv(report: TicketsReport) -> str:
    # A byte order mark first: without it Excel reads UTF-8 as the system's code page, and
    # an account "Kraków" arrives as "KrakÃ³w"; other readers skip it (utf-8-sig).
    out = io.StringIO("\ufeff")
    out.seek(0, io.SEEK_END)
    # Every cell quoted: the lines read the same in any spreadsheet's locale.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    period = f"{report.first_day.isoformat()}/{report.last_day.isoformat()}"
    writer.writerow(_row("total", period, report.total))
    writer.writerows(_row("day", row.day.isoformat(), row) for row in report.days)
    writer.writerows(_row("importance", row.importance, row) for row in report.importances)
    writer.writerows(_row("account", row.account_id, row) for row in report.accounts)
    return out.getvalue()


def filename(report: TicketsReport) -> str:
    return f"tickets-report-{report.first_day.isoformat()}-{report.last_day.isoformat()}.csv"


def _row(group: str, key: str, figures: TicketFigures) -> list[str]:
    return [
        group,
        _text(key),
        str(figures.opened),
        str(figures.resolved),
        *_times(figures.first_response),
        *_times(figures.resolution),
        str(figures.sla_breaches),
    ]


def _times(durations: Durations) -> list[str]:
    return [str(durations.count), _hours(durations.median_seconds), _hours(durations.p90_seconds)]


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
