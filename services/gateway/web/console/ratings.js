// The ratings report: what users said of resolved tickets and ended chats in a period —
// the average, how many, each star's share, each account, and the latest comments.
import { refusal } from "../lib/api.js";
import { h, fill, labelled } from "../lib/dom.js";
import { formatDateTime, t } from "../lib/i18n.js";
import { LatestOnly, STALE } from "../lib/latest.js";
import { starsText } from "../lib/rating.js";
import { periodFields, periodQuery } from "./period.js";

const KINDS = ["", "ticket", "chat"];

export class RatingsReport {
  constructor(api) {
    this.api = api;
    this.filters = { days: "30", from: "", to: "", kind: "", account_id: "" };
    this.report = null;
    this.error = null;
    this.loading = false;
    // Only the latest request is shown: an earlier one answering late must not replace it.
    this.latest = new LatestOnly();
    this.root = h("div", { class: "ratings-report" });
    this.form = this.filterForm();
    this.results = h("div", { class: "ratings-results", "aria-live": "polite" });
    this.render();
  }

  /** The report for the chosen filters; the figures re-render, the form keeps the focus. */
  async load() {
    this.loading = true;
    this.renderResults();
    try {
      const report = await this.latest.run(() => this.api.get("/api/v1/agent/ratings", this.query()));
      if (report === STALE) return;
      [this.report, this.error] = [report, null];
    } catch (error) {
      this.error = refusal(error);
    }
    this.loading = false;
    this.renderResults();
  }

  query() {
    const { kind, account_id } = this.filters;
    return { ...periodQuery(this.filters), kind, account_id: account_id.trim() };
  }

  render() {
    // The words of the form change with the language: built again, with what was chosen.
    const form = this.filterForm();
    this.form.replaceWith(form);
    this.form = form;
    fill(
      this.root,
      h("h2", {}, t("ratings_title")),
      h("p", { class: "hd-muted" }, t("ratings_hint")),
      this.form,
      this.results,
    );
    this.renderResults();
  }

  /** The tab is opened: the report is read the first time, then at the agent's asking. */
  show() {
    if (!this.report && !this.loading) this.load();
  }

  filterForm() {
    const bind = (key, control) => {
      control.name = `ratings_${key}`;
      control.value = this.filters[key];
      control.addEventListener("change", () => {
        this.filters[key] = control.value;
        if (key === "days") this.render();
      });
      return control;
    };
    const kind = bind(
      "kind",
      h("select", {}, KINDS.map((value) => h("option", { value }, t(`ratings_kind_${value || "all"}`)))),
    );
    const account = bind("account_id", h("input", { type: "text", maxlength: "200", autocomplete: "off" }));
    return h(
      "form",
      {
        class: "ratings-filters",
        onsubmit: (event) => {
          event.preventDefault();
          this.load();
        },
      },
      periodFields(this.filters, bind),
      labelled(t("ratings_kind"), kind),
      labelled(t("ratings_account"), account),
      h("button", { type: "submit", class: "hd-button hd-secondary hd-small" }, t("ratings_show")),
    );
  }

  renderResults() {
    if (this.error) {
      fill(this.results, h("p", { class: "hd-error", role: "alert" }, this.error));
    } else if (!this.report) {
      fill(this.results, h("p", { class: "hd-muted" }, t("loading")));
    } else {
      fill(this.results, reportView(this.report));
    }
    this.results.setAttribute("aria-busy", String(this.loading));
  }
}

function reportView(report) {
  if (!report.count) return h("p", { class: "hd-empty ratings-empty" }, t("ratings_none"));
  const most = Math.max(...report.distribution.map((row) => row.count));
  return [
    h(
      "dl",
      { class: "ratings-figures" },
      h("div", {}, h("dt", {}, t("ratings_average")), h("dd", { class: "ratings-average" }, average(report.average))),
      h("div", {}, h("dt", {}, t("ratings_count")), h("dd", { class: "ratings-count" }, String(report.count))),
    ),
    h("h3", {}, t("ratings_distribution")),
    h(
      "ul",
      { class: "ratings-distribution" },
      [...report.distribution].reverse().map((row) =>
        h(
          "li",
          { dataset: { rating: String(row.rating) } },
          h("span", { class: "ratings-star" }, t("ratings_stars_row", { n: row.rating })),
          h("meter", { class: "ratings-bar", min: "0", max: String(most), value: String(row.count), "aria-hidden": "true" }),
          h("span", { class: "ratings-star-count" }, String(row.count)),
        ),
      ),
    ),
    h("h3", {}, t("ratings_per_account")),
    h(
      "table",
      { class: "ratings-accounts" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("account")), h("th", { scope: "col" }, t("ratings_count")), h("th", { scope: "col" }, t("ratings_average")))),
      h(
        "tbody",
        {},
        report.accounts.map((row) =>
          h("tr", {}, h("th", { scope: "row" }, row.account_id), h("td", {}, String(row.count)), h("td", {}, average(row.average))),
        ),
      ),
    ),
    report.accounts_total > report.accounts.length
      ? h("p", { class: "hd-muted" }, t("ratings_more_accounts", { shown: report.accounts.length, total: report.accounts_total }))
      : null,
    h("h3", {}, t("ratings_recent_comments")),
    report.recent_comments.length
      ? h(
          "ul",
          { class: "ratings-comments" },
          report.recent_comments.map((comment) =>
            h(
              "li",
              {},
              h("span", { class: "ratings-stars", title: t("rating_star", { n: comment.rating }) }, starsText(comment.rating)),
              h("p", { class: "ratings-comment-text" }, comment.comment),
              h(
                "p",
                { class: "hd-muted" },
                t("ratings_comment_meta", {
                  number: comment.number,
                  account: comment.account_id,
                  name: comment.rated_by.name,
                  when: formatDateTime(comment.rated_at),
                }),
              ),
            ),
          ),
        )
      : h("p", { class: "hd-muted" }, t("ratings_no_comments")),
  ];
}

function average(value) {
  return value === null || value === undefined ? "–" : value.toFixed(2);
}
