// The agents' ticket queue (soonest SLA first; views by assignee, filters, a search of
// subjects and messages) and the open ticket: its messages, a reply with one file (a
// canned reply picked in), a new status, a re-assigned subject, its assignee, importance
// and tags, and support's internal notes.
import { refusal } from "../lib/api.js";
import { debounce, h, fill, labelled } from "../lib/dom.js";
import { IMPORTANCES, STATUSES, formatDateTime, formatRelative, t } from "../lib/i18n.js";
import { LatestOnly, STALE } from "../lib/latest.js";
import { pager } from "../lib/pager.js";
import { starsText } from "../lib/rating.js";
import { ReplyDraft } from "../lib/reply.js";
import { thread } from "../lib/thread.js";
import { statusBadge } from "../help/history.js";
import { agentOptions, assigneeName, tagLabels, tagSuggestions, triageForms } from "./triage.js";
import { CannedPicker } from "./canned.js";
import { TicketNotes } from "./notes.js";

const PAGE_SIZE = 25;
// Pushes come in bursts (a reply also updates the ticket): one reload for the burst.
const RELOAD_DELAY_MS = 300;
// The queue's views by assignee.
const VIEWS = ["all", "mine", "unassigned"];

export class TicketQueue {
  /** `presence` (console/presence.js) is told which ticket is open and when a reply is typed. */
  constructor(api, config, queueRoot, ticketRoot, presence = null) {
    this.api = api;
    this.presence = presence;
    this.queueRoot = queueRoot;
    this.ticketRoot = ticketRoot;
    this.filters = { view: "all", status: "", importance: "", account_id: "", assignee_id: "", tag: "", created_from: "", created_to: "", q: "" };
    // The agents seen (whom a ticket can be assigned to) and the caller's own id.
    this.directory = { items: [], me: null };
    this.page = 1;
    this.list = null;
    this.ticket = null;
    this.error = null;
    this.draft = new ReplyDraft(config);
    // The status the next reply sets ("" keeps the ticket's own rule).
    this.replyStatus = "";
    this.notice = null;
    this.notes = new TicketNotes(api);
    this.picker = new CannedPicker(api, (text) => this.insertReply(text));
    this.loads = new LatestOnly();
    this.reload = debounce(() => this.load(), RELOAD_DELAY_MS);
    this.render();
  }

  onEvent(frame) {
    // Another agent's note on the open ticket: its notes, not the queue, change.
    if (frame.type === "note.added") {
      if (this.ticket?.number === frame.data?.ticket_number) this.notes.show(this.ticket.number);
      return;
    }
    if (!["ticket.created", "reply.posted", "ticket.updated", "ticket.triaged"].includes(frame.type)) return;
    this.reload();
    const number = frame.data?.number || frame.data?.ticket_number;
    if (this.ticket && number === this.ticket.number) this.open(number, { quiet: true });
  }

  async loadAgents() {
    try {
      this.directory = await this.api.get("/api/v1/agent/agents");
    } catch {
      // Without the list the views and filters still work; assigning waits for the next load.
    }
  }

  async load() {
    if (!this.directory.me) await this.loadAgents();
    try {
      const list = await this.loads.run(() =>
        this.api.get("/api/v1/agent/tickets", { ...this.filters, page: this.page, page_size: PAGE_SIZE }),
      );
      if (list === STALE) return;
      this.list = list;
      this.error = null;
    } catch (error) {
      this.error = refusal(error);
    }
    this.renderQueue();
  }

  async open(number, { quiet = false } = {}) {
    if (this.ticket?.number !== number) {
      this.draft.clear();
      this.replyStatus = "";
      this.notice = null;
      this.picker.forTicket(number);
    }
    this.notes.show(number);
    try {
      [this.ticket] = await Promise.all([this.api.get(`/api/v1/agent/tickets/${encodeURIComponent(number)}`), this.loadAgents()]);
      this.presence?.show(this.ticket.number);
    } catch (error) {
      this.notice = { error: true, text: refusal(error) };
    }
    this.renderQueue();
    this.renderTicket();
    if (!quiet) this.ticketRoot.querySelector("h2")?.focus();
  }

  render() {
    this.notes.render();
    this.picker.render();
    this.renderQueue();
    this.renderTicket();
  }

  /** Put the ticket away: the other agents with it open no longer see this one there. */
  close() {
    this.ticket = null;
    this.draft.clear();
    this.replyStatus = "";
    this.notice = null;
    this.presence?.show(null);
    this.render();
  }

  renderQueue() {
    const control = (name, node) => {
      // Named apart from the announcement's account field: autofill must not cross-fill them.
      node.name = `queue_${name}`;
      node.addEventListener(node.tagName === "INPUT" ? "input" : "change", () => {
        this.filters[name] = node.value;
        // One agent's tickets are a filter of the "all" view.
        if (name === "assignee_id" && node.value) this.filters.view = "all";
        this.page = 1;
        this.reload();
      });
      return node;
    };
    const tag = control("tag", h("input", { type: "text", value: this.filters.tag, autocomplete: "off", maxlength: "30" }));
    const options = (values, prefix) => [
      h("option", { value: "" }, t("all")),
      values.map((value) => h("option", { value, selected: value === this.filters[prefix] }, t(`${prefix}_${value}`))),
    ];
    const filters = h(
      "div",
      { class: "queue-filters" },
      labelled(t("status"), control("status", h("select", {}, options(STATUSES, "status")))),
      labelled(t("importance"), control("importance", h("select", {}, options(IMPORTANCES, "importance")))),
      labelled(t("queue_account_filter"), control("account_id", h("input", { type: "text", value: this.filters.account_id, autocomplete: "off" }))),
      labelled(t("queue_assignee_filter"), control("assignee_id", h("select", {}, h("option", { value: "" }, t("all")), agentOptions(this.directory, this.filters.assignee_id)))),
      h("div", {}, labelled(t("tag"), tag), tagSuggestions(this.api, tag)),
      labelled(t("created_from"), control("created_from", h("input", { type: "date", value: this.filters.created_from }))),
      labelled(t("created_to"), control("created_to", h("input", { type: "date", value: this.filters.created_to }))),
      h("div", { class: "queue-search" }, labelled(t("search"), control("q", h("input", { type: "search", value: this.filters.q, placeholder: t("queue_search_placeholder") })))),
    );
    const focused = this.queueRoot.contains(document.activeElement) && document.activeElement.name;
    fill(
      this.queueRoot,
      h("h2", { id: "queue-title" }, t("queue")),
      h("p", { class: "hd-muted" }, t("queue_hint")),
      this.views(),
      filters,
      this.error ? h("p", { class: "hd-error", role: "alert" }, this.error) : null,
      this.queueList(),
    );
    // Typing in a filter re-renders the pane: keep the caret where the agent types.
    const refocus = focused && this.queueRoot.querySelector(`[name="${focused}"]`);
    if (refocus) {
      refocus.focus();
      if (refocus.type === "text" || refocus.type === "search") refocus.setSelectionRange(refocus.value.length, refocus.value.length);
    }
  }

  /** All, mine, unassigned: one pressed at a time. */
  views() {
    const choose = (view) => {
      this.filters.view = view;
      if (view !== "all") this.filters.assignee_id = "";
      this.page = 1;
      this.renderQueue();
      this.load();
    };
    return h(
      "div",
      { class: "queue-views", role: "group", "aria-label": t("queue_views") },
      VIEWS.map((view) =>
        h(
          "button",
          { type: "button", class: "hd-button hd-secondary hd-small", "aria-pressed": String(this.filters.view === view), dataset: { view }, onclick: () => choose(view) },
          t(`view_${view}`),
        ),
      ),
    );
  }

  queueList() {
    if (!this.list) return h("p", { class: "hd-muted" }, t("loading"));
    if (!this.list.items.length) return h("p", { class: "hd-empty" }, t("no_queue"));
    return [
      h(
        "ul",
        { class: "queue-list" },
        this.list.items.map((row) => {
          const overdue = row.sla_due_at && new Date(row.sla_due_at) < new Date() && !["resolved", "closed"].includes(row.status);
          return h(
            "li",
            {},
            h(
              "button",
              {
                type: "button",
                class: `queue-item${this.ticket?.number === row.number ? " selected" : ""}`,
                "aria-current": this.ticket?.number === row.number ? "true" : false,
                dataset: { number: row.number },
                onclick: () => this.open(row.number),
              },
              h(
                "span",
                { class: "queue-top" },
                h("span", { class: "hd-number" }, row.number),
                h("span", { class: `importance importance-${row.importance}` }, t(`importance_${row.importance}`)),
                statusBadge(row.status),
              ),
              h("span", { class: "queue-subject" }, row.subject),
              h(
                "span",
                { class: "queue-meta" },
                h("span", {}, `${row.author.name} · ${row.account_id}`),
                row.sla_due_at
                  ? h("span", { class: overdue ? "sla overdue" : "sla", title: formatDateTime(row.sla_due_at) }, `${t("sla")} ${overdue ? t("sla_overdue") : formatRelative(row.sla_due_at)}`)
                  : null,
              ),
              h(
                "span",
                { class: "queue-triage" },
                h("span", { class: row.assignee ? "queue-assignee" : "queue-assignee none" }, assigneeName(row.assignee)),
                tagLabels(row.tags),
              ),
            ),
          );
        }),
      ),
      pager(this.list, (page) => {
        this.page = page;
        this.load();
      }),
    ];
  }

  renderTicket() {
    const ticket = this.ticket;
    if (!ticket) {
      fill(this.ticketRoot, h("p", { class: "hd-empty pick" }, t("pick_ticket")));
      return;
    }
    // A pushed change re-renders the ticket while the agent may be writing the reply.
    const focused = this.ticketRoot.contains(document.activeElement) && document.activeElement.name;
    fill(
      this.ticketRoot,
      h(
        "div",
        { class: "hd-preview-head" },
        h("h2", { tabindex: "-1" }, t("ticket", { number: ticket.number })),
        statusBadge(ticket.status),
        h("span", { class: `importance importance-${ticket.importance}` }, t(`importance_${ticket.importance}`)),
        h("button", { type: "button", class: "hd-link-button close-ticket", onclick: () => this.close() }, t("close_ticket")),
      ),
      this.presence?.node,
      h("p", { class: "hd-preview-subject" }, ticket.subject),
      h(
        "p",
        { class: "hd-muted" },
        `${t("author")}: ${ticket.author.name} · ${t("account")}: ${ticket.account_id} · ${t("created")}: ${formatDateTime(ticket.created_at)}`,
        ticket.sla_due_at ? ` · ${t("sla")}: ${formatDateTime(ticket.sla_due_at)}` : "",
      ),
      ratingsView(ticket.ratings || []),
      triageForms(this.api, ticket, this.directory, (change) => this.patch(change)),
      this.changeForms(ticket),
      thread(this.api, ticket.messages, (error) => this.say(true, refusal(error))),
      this.notice ? h("p", { class: this.notice.error ? "hd-error" : "hd-success", role: "status" }, this.notice.text) : null,
      ticket.status === "closed" ? h("p", { class: "hd-note" }, t("ticket_closed")) : this.replyForm(ticket),
      this.notes.root,
    );
    if (focused) this.ticketRoot.querySelector(`[name="${focused}"]`)?.focus();
  }

  changeForms(ticket) {
    const status = h(
      "select",
      { name: "status" },
      STATUSES.map((value) => h("option", { value, selected: value === ticket.status }, t(`status_${value}`))),
    );
    const subject = h("input", { type: "text", name: "subject", value: ticket.subject, maxlength: "200", required: true });
    const change = (field, control) => (event) => {
      event.preventDefault();
      if (!control.value.trim()) return;
      this.patch({ [field]: control.value.trim() });
    };
    return h(
      "div",
      { class: "change-forms" },
      h(
        "form",
        { class: "inline-form status-form", onsubmit: change("status", status) },
        labelled(t("change_status"), status),
        h("button", { type: "submit", class: "hd-button hd-secondary hd-small" }, t("save")),
      ),
      h(
        "form",
        { class: "inline-form subject-form", onsubmit: change("subject", subject) },
        labelled(t("change_subject"), subject),
        h("button", { type: "submit", class: "hd-button hd-secondary hd-small" }, t("save")),
      ),
    );
  }

  async patch(change) {
    try {
      this.ticket = { ...this.ticket, ...(await this.api.request("PATCH", `/api/v1/agent/tickets/${encodeURIComponent(this.ticket.number)}`, { json: change })) };
      this.say(false, t("saved"));
      this.load();
    } catch (error) {
      this.say(true, refusal(error));
    }
  }

  say(error, text) {
    this.notice = { error, text };
    this.renderTicket();
  }

  replyForm(ticket) {
    // "Reply and set status" is one action: one change of the ticket, one pop-up for the user.
    const submitText = () => t(this.replyStatus ? "reply_and_set_status" : "send_reply");
    const submit = h("button", { type: "submit", class: "hd-button hd-primary" }, submitText());
    const status = h(
      "select",
      {
        name: "reply_status",
        onchange: (event) => {
          this.replyStatus = event.target.value;
          submit.textContent = submitText();
        },
      },
      h("option", { value: "" }, t("reply_status_keep")),
      STATUSES.map((value) => h("option", { value, selected: value === this.replyStatus }, t(`status_${value}`))),
    );
    return this.draft.form({
      className: "hd-form hd-reply agent-reply",
      label: t("reply_to_user"),
      hint: t("reply_hint"),
      extras: [this.picker.root, labelled(t("reply_status"), status)],
      onInput: () => this.presence?.typing(),
      submit,
      onSend: () => this.reply(ticket.number),
    });
  }

  /** A canned reply's text, at the caret of the reply being written (or over its selection). */
  insertReply(text) {
    const box = this.ticketRoot.querySelector(".agent-reply textarea[name=message]");
    if (!box) return;
    box.focus();
    box.setRangeText(text, box.selectionStart, box.selectionEnd, "end");
    // The draft keeps what the box holds through its input listener.
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  async reply(number) {
    try {
      const url = `/api/v1/agent/tickets/${encodeURIComponent(number)}/replies`;
      await this.draft.send(this.api, url, { status: this.replyStatus });
      this.replyStatus = "";
    } catch (error) {
      this.say(true, refusal(error));
      return;
    }
    this.notice = { error: false, text: t("reply_sent") };
    await this.open(number, { quiet: true });
    this.load();
  }
}

/** What users said of each resolution of the ticket, the latest first. */
function ratingsView(ratings) {
  if (!ratings.length) return null;
  return h(
    "section",
    { class: "ticket-ratings", "aria-label": t("ticket_ratings") },
    h("h3", {}, t("ticket_ratings")),
    h(
      "ul",
      {},
      ratings.map((rating) =>
        h(
          "li",
          { dataset: { resolution: String(rating.resolution) } },
          h("span", { class: "ratings-stars", title: t("rating_star", { n: rating.rating }) }, starsText(rating.rating)),
          h("span", { class: "hd-muted" }, ` · ${t("rating_resolution", { n: rating.resolution })} · ${rating.rated_by.name} · ${formatDateTime(rating.rated_at)}`),
          rating.comment ? h("p", { class: "ticket-rating-comment" }, rating.comment) : null,
        ),
      ),
    ),
  );
}
