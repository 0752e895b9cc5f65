// A list's pager: previous, "page N of M", next. The user's tickets and support's messages
// in the Help menu, and the agents' queue in the console.
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** The pager of a page of a list (`page`, `page_size`, `total`); none for a single page. */
export function pager(list, goTo) {
  const page = list.page;
  const pages = Math.max(1, Math.ceil(list.total / list.page_size));
  if (pages <= 1) return null;
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
      { type: "button", class: "hd-button hd-secondary hd-small", disabled: page >= pages, onclick: () => goTo(page + 1) },
      `${t("next_page")} →`,
    ),
  );
}
