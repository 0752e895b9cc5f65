// Pop-ups: a modal in the middle of the window for each answer or announcement from
// support, fed by the stream socket, queued when several wait, caught up after a reconnect.
import { ApiError } from "../lib/api.js";
import { h, fill } from "../lib/dom.js";
import { formatDateTime, lang, t } from "../lib/i18n.js";

const SNOOZE_CHOICES = [
  [15, "minutes_15"],
  [60, "hour_1"],
  [240, "hours_4"],
  [24 * 60, "tomorrow"],
];
// Reconnect quickly after a blip, then back off so a gateway that is down for a while is
// not hammered by every open tab at once; jitter spreads the tabs out.
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
// While the pop-ups API is not deployed on this gateway, look again now and then.
const UNAVAILABLE_RECHECK_MS = 5 * 60_000;
// Close codes of a refused token: reconnecting with the same token cannot help.
const REFUSED = new Set([4401, 4403]);

export class PopupCenter {
  constructor(desk) {
    this.desk = desk;
    this.queue = [];
    // Closed with Escape or ×: not shown again on this page until support reminds again.
    this.dismissed = new Set();
    this.available = null;
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    this.snoozeOpen = false;
    this.previousFocus = null;
    this.node = h("div", { class: "hd-root hd-popup-layer", hidden: true });
    document.body.append(this.node);
    this.onOnline = () => this.reconnectNow();
    window.addEventListener("online", this.onOnline);
  }

  async start() {
    await this.sync();
    if (this.available) this.connect();
    else if (this.available === false) this.later(() => this.start(), UNAVAILABLE_RECHECK_MS);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    window.removeEventListener("online", this.onOnline);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.node.remove();
  }

  later(fn, ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => !this.stopped && fn(), ms);
  }

  /** The pop-ups to show now, from the server: what a closed or offline page missed. */
  async sync() {
    try {
      const items = await this.desk.api.get("/api/v1/popups", { state: "active" });
      this.available = true;
      this.queue = listOf(items).filter((popup) => showable(popup) && !this.dismissed.has(popup.number));
      this.queue.sort((a, b) => new Date(a.created_at) - new Date(b.created_at));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) this.available = false;
      // Any other failure (network, 503) leaves the queue as it is; the next reconnect asks again.
    }
    this.render();
  }

  /** Every pop-up of this user, deleted ones included, for the history; or "unavailable". */
  async history() {
    try {
      return listOf(await this.desk.api.get("/api/v1/popups", { state: "all" }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return "unavailable";
      throw error;
    }
  }

  connect() {
    if (this.stopped || this.socket) return;
    const socket = new WebSocket(this.desk.api.socketUrl("/api/v1/stream"));
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.sync();
    };
    socket.onmessage = (message) => {
      try {
        this.receive(JSON.parse(message.data));
      } catch {
        // A frame this client does not understand (a newer server) is skipped.
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped || REFUSED.has(event.code)) return;
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
      this.attempt += 1;
      this.later(() => this.connect(), delay / 2 + Math.random() * (delay / 2));
    };
  }

  reconnectNow() {
    if (this.stopped || this.socket || !this.available) return;
    this.attempt = 0;
    this.later(() => this.connect(), 0);
  }

  receive({ type, data }) {
    if (!data) return;
    if (type === "popup.created" || type === "popup.reminded") {
      this.dismissed.delete(data.number);
      if (showable(data) && !this.queue.some((popup) => popup.number === data.number)) {
        this.queue.push(data);
        this.render();
      }
    } else if (type === "popup.read" || type === "popup.deleted" || type === "popup.snoozed") {
      // Handled in another tab or device: it leaves this screen too.
      this.drop(data.number);
    } else if (type === "ticket.updated" || type === "reply.posted") {
      const number = data.ticket_number || data.number;
      if (number) this.desk.sections.history?.onTicketChanged(number);
    }
  }

  drop(number) {
    const before = this.queue.length;
    this.queue = this.queue.filter((popup) => popup.number !== number);
    if (this.queue.length !== before) this.render();
  }

  current() {
    return this.queue[0];
  }

  async act(request) {
    const popup = this.current();
    this.drop(popup.number);
    try {
      await request(popup);
    } catch (error) {
      // The pop-up comes back, so the user can try again; say why it did.
      this.queue.unshift(popup);
      this.error = this.desk.describe(error);
      this.render();
      return null;
    }
    this.desk.sections.history?.invalidate();
    return popup;
  }

  snooze(minutes) {
    return this.act((popup) => this.desk.api.post(`/api/v1/popups/${popup.number}/snooze`, { minutes }));
  }

  async preview() {
    const popup = await this.act((popup) => this.desk.api.post(`/api/v1/popups/${popup.number}/read`));
    if (!popup) return;
    this.desk.open("history", popup.ticket_number ? { ticket: popup.ticket_number } : { popups: true });
  }

  remove() {
    return this.act((popup) => this.desk.api.request("DELETE", `/api/v1/popups/${popup.number}`));
  }

  dismiss() {
    const popup = this.current();
    this.dismissed.add(popup.number);
    this.drop(popup.number);
  }

  render() {
    const popup = this.current();
    if (!popup) {
      this.hide();
      return;
    }
    if (this.node.hidden) this.previousFocus = document.activeElement;
    if (this.shownNumber !== popup.number) {
      this.snoozeOpen = false;
      this.error = null;
    }
    // A sync or a push that changes nothing on screen must not rebuild the dialog under
    // the user's pointer (or move their focus).
    const view = [popup.number, this.queue.length, this.snoozeOpen, this.error, lang()].join("|");
    if (!this.node.hidden && view === this.shownView) return;
    this.shownNumber = popup.number;
    this.shownView = view;
    fill(this.node, h("div", { class: "hd-backdrop" }), this.dialog(popup));
    this.node.hidden = false;
    this.node.querySelector(".hd-popup-actions .hd-primary, .hd-snooze-choices button")?.focus();
  }

  hide() {
    if (this.node.hidden) return;
    this.node.hidden = true;
    this.shownNumber = null;
    this.shownView = null;
    fill(this.node);
    if (this.previousFocus?.isConnected) this.previousFocus.focus();
  }

  dialog(popup) {
    const waiting = this.queue.length - 1;
    return h(
      "div",
      {
        class: "hd-popup",
        role: "alertdialog",
        "aria-modal": "true",
        "aria-labelledby": "hd-popup-title",
        "aria-describedby": "hd-popup-body",
        dataset: { number: String(popup.number) },
        onkeydown: (event) => this.keydown(event),
      },
      h(
        "div",
        { class: "hd-popup-top" },
        h("span", { class: "hd-popup-number" }, t("popup_label", { number: popup.number })),
        waiting > 0 ? h("span", { class: "hd-badge hd-waiting" }, t("more_waiting", { n: waiting })) : null,
        h("button", { type: "button", class: "hd-icon-button", "aria-label": t("close"), onclick: () => this.dismiss() }, "×"),
      ),
      h("h2", { id: "hd-popup-title" }, popup.title),
      popup.ticket_number ? h("p", { class: "hd-muted" }, t("popup_for_ticket", { number: popup.ticket_number })) : null,
      h("div", { class: "hd-popup-text", id: "hd-popup-body" }, popup.body),
      h("p", { class: "hd-muted hd-popup-when" }, formatDateTime(popup.created_at)),
      this.error ? h("p", { class: "hd-error", role: "alert" }, this.error) : null,
      this.snoozeOpen ? this.snoozeChoices() : null,
      h(
        "div",
        { class: "hd-popup-actions" },
        h(
          "button",
          {
            type: "button",
            class: "hd-button hd-secondary hd-remind",
            "aria-expanded": String(this.snoozeOpen),
            onclick: () => {
              this.snoozeOpen = !this.snoozeOpen;
              this.render();
            },
          },
          t("remind_later"),
        ),
        h("button", { type: "button", class: "hd-button hd-primary hd-popup-preview", onclick: () => this.preview() }, t("preview")),
        h("button", { type: "button", class: "hd-button hd-danger hd-popup-delete", onclick: () => this.remove() }, t("delete")),
      ),
    );
  }

  snoozeChoices() {
    return h(
      "div",
      { class: "hd-snooze-choices", role: "group", "aria-label": t("remind_in") },
      h("span", {}, t("remind_in")),
      SNOOZE_CHOICES.map(([minutes, label]) =>
        h("button", { type: "button", class: "hd-chip", dataset: { minutes: String(minutes) }, onclick: () => this.snooze(minutes) }, t(label)),
      ),
    );
  }

  /** Escape closes; Tab stays inside the dialog while it is open (it is modal). */
  keydown(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      if (this.snoozeOpen) {
        this.snoozeOpen = false;
        this.render();
      } else {
        this.dismiss();
      }
      return;
    }
    if (event.key !== "Tab") return;
    const focusable = [...this.node.querySelectorAll("button, [href], input, textarea, select")];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }
}

function listOf(body) {
  return Array.isArray(body) ? body : body?.items || [];
}

function showable(popup) {
  if (popup.deleted) return false;
  return !popup.snoozed_until || new Date(popup.snoozed_until) <= new Date();
}
