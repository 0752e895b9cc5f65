// The ratings report: what users said of resolved tickets and ended chats in a period —
// the average, how many, each star's share, each account, and the latest comments.
import { h, labelled } from "../lib/dom.js";
import { formatDateTime, t } from "../lib/i18n.js";
import { starsText } from "../lib/rating.js";
import { PeriodReport } from "./period.js";

const KINDS = ["", "ticket", "chat"];

export class RatingsReport extends PeriodReport {
  constructor(api) {
    super(api, "ratings", "/api/v1/agent/ratings", { kind: "", account_id: "" });
    this.render();
  }

  title() {
    return t("ratings_title");
  }

  hint() {
    return t("ratings_hint");
  }

  query() {
    const { kind, account_id } = this.filters;
    return { ...super.query(), kind, account_id: account_id.trim() };
  }

  moreFields(bind) {
    const kind = bind(
      "kind",
      h("select", {}, KINDS.map((value) => h("option", { value }, t(`ratings_kind_${value || "all"}`)))),
    );
    const account = bind("account_id", h("input", { type: "text", maxlength: "200", autocomplete: "off" }));
    return [labelled(t("ratings_kind"), kind), labelled(t("ratings_account"), account)];
  }

  view(report) {
    return reportView(report);
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
