// Pop-ups: a modal in the middle of the window for each answer or announcement from
// support, fed by the stream socket, queued when several wait, caught up after a reconnect.
// A pop-up never turns keys meant for something else into an action: it is announced, and
// takes the focus only when nothing else has it and no key was pressed a moment ago, or when
// the user presses F2 or clicks it.
import { ApiError } from "../lib/api.js";
import { debounce, h, fill, nothingFocused } from "../lib/dom.js";
import { formatDateTime, lang, t } from "../lib/i18n.js";
import { LiveSocket } from "../lib/live.js";
import { ticketRating } from "../lib/rating.js";

const SNOOZE_CHOICES = [
  [15, "minutes_15"],
  [60, "hour_1"],
  [240, "hours_4"],
  [24 * 60, "tomorrow"],
];
// While the pop-ups API is not deployed on this gateway, look again now and then.
const UNAVAILABLE_RECHECK_MS = 5 * 60_000;
// The server's largest page: the client goes through every page, so none is left out.
const PAGE_SIZE = 100;
// A key pressed this recently (on the page itself) means the user is at work: a pop-up waits.
const TYPING_PAUSE_MS = 1500;
const IDLE_CHECK_MS = 400;
// The documented key that takes the focus to a pop-up waiting on screen.
export const POPUP_FOCUS_KEY = "F2";
// Several pop-up events at once (another tab acted) make one count request.
const COUNT_DELAY_MS = 300;
// An announcement to an account or to everyone reaches many pages at once: each reads its
// pop-ups at a moment of its own within this time, not all of them in the same instant.
const ANNOUNCEMENT_SPREAD_MS = 2000;

export class PopupCenter {
  constructor(desk) {
    this.desk = desk;
    this.queue = [];
    // While a sync's list is in flight: what the socket told meanwhile (see sync()).
    this.syncing = null;
    // Closed with Escape or ×: not shown again on this page until support reminds again.
    this.dismissed = new Set();
    this.available = null;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
    this.snoozeOpen = false;
    // After Preview the user reads that pop-up in the Help menu: the next ones wait until
    // the menu closes, or the first would cover the very text asked for.
    this.reading = false;
    this.previousFocus = null;
    this.node = h("div", { class: "hd-root hd-popup-layer", hidden: true });
    // Heard by screen readers whether or not the focus moves to the pop-up.
    this.announcer = h("div", { class: "hd-visually-hidden hd-popup-announcer", "aria-live": "assertive" });
    this.live = h("div", { class: "hd-root" }, this.announcer);
    document.body.append(this.node, this.live);
    this.lastKeyAt = 0;
    this.idleTimer = null;
    this.onKey = (event) => this.watchKeys(event);
    document.addEventListener("keydown", this.onKey, true);
    this.refreshCount = debounce(() => this.countUnread(), COUNT_DELAY_MS);
  }

  async start() {
    await this.sync();
    if (this.stopped) return;
    if (this.available) {
      // The stream; at every reconnection, what the page missed meanwhile.
      this.socket ||= new LiveSocket(this.desk.api.socketUrl("/api/v1/stream"), (frame) => this.receive(frame), {
        onOpen: () => this.sync(),
      });
    } else if (this.available === false) {
      this.timer = setTimeout(() => this.start(), UNAVAILABLE_RECHECK_MS);
    }
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.idleTimer);
    document.removeEventListener("keydown", this.onKey, true);
    this.socket?.close();
    this.node.remove();
    this.live.remove();
    this.desk.setUnread(0);
  }

  /** The pop-ups to show now, from the server: what a closed or offline page missed.
   * The list may have been read before a pop-up that arrives on the socket meanwhile (or
   * after one left): what the socket told during the request stands over the list. */
  async sync() {
    const during = { arrived: new Map(), left: new Set() };
    this.syncing = during;
    try {
      const items = await this.everyActive();
      this.available = true;
      const listed = new Set(items.map((popup) => popup.number));
      const queue = [...items, ...[...during.arrived.values()].filter((popup) => !listed.has(popup.number))];
      this.queue = queue.filter(
        (popup) => showable(popup) && !this.dismissed.has(popup.number) && !during.left.has(popup.number),
      );
      this.queue.sort((a, b) => new Date(a.created_at) - new Date(b.created_at));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) this.available = false;
      // Any other failure (network, 503) leaves the queue as it is; the next reconnect asks again.
    } finally {
      if (this.syncing === during) this.syncing = null;
    }
    this.render();
  }

  /** Every page of the active list: however many wait, each one pops up. */
  async everyActive() {
    const items = [];
    for (let page = 1; ; page += 1) {
      const body = await this.desk.api.get("/api/v1/popups", { state: "active", page, page_size: PAGE_SIZE });
      items.push(...body.items);
      this.desk.setUnread(body.unread);
      if (!body.items.length || (body.total_exact !== false && page * PAGE_SIZE >= body.total)) return items;
    }
  }

  /** One page of this user's pop-ups, deleted ones included, for the history; or "unavailable". */
  async history(page, pageSize) {
    try {
      const body = await this.desk.api.get("/api/v1/popups", { state: "all", page, page_size: pageSize });
      this.desk.setUnread(body.unread);
      return body;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return "unavailable";
      throw error;
    }
  }

  /** The Help button's badge: pop-ups not yet previewed, told by the server. */
  async countUnread() {
    if (this.stopped || !this.available) return;
    try {
      const body = await this.desk.api.get("/api/v1/popups", { state: "active", page_size: 1 });
      this.desk.setUnread(body.unread);
    } catch {
      // The badge keeps its last known number; the next event or sync corrects it.
    }
  }

  receive({ type, data }) {
    if (!data) return;
    if (type === "popup.created" || type === "popup.reminded") {
      this.dismissed.delete(data.number);
      this.syncing?.arrived.set(data.number, data);
      this.syncing?.left.delete(data.number);
      if (showable(data) && !this.queue.some((popup) => popup.number === data.number)) {
        this.queue.push(data);
        this.render();
        this.desk.alerts?.arrived(data, type);
      }
      this.refreshCount();
    } else if (type === "announcement.published") {
      // It becomes this user's pop-up when their pop-ups are read: the count request reads
      // them, and the pop-up comes back as popup.created, number and all, to every tab.
      const spread = data.user_id ? 0 : Math.random() * ANNOUNCEMENT_SPREAD_MS;
      setTimeout(() => this.refreshCount(), spread);
    } else if (type.startsWith("popup.")) {
      // Read, closed, snoozed or deleted in another tab or device: it leaves this screen too.
      this.drop(data.number);
      this.refreshCount();
    } else if (type === "ticket.updated" || type === "reply.posted") {
      const number = data.ticket_number || data.number;
      if (number) this.desk.sections.history?.onTicketChanged(number);
    }
  }

  /** The user clicked its desktop notification: this pop-up on screen now, or, handled
   * meanwhile (in another tab), where it is kept. */
  bringUp(popup) {
    const waiting = this.queue.find((queued) => queued.number === popup.number);
    if (!waiting) {
      this.desk.open("history", popup.ticket_number ? { ticket: popup.ticket_number } : { popup });
      return;
    }
    this.queue = [waiting, ...this.queue.filter((queued) => queued !== waiting)];
    this.reading = false;
    this.render();
    this.focusDialog();
  }

  drop(number) {
    this.syncing?.arrived.delete(number);
    this.syncing?.left.add(number);
    const before = this.queue.length;
    this.queue = this.queue.filter((popup) => popup.number !== number);
    if (this.queue.length !== before) this.render();
  }

  current() {
    return this.queue[0];
  }

  /** Do `request` to the pop-up on screen; the server's answer, or null if it failed. */
  async act(request) {
    const popup = this.current();
    this.drop(popup.number);
    let answer;
    try {
      answer = await request(popup);
    } catch (error) {
      // The pop-up comes back, so the user can try again; say why it did.
      this.syncing?.left.delete(popup.number);
      this.syncing?.arrived.set(popup.number, popup);
      this.queue.unshift(popup);
      this.error = this.desk.describe(error);
      this.render();
      return null;
    }
    this.desk.sections.history?.invalidate();
    this.refreshCount();
    return answer;
  }

  snooze(minutes) {
    return this.act((popup) => this.desk.api.post(`/api/v1/popups/${popup.number}/snooze`, { minutes }));
  }

  async preview() {
    this.reading = true;
    const popup = await this.act((popup) => this.desk.api.post(`/api/v1/popups/${popup.number}/read`));
    if (!popup) {
      // Not read: it is back on screen with the reason.
      this.resume();
      return;
    }
    // The pop-up itself goes to history, not its number: the queue starts with the oldest
    // and history's pages with the newest, so an old one's page is not known here.
    this.desk.open("history", popup.ticket_number ? { ticket: popup.ticket_number } : { popup });
  }

  /** The Help menu has closed: the pop-ups that waited meanwhile show. */
  resume() {
    if (!this.reading) return;
    this.reading = false;
    this.render();
  }

  remove() {
    return this.act((popup) => this.desk.api.request("DELETE", `/api/v1/popups/${popup.number}`));
  }

  /** Closed with × or Escape: it pops up no more (until a reminder), and stays unread. */
  dismiss() {
    const popup = this.current();
    this.dismissed.add(popup.number);
    this.drop(popup.number);
    this.desk.api.post(`/api/v1/popups/${popup.number}/seen`).catch(() => {
      // Not told to the server (offline): it stays closed on this page, and may pop up
      // again at the next page load, which is better than a close that does not close.
    });
    this.desk.sections.history?.invalidate();
  }

  render() {
    const popup = this.reading ? null : this.current();
    if (!popup) {
      this.hide();
      return;
    }
    const appearing = this.node.hidden;
    if (appearing) this.previousFocus = document.activeElement;
    const arriving = this.shownNumber !== popup.number;
    if (arriving) {
      this.snoozeOpen = false;
      this.error = null;
    }
    // A sync or a push that changes nothing on screen must not rebuild the dialog under
    // the user's pointer (or move their focus).
    const view = [popup.number, this.queue.length, this.snoozeOpen, this.error, lang()].join("|");
    if (!appearing && view === this.shownView) return;
    // Inside the dialog, the focus stays on the same button across a rebuild, so a key
    // pressed meanwhile does what the user aimed at.
    const focusedAction = this.node.contains(document.activeElement) ? document.activeElement.dataset.action : null;
    this.shownNumber = popup.number;
    this.shownView = view;
    fill(this.node, h("div", { class: "hd-backdrop" }), this.dialog(popup));
    this.node.hidden = false;
    const sameButton = focusedAction && !arriving && this.node.querySelector(`[data-action="${focusedAction}"]`);
    if (sameButton) {
      sameButton.focus();
    } else if (focusedAction) {
      this.focusDialog();
    } else if (arriving) {
      this.arrive(popup);
    }
  }

  /** A new pop-up on screen: the focus goes to it only if nothing else has it. */
  arrive(popup) {
    this.announcer.textContent = t("popup_arrived", { kind: kindOf(popup), title: popup.title, key: POPUP_FOCUS_KEY });
    clearInterval(this.idleTimer);
    if (!this.busy()) {
      this.focusDialog();
      return;
    }
    // Focus on a control (a field, a checkbox, a button, an iframe's editor, whose keys this
    // page never hears) stays there until the user chooses (F2 or a click); someone pressing
    // keys with nothing focused (scrolling) gets the pop-up once they pause.
    this.idleTimer = setInterval(() => {
      if (this.node.hidden || this.node.contains(document.activeElement)) {
        clearInterval(this.idleTimer);
      } else if (!this.busy()) {
        clearInterval(this.idleTimer);
        this.focusDialog();
      }
    }, IDLE_CHECK_MS);
  }

  busy() {
    return !nothingFocused() || Date.now() - this.lastKeyAt < TYPING_PAUSE_MS;
  }

  focusDialog() {
    this.node.querySelector(".hd-snooze-choices button, .hd-popup-actions .hd-primary")?.focus();
  }

  watchKeys(event) {
    if (event.key === POPUP_FOCUS_KEY && !this.node.hidden && !this.node.contains(document.activeElement)) {
      event.preventDefault();
      this.focusDialog();
      return;
    }
    this.lastKeyAt = Date.now();
  }

  hide() {
    if (this.node.hidden) return;
    // The focus goes back only from the dialog: someone still typing elsewhere keeps it.
    const hadFocus = this.node.contains(document.activeElement);
    clearInterval(this.idleTimer);
    this.node.hidden = true;
    this.shownNumber = null;
    this.shownView = null;
    fill(this.node);
    if (hadFocus && this.previousFocus?.isConnected) this.previousFocus.focus();
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
        h("span", { class: "hd-popup-kind" }, popupHeading(popup)),
        waiting > 0 ? h("span", { class: "hd-badge hd-waiting" }, t("more_waiting", { n: waiting })) : null,
        h(
          "button",
          { type: "button", class: "hd-icon-button", "aria-label": t("close"), dataset: { action: "close" }, onclick: () => this.dismiss() },
          "×",
        ),
      ),
      h("h2", { id: "hd-popup-title" }, popup.title),
      popup.ticket_number ? h("p", { class: "hd-muted" }, t("popup_for_ticket", { number: popup.ticket_number })) : null,
      h("div", { class: "hd-popup-text", id: "hd-popup-body" }, popup.body),
      h("p", { class: "hd-muted hd-popup-when" }, formatDateTime(popup.created_at)),
      this.ratingFor(popup),
      this.error ? h("p", { class: "hd-error", role: "alert" }, this.error) : null,
      this.snoozeOpen ? this.snoozeChoices() : null,
      h("p", { class: "hd-muted hd-popup-keys" }, t("popup_keys", { key: POPUP_FOCUS_KEY })),
      h(
        "div",
        { class: "hd-popup-actions" },
        h(
          "button",
          {
            type: "button",
            class: "hd-button hd-secondary hd-remind",
            "aria-expanded": String(this.snoozeOpen),
            dataset: { action: "remind" },
            onclick: () => {
              this.snoozeOpen = !this.snoozeOpen;
              this.render();
              // Opened, the choices take the focus: the next Enter picks a time.
              if (this.snoozeOpen) this.focusDialog();
            },
          },
          t("remind_later"),
        ),
        h(
          "button",
          { type: "button", class: "hd-button hd-primary hd-popup-preview", dataset: { action: "preview" }, onclick: () => this.preview() },
          t("preview"),
        ),
        h(
          "button",
          { type: "button", class: "hd-button hd-danger hd-popup-delete", dataset: { action: "delete" }, onclick: () => this.remove() },
          t("delete"),
        ),
      ),
    );
  }

  /** The pop-up of a resolved ticket asks for a rating while that resolution can be rated.
   * One form per pop-up on screen, kept across re-renders so stars and comment stay. */
  ratingFor(popup) {
    if (popup.ticket_status !== "resolved" || !popup.ticket_number) return null;
    if (this.rating?.number !== popup.number) {
      this.rating = { number: popup.number, node: ticketRating(this.desk.api, popup.ticket_number) };
    }
    return this.rating.node;
  }

  snoozeChoices() {
    return h(
      "div",
      { class: "hd-snooze-choices", role: "group", "aria-label": t("remind_in") },
      h("span", {}, t("remind_in")),
      SNOOZE_CHOICES.map(([minutes, label]) =>
        h(
          "button",
          { type: "button", class: "hd-chip", dataset: { minutes: String(minutes), action: `snooze-${minutes}` }, onclick: () => this.snooze(minutes) },
          t(label),
        ),
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
        this.node.querySelector('[data-action="remind"]')?.focus();
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

/** Support's answer in a ticket, or a message of its own (an announcement). */
export function kindOf(popup) {
  return popup.ticket_number ? t("popup_kind_answer") : t("popup_kind_message");
}

export function popupHeading(popup) {
  return t("popup_heading", { kind: kindOf(popup), number: popup.number });
}

/** No control has the focus: a key now would only scroll the page. Any focused element counts
 * (Space and Enter act on checkboxes and buttons too), an iframe's above all: its keys never
 * reach this page, so its typing could not be told apart from a pause. */

function showable(popup) {
  if (popup.deleted) return false;
  return !popup.snoozed_until || new Date(popup.snoozed_until) <= new Date();
}
