// The knowledge base as readers use it: helpful votes per article, searches that found
// nothing and articles read shortly before a ticket, counted per ISO week.
import { refusal } from "../lib/api.js";
import { h, fill } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

export class KnowledgeReport {
  constructor(api) {
    this.api = api;
    this.root = h("div", { class: "kb-report" });
    this.report = null;
    this.error = null;
    this.loading = false;
  }

  /** Loaded when the tab is opened: the report is read, never pushed. */
  async load() {
    this.loading = true;
    this.render();
    try {
      this.report = await this.api.get("/api/v1/agent/kb/report", { weeks: 8 });
      this.error = null;
    } catch (error) {
      this.error = refusal(error);
    }
    this.loading = false;
    this.render();
  }

  render() {
    const report = this.report;
    fill(
      this.root,
      h(
        "div",
        { class: "kb-report-head" },
        report
          ? h("p", { class: "hd-muted" }, t("kb_report_weeks", { n: report.weeks.length, from: report.weeks.at(-1), to: report.weeks[0] }))
          : null,
        h("button", { type: "button", class: "hd-button hd-secondary hd-small", disabled: this.loading, onclick: () => this.load() }, t("kb_refresh")),
      ),
      this.error ? h("p", { class: "hd-error", role: "alert" }, this.error) : null,
      report ? [this.ratings(report.articles), this.missed(report), this.beforeTicket(report)] : null,
    );
  }

  ratings(articles) {
    const voted = articles.filter((row) => row.votes > 0);
    return h(
      "section",
      { class: "kb-ratings", "aria-labelledby": "kb-ratings-title" },
      h("h3", { id: "kb-ratings-title" }, t("kb_ratings")),
      voted.length
        ? h(
            "table",
            { class: "kb-table" },
            h(
              "thead",
              {},
              h("tr", {}, ["kb_col_article", "kb_col_yes", "kb_col_no", "kb_col_ratio"].map((key) => h("th", { scope: "col" }, t(key)))),
            ),
            h(
              "tbody",
              {},
              voted.map((row) =>
                h(
                  "tr",
                  { dataset: { slug: row.slug } },
                  h("td", {}, row.title),
                  h("td", { class: "num" }, String(row.helpful)),
                  h("td", { class: "num" }, String(row.not_helpful)),
                  h("td", { class: "num" }, `${Math.round(row.helpful_ratio * 100)}%`),
                ),
              ),
            ),
          )
        : h("p", { class: "hd-muted" }, t("kb_nothing")),
    );
  }

  missed(report) {
    return this.weekly(report, "kb-missed", t("kb_missed"), report.missed_searches, (row) => [
      h("span", { class: "kb-query" }, row.query),
      h("span", { class: "hd-muted" }, t("kb_searches", { n: row.searches, people: row.people })),
    ]);
  }

  beforeTicket(report) {
    return this.weekly(report, "kb-before-ticket", t("kb_before_ticket"), report.opened_before_ticket, (row) => [
      h("span", {}, row.title),
      h("span", { class: "hd-muted" }, t("kb_tickets", { n: row.tickets })),
    ]);
  }

  /** Rows grouped under their week, newest week first; weeks without rows are left out. */
  weekly(report, id, title, rows, cells) {
    const weeks = report.weeks.filter((week) => rows.some((row) => row.week === week));
    return h(
      "section",
      { class: id, "aria-labelledby": `${id}-title` },
      h("h3", { id: `${id}-title` }, title),
      weeks.length
        ? weeks.map((week) => [
            h("h4", {}, t("kb_week", { week })),
            h(
              "ul",
              { class: "kb-rows" },
              rows.filter((row) => row.week === week).map((row) => h("li", {}, cells(row))),
            ),
          ])
        : h("p", { class: "hd-muted" }, t("kb_nothing")),
    );
  }
}
