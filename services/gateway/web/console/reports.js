// The tickets report: over a period, the tickets opened and resolved each day, how soon
// support first answered and how long resolutions took (median, 90th percentile), and
// first-response SLA breaches, per importance and per account; as charts, with the same
// figures in tables (what a screen reader reads), and as a CSV download.
import { refusal, saveBlob } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { formatHours, t } from "../lib/i18n.js";
import { barChart } from "./charts.js";
import { PeriodReport } from "./period.js";

const REPORT = "/api/v1/agent/reports/tickets";
const COLORS = { opened: "#2563eb", resolved: "#15803d", breaches: "#b91c1c" };

export class TicketsReport extends PeriodReport {
  constructor(api) {
    super(api, "tickets", REPORT);
    this.charts = [];
    this.notice = h("p", { class: "hd-error", role: "alert", hidden: true });
    this.render();
  }

  title() {
    return t("reports_title");
  }

  hint() {
    return t("reports_hint");
  }

  /** The figures on screen as a CSV file (the same period, asked again with the token). */
  async download() {
    this.notice.hidden = true;
    const { first_day: from, last_day: to } = this.report;
    try {
      const csv = await this.api.blob(`${REPORT}.csv`, { from, to });
      saveBlob(csv, `tickets-report-${from}-${to}.csv`);
    } catch (error) {
      this.notice.textContent = refusal(error);
      this.notice.hidden = false;
    }
  }

  renderResults() {
    // A chart keeps its canvas and listeners until destroyed: the old ones go first.
    for (const chart of this.charts.splice(0)) chart.destroy();
    super.renderResults();
  }

  view(report) {
    const days = chartFigure(t("reports_per_day"), "report-days", dayTable(report.days));
    const importances = chartFigure(
      t("reports_per_importance"),
      "report-importances",
      figuresTable(report.importances, t("importance"), (row) => t(`importance_${row.importance}`)),
    );
    this.draw(days.canvas, report.days.map((row) => shortDay(row.day)), [
      { label: t("reports_opened"), data: report.days.map((row) => row.opened), color: COLORS.opened },
      { label: t("reports_resolved"), data: report.days.map((row) => row.resolved), color: COLORS.resolved },
    ]);
    this.draw(importances.canvas, report.importances.map((row) => t(`importance_${row.importance}`)), [
      { label: t("reports_opened"), data: report.importances.map((row) => row.opened), color: COLORS.opened },
      { label: t("reports_resolved"), data: report.importances.map((row) => row.resolved), color: COLORS.resolved },
      { label: t("reports_breaches"), data: report.importances.map((row) => row.sla_breaches), color: COLORS.breaches },
    ]);
    return [
      h("p", { class: "report-period" }, t("reports_period_shown", { from: report.first_day, to: report.last_day })),
      totals(report.total),
      h(
        "button",
        { type: "button", class: "hd-button hd-secondary hd-small report-csv", onclick: () => this.download() },
        t("reports_csv"),
      ),
      this.notice,
      days.figure,
      importances.figure,
      h("h3", {}, t("reports_per_account")),
      report.accounts.length
        ? scrollable(t("reports_per_account"), figuresTable(report.accounts, t("account"), (row) => row.account_id, "report-accounts"))
        : h("p", { class: "hd-muted" }, t("reports_no_accounts")),
      report.accounts_total > report.accounts.length
        ? h("p", { class: "hd-muted" }, t("ratings_more_accounts", { shown: report.accounts.length, total: report.accounts_total }))
        : null,
    ];
  }

  draw(canvas, labels, series) {
    barChart(canvas, labels, series)
      .then((chart) => {
        // Drawn after the agent asked for another period: that one's chart is gone already.
        if (canvas.isConnected) this.charts.push(chart);
        else chart.destroy();
      })
      .catch(() => canvas.replaceWith(h("p", { class: "hd-muted" }, t("reports_chart_unavailable"))));
  }
}

function totals(total) {
  const figure = (label, value, name) => h("div", {}, h("dt", {}, label), h("dd", { dataset: { figure: name } }, value));
  return h(
    "dl",
    { class: "report-figures" },
    figure(t("reports_opened"), String(total.opened), "opened"),
    figure(t("reports_resolved"), String(total.resolved), "resolved"),
    figure(t("reports_first_response"), times(total.first_response), "first_response"),
    figure(t("reports_resolution"), times(total.resolution), "resolution"),
    figure(t("reports_breaches"), String(total.sla_breaches), "sla_breaches"),
  );
}

/** A chart with its figures as a table: the canvas is an image described by the table. */
function chartFigure(title, name, table) {
  const caption = h("figcaption", { id: `${name}-title` }, title);
  const canvas = h("canvas", { role: "img", "aria-labelledby": `${name}-title`, "aria-describedby": `${name}-table` });
  table.id = `${name}-table`;
  const figure = h(
    "figure",
    { class: `report-chart ${name}` },
    caption,
    h("div", { class: "report-canvas" }, canvas),
    h("details", {}, h("summary", {}, t("reports_table")), scrollable(title, table)),
  );
  return { figure, canvas };
}

/** A wide table in the narrow pane scrolls sideways, also from the keyboard. */
function scrollable(label, table) {
  return h("div", { class: "report-scroll", tabindex: "0", role: "region", "aria-label": label }, table);
}

function dayTable(days) {
  return table(
    [t("reports_day"), t("reports_opened"), t("reports_resolved")],
    days.map((row) => [row.day, String(row.opened), String(row.resolved)]),
    "report-day-rows",
  );
}

function figuresTable(rows, keyTitle, key, className = "") {
  return table(
    [keyTitle, t("reports_opened"), t("reports_resolved"), t("reports_first_response"), t("reports_resolution"), t("reports_breaches")],
    rows.map((row) => [key(row), String(row.opened), String(row.resolved), times(row.first_response), times(row.resolution), String(row.sla_breaches)]),
    className,
  );
}

function table(headings, rows, className) {
  return h(
    "table",
    { class: `report-table ${className}` },
    h("thead", {}, h("tr", {}, headings.map((title) => h("th", { scope: "col" }, title)))),
    h(
      "tbody",
      {},
      rows.map(([first, ...cells]) => h("tr", {}, h("th", { scope: "row" }, first), cells.map((cell) => h("td", {}, cell)))),
    ),
  );
}

/** "median / 90th percentile", e.g. "1,5 h / 6,0 h"; a dash when nothing was measured. */
function times(durations) {
  if (!durations.count) return "–";
  return t("reports_times", { median: formatHours(durations.median_seconds), p90: formatHours(durations.p90_seconds) });
}

function shortDay(day) {
  const [, month, date] = day.split("-");
  return `${date}.${month}`;
}
