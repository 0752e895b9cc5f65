// An agents' report over a period (the last N days or a range of days the agent picks):
// its form, its loading and its results. The ratings report and the tickets report are
// made of it (the period's words are the ratings' ones, where it began).
import { refusal } from "../lib/api.js";
import { h, fill, labelled } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { LatestOnly, STALE } from "../lib/latest.js";

const PERIODS = [7, 30, 90, 365];

/**
 * A report named `name` (its classes `<name>-report`, `-filters`, `-results`, its fields
 * `<name>_<filter>`), read from `path`. A report adds `title`, `hint`, `moreFields(bind)`,
 * `query()` beyond the period, and `view(report)`.
 */
export class PeriodReport {
  constructor(api, name, path, filters = {}) {
    this.api = api;
    this.name = name;
    this.path = path;
    this.filters = { days: "30", from: "", to: "", ...filters };
    this.report = null;
    this.error = null;
    this.loading = false;
    // Only the latest request is shown: an earlier one answering late must not replace it.
    this.latest = new LatestOnly();
    this.root = h("div", { class: `${name}-report` });
    this.form = h("form");
    this.results = h("div", { class: `${name}-results`, "aria-live": "polite" });
  }

  /** The report for the chosen filters; the figures re-render, the form keeps the focus. */
  async load() {
    this.loading = true;
    this.renderResults();
    try {
      const report = await this.latest.run(() => this.api.get(this.path, this.query()));
      if (report === STALE) return;
      [this.report, this.error] = [report, null];
    } catch (error) {
      this.error = refusal(error);
    }
    this.loading = false;
    this.renderResults();
  }

  query() {
    return periodQuery(this.filters);
  }

  render() {
    // The words of the form change with the language: built again, with what was chosen.
    const form = this.filterForm();
    this.form.replaceWith(form);
    this.form = form;
    fill(this.root, h("h2", {}, this.title()), h("p", { class: "hd-muted" }, this.hint()), this.form, this.results);
    this.renderResults();
  }

  /** The tab is opened: the report is read the first time, then at the agent's asking. */
  show() {
    if (!this.report && !this.loading) this.load();
  }

  filterForm() {
    const bind = (key, control) => {
      control.name = `${this.name}_${key}`;
      control.value = this.filters[key];
      control.addEventListener("change", () => {
        this.filters[key] = control.value;
        if (key === "days") this.render();
      });
      return control;
    };
    return h(
      "form",
      {
        class: `${this.name}-filters`,
        onsubmit: (event) => {
          event.preventDefault();
          this.load();
        },
      },
      periodFields(this.filters, bind),
      this.moreFields(bind),
      h("button", { type: "submit", class: "hd-button hd-secondary hd-small" }, t("ratings_show")),
    );
  }

  moreFields() {
    return [];
  }

  renderResults() {
    if (this.error) {
      fill(this.results, h("p", { class: "hd-error", role: "alert" }, this.error));
    } else if (!this.report) {
      fill(this.results, h("p", { class: "hd-muted" }, t("loading")));
    } else {
      fill(this.results, this.view(this.report));
    }
    this.results.setAttribute("aria-busy", String(this.loading));
  }
}

/** The period's fields, bound to `filters` ({days, from, to}) by `bind(key, control)`;
 * the custom range's two dates show only once it is chosen. */
export function periodFields(filters, bind) {
  const period = bind(
    "days",
    h(
      "select",
      {},
      PERIODS.map((days) => h("option", { value: String(days) }, t("ratings_days", { n: days }))),
      h("option", { value: "custom" }, t("ratings_custom")),
    ),
  );
  const custom =
    filters.days === "custom"
      ? [
          labelled(t("ratings_from"), bind("from", h("input", { type: "date", required: true }))),
          labelled(t("ratings_to"), bind("to", h("input", { type: "date", required: true }))),
        ]
      : [];
  return [labelled(t("ratings_period"), period), custom];
}

/** The query's `from` and `to`: the range chosen, or the first of the last N days (the
 * gateway's `to` is today by default). */
export function periodQuery({ days, from, to }) {
  return days === "custom" ? { from, to } : { from: dayBefore(Number(days) - 1) };
}

/** The calendar day `days` before today, as YYYY-MM-DD in the browser's time zone. */
function dayBefore(days) {
  const day = new Date();
  day.setDate(day.getDate() - days);
  const pad = (number) => String(number).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}
