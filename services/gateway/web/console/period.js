// The period an agents' report covers: the last N days or a range of days the agent picks.
// Shared by the ratings report and the tickets report (their words are the ratings' ones).
import { h, labelled } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

const PERIODS = [7, 30, 90, 365];

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
