// A list's pager: previous, "page N of M", next. History's tickets and support's messages.
import { h } from "./dom.js";
import { t } from "./i18n.js";

export function pager(page, pages, goTo) {
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
