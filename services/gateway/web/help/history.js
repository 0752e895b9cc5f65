// Ticket history ("Historia powiadomień"): the account's tickets with filters and pages,
// a ticket's preview with its messages and a reply box, and support's messages (pop-ups).
import { h, fill, labelled } from "../lib/dom.js";
import { STATUSES, errorText, formatDateTime, t } from "../lib/i18n.js";
import { LatestOnly, STALE } from "../lib/latest.js";
import { pager } from "../lib/pager.js";
import { ReplyDraft } from "../lib/reply.js";
import { ticketRating } from "../lib/rating.js";
import { thread } from "../lib/thread.js";
import { EmailCopiesSwitch } from "./email-copies.js";
import { PopupHistory } from "./popup-history.js";

const PAGE_SIZE = 10;
// The server's bound on a search (SEARCH_MAX).
const SEARCH_MAX = 200;
const NO_FILTERS = { q: "", date: "", subject: "", status: "" };
// What the server counts as a word (Python's \w): punctuation alone is no search.
const A_WORD = /[\p{L}\p{N}_]/u;

export function statusBadge(status) {
  return h("span", { class: `hd-badge hd-status-${status}` }, t(`status_${status}`));
}

export class HistorySection {
  constructor(desk) {
    this.desk = desk;
    this.root = h("div", { class: "hd-section hd-history" });
    this.tab = "tickets";
    this.filters = { ...NO_FILTERS };
    this.page = 1;
    this.list = null;
    this.loads = new LatestOnly();
    this.subjects = [];
    this.popups = new PopupHistory(desk, {
      openTicket: (number) => this.openTicket(number),
      redraw: ({ reload }) => (reload ? this.reload() : this.render()),
    });
    this.emailCopies = new EmailCopiesSwitch(desk);
    this.ticket = null;
    this.error = null;
    this.stale = true;
  }

  /** {ticket: number} opens a preview; {popup} that pop-up's text among support's messages. */
  enter(argument) {
    if (argument.ticket) {
      this.openTicket(argument.ticket);
    } else if (argument.popup) {
      this.tab = "popups";
      this.popups.reveal(argument.popup);
      this.ticket = null;
      this.stale = true;
      // Drawn now, so the panel puts the focus on its title as it opens.
      this.render();
    }
  }

  /** One ticket or one pop-up on screen, not a list: a refresh would redraw it under the user. */
  showsOne() {
    return Boolean(this.ticket || this.popups.one);
  }

  invalidate() {
    this.stale = true;
  }

  shown() {
    if (this.stale && !this.showsOne()) this.reload();
    this.emailCopies.load();
  }

  /** A pushed change (a reply, a new status): refresh what is on screen. */
  onTicketChanged(number) {
    this.stale = true;
    const visible = this.desk.isOpen() && this.desk.current === "history";
    if (this.ticket?.number === number) this.openTicket(number, { keepFocus: true });
    else if (visible && !this.showsOne()) this.reload();
  }

  async reload() {
    this.stale = false;
    this.error = null;
    try {
      if (this.tab === "tickets") {
        const answers = await this.loads.run(() =>
          Promise.all([
            this.desk.api.get("/api/v1/tickets", { ...this.filters, page: this.page, page_size: PAGE_SIZE }),
            this.desk.api.get("/api/v1/tickets/subjects"),
          ]),
        );
        if (answers === STALE) return;
        const [list, subjects] = answers;
        this.list = list;
        this.subjects = subjects;
      } else {
        await this.popups.load(PAGE_SIZE);
      }
    } catch (error) {
      this.error = this.desk.describe(error);
    }
    this.render();
  }

  async openTicket(number, { keepFocus = false } = {}) {
    try {
      this.ticket = await this.desk.api.get(`/api/v1/tickets/${encodeURIComponent(number)}`);
      this.error = null;
    } catch (error) {
      this.error = this.desk.describe(error);
    }
    // Focus that was in the preview (or fell to the page when its button went away) must
    // survive a redraw, or a keyboard user is left outside the panel, Escape and all.
    const focusHere = this.root.contains(document.activeElement) || document.activeElement === document.body;
    this.render();
    if (!keepFocus) {
      this.root.querySelector(".hd-preview h3")?.focus();
    } else if (focusHere && this.desk.isOpen() && this.desk.current === "history") {
      this.root.querySelector(".hd-reply textarea, .hd-preview h3")?.focus();
    }
  }

  render() {
    if (this.ticket) {
      fill(this.root, this.preview.render(this));
      return;
    }
    if (this.popups.one) {
      fill(this.root, this.popups.single());
      return;
    }
    fill(
      this.root,
      h(
        "div",
        { class: "hd-subtabs", role: "tablist" },
        ["tickets", "popups"].map((tab) =>
          h(
            "button",
            {
              type: "button",
              role: "tab",
              class: "hd-subtab",
              "aria-selected": String(this.tab === tab),
              "data-autofocus": this.tab === tab,
              dataset: { tab },
              onclick: () => {
                this.tab = tab;
                this.reload();
              },
            },
            t(`${tab}_tab`),
          ),
        ),
      ),
      this.error ? h("p", { class: "hd-error", role: "alert" }, this.error) : null,
      this.tab === "tickets" ? [this.filterForm(), this.table()] : this.popups.view(),
      this.emailCopies.root,
    );
    this.emailCopies.render();
  }

  get preview() {
    this._preview ||= new TicketPreview(this.desk);
    return this._preview;
  }

  filterForm() {
    const text = h("input", {
      type: "search",
      name: "q",
      class: "hd-search-text",
      maxlength: SEARCH_MAX,
      placeholder: t("search_text_placeholder"),
      value: this.refusedText ?? this.filters.q,
    });
    const date = h("input", { type: "date", name: "date", value: this.filters.date });
    const subject = h(
      "select",
      { name: "subject" },
      h("option", { value: "" }, t("all")),
      this.subjects.map((value) => h("option", { value, selected: value === this.filters.subject }, value)),
    );
    const status = h(
      "select",
      { name: "status" },
      h("option", { value: "" }, t("all")),
      STATUSES.map((value) => h("option", { value, selected: value === this.filters.status }, t(`status_${value}`))),
    );
    return h(
      "form",
      {
        class: "hd-filters",
        onsubmit: (event) => {
          event.preventDefault();
          const q = text.value.trim();
          if (q && !A_WORD.test(q)) {
            // Said here rather than by a refused request: the server would say the same.
            this.error = errorText("search_query_invalid");
            // The text stays in the field to be corrected.
            this.refusedText = q;
            this.render();
            this.refusedText = null;
            this.root.querySelector(".hd-search-text")?.focus();
            return;
          }
          this.filters = { q, date: date.value, subject: subject.value, status: status.value };
          this.page = 1;
          this.reload();
        },
      },
      Object.assign(labelled(t("search_text"), text, t("search_text_hint")), { className: "hd-field hd-search-field" }),
      // "Data" is the manual's name; the note says which date of a ticket it filters by.
      labelled([t("date"), " ", h("small", { class: "hd-label-note" }, t("date_hint"))], date),
      labelled(t("col_subject"), subject),
      labelled(t("status"), status),
      h(
        "div",
        { class: "hd-filter-actions" },
        h("button", { type: "submit", class: "hd-button hd-primary hd-search-button" }, t("search")),
        h(
          "button",
          {
            type: "button",
            class: "hd-button hd-secondary",
            onclick: () => {
              this.filters = { ...NO_FILTERS };
              this.page = 1;
              this.reload();
            },
          },
          t("reset"),
        ),
      ),
    );
  }

  table() {
    if (!this.list) return h("p", { class: "hd-muted" }, t("loading"));
    if (!this.list.items.length) {
      const empty = this.filters.q ? t("no_tickets_with_text", { q: this.filters.q }) : t("no_tickets");
      return h("p", { class: "hd-empty" }, empty);
    }
    return [
      h(
        "div",
        { class: "hd-table-wrap" },
        h(
          "table",
          { class: "hd-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["col_ordinal", "col_number", "col_subject", "col_author", "col_status", "col_updated"].map((key) =>
                h("th", { scope: "col" }, t(key)),
              ),
              h("th", { scope: "col" }, h("span", { class: "hd-visually-hidden" }, t("col_actions"))),
            ),
          ),
          h(
            "tbody",
            {},
            this.list.items.map((row) =>
              h(
                "tr",
                { class: row.unread ? "hd-unread" : "", dataset: { number: row.number } },
                h("td", { class: "hd-ordinal" }, String(row.ordinal)),
                h("td", { class: "hd-number" }, row.number),
                h(
                  "td",
                  { class: "hd-subject" },
                  row.subject,
                  row.unread ? h("span", { class: "hd-new-reply" }, t("unread")) : null,
                ),
                h("td", { class: "hd-author", dataset: { label: t("col_author") } }, row.author?.name || ""),
                h("td", { class: "hd-status", dataset: { label: t("col_status") } }, statusBadge(row.status)),
                h("td", { class: "hd-when", dataset: { label: t("col_updated") } }, formatDateTime(row.updated_at)),
                h(
                  "td",
                  { class: "hd-row-actions" },
                  h(
                    "button",
                    {
                      type: "button",
                      class: "hd-button hd-secondary hd-small hd-preview-button",
                      "aria-label": `${t("preview")}: ${row.number}`,
                      onclick: () => this.openTicket(row.number),
                    },
                    t("preview"),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
      pager(this.list, (page) => {
        this.page = page;
        this.reload();
      }),
    ];
  }
}

/** One ticket: its messages in order, and a reply with one file unless it is closed. */
class TicketPreview {
  constructor(desk) {
    this.desk = desk;
    this.reply = new ReplyDraft(desk.config);
    this.notice = null;
  }

  render(history) {
    const ticket = history.ticket;
    this.history = history;
    if (this.number !== ticket.number) {
      // A draft belongs to the ticket it was written for.
      this.number = ticket.number;
      this.reply.clear();
      this.notice = null;
    }
    this.errorBox = h("div", { "aria-live": "assertive" });
    return h(
      "div",
      { class: "hd-preview" },
      h(
        "button",
        {
          type: "button",
          class: "hd-back",
          onclick: () => {
            history.ticket = null;
            history.reload();
          },
        },
        `← ${t("history")}`,
      ),
      h(
        "div",
        { class: "hd-preview-head" },
        h("h3", { tabindex: "-1" }, t("ticket", { number: ticket.number })),
        statusBadge(ticket.status),
      ),
      h("p", { class: "hd-preview-subject" }, ticket.subject),
      h(
        "p",
        { class: "hd-muted" },
        `${t("importance")}: ${t(`importance_${ticket.importance}`)} · ${t("created")}: ${formatDateTime(ticket.created_at)}`,
      ),
      thread(this.desk.api, ticket.messages, (error) =>
        fill(this.errorBox, h("p", { class: "hd-error" }, this.desk.describe(error))),
      ),
      this.ratingFor(ticket),
      ticket.status === "closed" ? h("p", { class: "hd-note" }, t("ticket_closed")) : this.replyForm(),
    );
  }

  /** A resolved (or then closed) ticket may be rated here too, as from its pop-up; kept
   * across redraws of the same ticket in the same state. */
  ratingFor(ticket) {
    if (!["resolved", "closed"].includes(ticket.status)) return null;
    const key = `${ticket.number}|${ticket.updated_at}`;
    if (this.rating?.key !== key) this.rating = { key, node: ticketRating(this.desk.api, ticket.number) };
    return this.rating.node;
  }

  replyForm() {
    const submit = h("button", { type: "submit", class: "hd-button hd-primary" }, t("send_reply"));
    return this.reply.form({
      className: "hd-form hd-reply",
      label: t("reply"),
      placeholder: t("reply_placeholder"),
      submit,
      extras: [
        this.errorBox,
        this.notice ? h("p", { class: "hd-success", role: "status" }, this.notice) : null,
      ],
      // "Reply sent" is about the last reply: it goes once the next one is begun.
      onInput: () => (this.notice = null),
      onSend: async () => {
        submit.textContent = t("sending");
        await this.send();
      },
    });
  }

  async send() {
    const number = this.history.ticket.number;
    try {
      await this.reply.send(this.desk.api, `/api/v1/tickets/${encodeURIComponent(number)}/replies`);
    } catch (error) {
      this.notice = null;
      this.history.render();
      fill(this.errorBox, h("p", { class: "hd-error", role: "alert" }, this.desk.describe(error)));
      return;
    }
    this.notice = t("reply_sent");
    this.history.stale = true;
    await this.history.openTicket(number, { keepFocus: true });
  }
}
