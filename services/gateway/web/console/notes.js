// A ticket's internal notes in the console: support's own words on it, kept apart from the
// thread the user reads. One panel for the open ticket; its node survives the ticket
// view's re-renders, so a half-written note is never lost to a pushed change.
import { refusal } from "../lib/api.js";
import { h, fill, labelled } from "../lib/dom.js";
import { formatDateTime, t } from "../lib/i18n.js";
import { LatestOnly, STALE } from "../lib/latest.js";

const NOTE_MAX = "5000";

export class TicketNotes {
  constructor(api) {
    this.api = api;
    this.number = null;
    this.notes = null;
    this.notice = null;
    this.loads = new LatestOnly();
    this.root = h("section", { class: "ticket-notes", "aria-labelledby": "ticket-notes-title" });
    this.list = h("div", { class: "ticket-notes-list" });
    this.text = h("textarea", { name: "note", rows: "2", maxlength: NOTE_MAX });
    this.render();
  }

  /** The panel for ticket `number`: a new ticket's notes replace the last one's. */
  async show(number) {
    if (number !== this.number) {
      this.number = number;
      this.notes = null;
      this.notice = null;
      this.text.value = "";
      this.renderList();
    }
    try {
      const notes = await this.loads.run(() => this.api.get(this.url()));
      if (notes === STALE) return;
      this.notes = notes.items;
    } catch (error) {
      this.notice = { error: true, text: refusal(error) };
    }
    this.renderList();
  }

  url() {
    return `/api/v1/agent/tickets/${encodeURIComponent(this.number)}/notes`;
  }

  render() {
    const field = labelled(t("note_new"), this.text);
    const form = h(
      "form",
      { class: "note-form", novalidate: true, onsubmit: (event) => this.add(event, field) },
      field,
      h("div", { class: "hd-actions" }, h("button", { type: "submit", class: "hd-button hd-secondary hd-small" }, t("note_add"))),
    );
    fill(
      this.root,
      h("h3", { id: "ticket-notes-title" }, t("notes_title")),
      h("p", { class: "hd-hint" }, t("notes_hint")),
      this.list,
      form,
    );
    this.renderList();
  }

  renderList() {
    const notes = this.notes;
    fill(
      this.list,
      notes === null
        ? h("p", { class: "hd-muted" }, t("loading"))
        : notes.length
          ? h(
              "ul",
              {},
              notes.map((note) =>
                h(
                  "li",
                  { class: "ticket-note", dataset: { id: note.id } },
                  h("p", { class: "hd-muted ticket-note-meta" }, t("note_meta", { name: note.author.name, when: formatDateTime(note.created_at) })),
                  h("p", { class: "ticket-note-body" }, note.body),
                ),
              ),
            )
          : h("p", { class: "hd-empty" }, t("notes_none")),
      this.notice ? h("p", { class: this.notice.error ? "hd-error" : "hd-success", role: "status" }, this.notice.text) : null,
    );
  }

  async add(event, field) {
    event.preventDefault();
    field.querySelector(".hd-field-error")?.remove();
    if (!this.text.value.trim()) {
      this.text.setAttribute("aria-invalid", "true");
      field.append(h("p", { class: "hd-error hd-field-error", role: "alert" }, t("note_blank")));
      this.text.focus();
      return;
    }
    this.text.setAttribute("aria-invalid", "false");
    const button = event.target.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const note = await this.api.request("POST", this.url(), { json: { body: this.text.value.trim() } });
      this.notes = [...(this.notes || []), note];
      this.text.value = "";
      this.notice = { error: false, text: t("note_added") };
    } catch (error) {
      this.notice = { error: true, text: refusal(error) };
    }
    button.disabled = false;
    this.renderList();
  }
}
