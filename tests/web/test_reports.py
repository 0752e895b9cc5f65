"""The console's Reports tab, as an agent uses it: picks a period, reads the figures and
the charts (and their tables), downloads the CSV."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.support.reports import Known, store_known
from tests.support.system import HelpDesk
from tests.support.web import Browser, axe_violations, look, open_console

# A week no other test writes in, in summer time (UTC+2).
FROM, TO = "2020-06-01", "2020-06-07"
REPORT = "/api/v1/agent/reports/tickets"


def known_week(accounts: tuple[str, str]) -> list[Known]:
    """Three tickets: one answered in 1 h and resolved after 5 h, one answered after 3 h
    (past its 2 h target), one never answered (past its 1 h target) and closed after a day."""
    first, second = accounts
    at = datetime(2020, 6, 2, 8, tzinfo=UTC)
    hour = timedelta(hours=1)
    later = datetime(2020, 6, 3, 10, tzinfo=UTC)
    last = datetime(2020, 6, 3, 12, tzinfo=UTC)
    return [
        Known(first, "high", at, [("agent", at + hour)], at + 5 * hour, None, at + 2 * hour),
        Known(
            first,
            "normal",
            later,
            [("user", later + hour), ("agent", later + 3 * hour)],
            first_response_due_at=later + 2 * hour,
        ),
        Known(
            second, "critical", last, closed_at=last + 24 * hour, first_response_due_at=last + hour
        ),
    ]


@pytest.fixture
def downloads(page: Browser, tmp_path: Path) -> Iterator[Path]:
    """Where the browser saves what the agent downloads."""
    page.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    yield tmp_path
    page.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "default"})


def test_the_agent_picks_a_period_reads_the_figures_and_charts_and_downloads_csv(
    page: Browser, system: HelpDesk, agent_headers: dict[str, str], downloads: Path
) -> None:
    accounts = ("hotel-raport-a", "hotel-raport-b")
    store_known(system, known_week(accounts))
    open_console(page)

    page.click('.hd-subtab[data-tab="reports"]')
    page.wait_text(".tickets-report h2", "Raport zgłoszeń")
    page.select(".tickets-filters select[name=tickets_days]", "custom")
    page.set_value(".tickets-filters input[name=tickets_from]", FROM)
    page.set_value(".tickets-filters input[name=tickets_to]", TO)
    page.press("Pokaż", ".tickets-filters")
    page.wait_text(".report-period", f"{FROM} . {TO}")
    page.wait_settled(".tickets-results")

    figures = page.driver.execute_script(
        """return Object.fromEntries([...document.querySelectorAll(".report-figures dd")]
            .map((node) => [node.dataset.figure, node.textContent]));"""
    )
    assert figures == {
        "opened": "3",
        "resolved": "2",
        # Median and 90th percentile: of 1 h and 3 h; of 5 h and 24 h.
        "first_response": "1,0 h / 3,0 h",
        "resolution": "5,0 h / 24,0 h",
        "sla_breaches": "2",
    }
    # The charts are drawn, with the figures of the period.
    charts = """
        const data = (css) => {
            const chart = window.Chart?.getChart(document.querySelector(css));
            return chart && chart.data.datasets.map((set) => set.data);
        };
        return {
            days: data(".report-days canvas"),
            importances: data(".report-importances canvas"),
        };
    """
    drawn = page.wait(lambda driver: (d := driver.execute_script(charts))["days"] and d)
    assert drawn["days"] == [[0, 1, 2, 0, 0, 0, 0], [0, 1, 0, 1, 0, 0, 0]]
    assert drawn["importances"] == [[0, 1, 1, 1], [0, 0, 1, 1], [0, 1, 0, 1]]
    # Their figures as tables, for whoever does not see the chart.
    page.click(".report-days summary")
    day = page.wait_text(".report-days tbody tr:nth-child(3)", "2020-06-03")
    assert day.split() == ["2020-06-03", "2", "0"]
    accounts_text = page.find(".report-accounts").text
    assert "hotel-raport-a 2 1 1,0 h / 3,0 h 5,0 h / 5,0 h 1" in accounts_text
    assert axe_violations(page, ".tickets-report") == []
    look(page, "tickets-report")

    # In English the same figures, with the language's decimal point.
    page.click(".hd-lang")
    page.wait_text(".tickets-report h2", "^Tickets report$")
    page.wait_text(".report-figures", r"First reply\n1\.0 h / 3\.0 h")
    page.click(".hd-lang")
    page.wait_text(".tickets-report h2", "^Raport zgłoszeń$")

    page.press("Pobierz CSV", ".tickets-results")
    saved = downloads / f"tickets-report-{FROM}-{TO}.csv"
    page.wait(lambda driver: saved.exists() and saved.stat().st_size > 0)
    served = httpx.get(
        f"{system.gateway_url}{REPORT}.csv", params={"from": FROM, "to": TO}, headers=agent_headers
    )
    assert saved.read_bytes() == served.content
    rows = list(csv.DictReader(io.StringIO(served.content.decode("utf-8-sig"))))
    assert [
        (row["key"], row["opened"], row["sla_breaches"])
        for row in rows
        if row["group"] == "account"
    ] == [
        ("hotel-raport-a", "2", "1"),
        ("hotel-raport-b", "1", "1"),
    ]
