// A list's pager: previous, "page N of M", next. The user's tickets and support's messages
// in the Help menu, and the agents' queue in the console.
import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * The pager of a page of a list (`page`, `page_size`, `total`, `total_exact`); none for a
 * single page. Past 10,000 matches `total` is a lower bound (`total_exact: false`): the
 * pager says "1000+" pages (at 10 a page) and "next" stays open.
 */
export function pager(list, goTo) {
  const page = list.page;
  const exact = list.total_exact !== false;
  const known = Math.max(1, Math.ceil(list.total / list.page_size));
  if (known <= 1 && exact) return null;
  const pages = exact ? known : `${Math.max(known, page).toLocaleString(document.documentElement.lang || "pl")}+`;
  const last = exact && page >= known;
  return h(
    "nav",
    { class: "hd-pager", "aria-label": t("page_of", { page, pages }) },
    h(
      "button",
      { type: "button", class: "hd-button hd-secondary hd-small", disabled: page <= 1, onclick: () => goTo(page - 1) },
      `← ${t("prev_page")}`,
    ),
    h("span", {}, t("page_of", { page, pages })),
    h(
      "button",
      { type: "button", class: "hd-button hd-secondary hd-small", disabled: last, onclick: () => goTo(page + 1) },
      `${t("next_page")} →`,
    ),
  );
}
