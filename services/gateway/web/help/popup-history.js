// Support's messages in history ("Wiadomości od wsparcia"): every pop-up of the user, page by
// page, deleted ones marked; Preview opens one's text and marks it read, so what was closed
// by mistake is found and read here. Preview on a pop-up itself shows that one on its own.
import { h } from "../lib/dom.js";
import { formatDateTime, t } from "../lib/i18n.js";
import { pager } from "../lib/pager.js";
import { popupHeading } from "./popups.js";

export class PopupHistory {
  /** `openTicket(number)` shows a ticket; `redraw()` draws the history again. */
  constructor(desk, { openTicket, redraw }) {
    this.desk = desk;
    this.openTicket = openTicket;
    this.redraw = redraw;
    this.page = 1;
    this.list = null;
    // The pop-up shown on its own (Preview on the pop-up), or null for the list.
    this.one = null;
    // Pop-ups whose text is open in the list (Preview).
    this.opened = new Set();
    this.error = null;
  }

  /** Show this pop-up's text on its own: in the list, newest first, it may be pages away. */
  reveal(popup) {
    this.one = popup;
    this.page = 1;
    this.opened.add(popup.number);
  }

  single() {
    const popup = this.one;
    return h(
      "div",
      { class: "hd-preview hd-popup-single", dataset: { number: String(popup.number) } },
      h("button", { type: "button", class: "hd-back", onclick: (event) => this.backToList(event.currentTarget) }, `← ${t("popups_tab")}`),
      h(
        "div",
        { class: "hd-popup-head" },
        h("span", { class: "hd-popup-kind" }, popupHeading(popup)),
        h("span", { class: "hd-badge" }, popupState(popup)),
      ),
      h("h3", { tabindex: "-1", "data-autofocus": true }, popup.title),
      h("p", { class: "hd-popup-body" }, popup.body),
      h("p", { class: "hd-muted" }, formatDateTime(popup.created_at)),
    );
  }

  /** Back to the list, at its newest page, with the focus on its tab. */
  async backToList(button) {
    const history = button.closest(".hd-history");
    this.one = null;
    await this.redraw({ reload: true });
    history?.querySelector('[role="tab"][aria-selected="true"]')?.focus();
  }

  async load(pageSize) {
    this.list = await this.desk.popups.history(this.page, pageSize);
  }

  view() {
    if (this.list === "unavailable") return h("p", { class: "hd-empty" }, t("popups_unavailable"));
    if (!this.list) return h("p", { class: "hd-muted" }, t("loading"));
    if (!this.list.items.length) return h("p", { class: "hd-empty" }, t("popups_none"));
    return [
      this.error ? h("p", { class: "hd-error", role: "alert" }, this.error) : null,
      h(
        "ul",
        { class: "hd-popup-list" },
        this.list.items.map((popup) => this.item(popup)),
      ),
      pager(this.list, (page) => {
        this.page = page;
        this.redraw({ reload: true });
      }),
    ];
  }

  item(popup) {
    const open = this.opened.has(popup.number);
    const bodyId = `hd-popup-body-${popup.number}`;
    return h(
      "li",
      { class: popup.deleted ? "hd-popup-item hd-deleted" : "hd-popup-item", dataset: { number: String(popup.number) } },
      h(
        "div",
        { class: "hd-popup-head" },
        h("span", { class: "hd-popup-kind" }, popupHeading(popup)),
        h("span", { class: "hd-badge" }, popupState(popup)),
      ),
      h("strong", { class: "hd-popup-title" }, popup.title),
      open ? h("p", { class: "hd-popup-body", id: bodyId }, popup.body) : null,
      h(
        "div",
        { class: "hd-popup-meta" },
        h("span", { class: "hd-muted" }, formatDateTime(popup.created_at)),
        popup.ticket_number
          ? h(
              "button",
              { type: "button", class: "hd-link-button", onclick: () => this.openTicket(popup.ticket_number) },
              t("popup_for_ticket", { number: popup.ticket_number }),
            )
          : null,
        h(
          "button",
          {
            type: "button",
            class: "hd-button hd-secondary hd-small hd-popup-preview",
            "aria-expanded": String(open),
            "aria-controls": open ? bodyId : false,
            onclick: (event) => this.toggle(popup, event.currentTarget),
          },
          t("preview"),
        ),
      ),
    );
  }

  /** Preview: the text opens (or closes again), and an unread pop-up becomes read. */
  async toggle(popup, button) {
    this.error = null;
    if (this.opened.has(popup.number)) {
      this.opened.delete(popup.number);
    } else {
      this.opened.add(popup.number);
      if (!popup.read) {
        try {
          Object.assign(popup, await this.desk.api.post(`/api/v1/popups/${popup.number}/read`));
        } catch (error) {
          this.error = this.desk.describe(error);
        }
        this.desk.popups.refreshCount();
      }
    }
    const list = button.closest(".hd-history");
    this.redraw({ reload: false });
    list?.querySelector(`.hd-popup-item[data-number="${popup.number}"] .hd-popup-preview`)?.focus();
  }
}

function popupState(popup) {
  if (popup.deleted) return t("popup_deleted");
  if (popup.snoozed_until && new Date(popup.snoozed_until) > new Date()) {
    return t("popup_snoozed", { when: formatDateTime(popup.snoozed_until) });
  }
  if (popup.read) return t("popup_read");
  return popup.seen ? t("popup_closed") : t("popup_new");
}
