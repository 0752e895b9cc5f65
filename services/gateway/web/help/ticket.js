// New ticket ("Nowe powiadomienie"): subject with article suggestions while typing,
// message, importance, one file; then the ticket number and when to expect an answer.
import { idempotencyKey } from "../lib/api.js";
import { debounce, h, fill, labelled } from "../lib/dom.js";
import { FilePicker } from "../lib/filepick.js";
import { IMPORTANCES, formatDateTime, lang, t } from "../lib/i18n.js";

const SUGGEST_DELAY_MS = 300;
const SUGGESTIONS = 3;

export class TicketSection {
  constructor(desk) {
    this.desk = desk;
    this.root = h("div", { class: "hd-section hd-ticket" });
    this.draft = { subject: "", message: "", importance: "normal" };
    // One key per draft: a repeated click or a retry after a timeout files one ticket.
    this.key = idempotencyKey();
    this.file = new FilePicker(desk.config);
    this.suggestions = [];
    this.suggestSeq = 0;
    // From a keystroke in the subject until its suggestions are shown: the box says so
    // (aria-busy) to screen readers, and everything below it may still move.
    this.suggesting = false;
    this.sent = null;
    this.error = null;
    // Fields refused before sending (only spaces): { subject: "subject_blank", ... }.
    this.invalid = {};
    this.sending = false;
    this.suggest = debounce(() => this.loadSuggestions(), SUGGEST_DELAY_MS);
  }

  /** Pre-fill from elsewhere (a chat turned into a ticket). */
  enter(draft) {
    if (!draft) return;
    Object.assign(this.draft, draft);
    this.sent = null;
    this.key = idempotencyKey();
    this.render();
  }

  async loadSuggestions() {
    const query = this.draft.subject.trim();
    const seq = ++this.suggestSeq;
    if (query.length < 3) {
      this.suggestions = [];
    } else {
      try {
        const found = await this.desk.api.get("/api/v1/kb/search", { q: query, lang: lang(), limit: SUGGESTIONS });
        if (seq !== this.suggestSeq) return;
        this.suggestions = found.items;
      } catch {
        if (seq !== this.suggestSeq) return;
        // Suggestions are a courtesy: without them the form works the same.
        this.suggestions = [];
      }
    }
    this.suggesting = false;
    this.renderSuggestions();
  }

  render() {
    if (this.sent) {
      fill(this.root, this.sentView());
      return;
    }
    const subject = h("input", {
      type: "text",
      name: "subject",
      required: true,
      maxlength: "200",
      value: this.draft.subject,
      placeholder: t("subject_placeholder"),
      autocomplete: "off",
      "data-autofocus": true,
      oninput: (event) => {
        this.draft.subject = event.target.value;
        this.clearInvalid("subject");
        this.suggesting = true;
        this.suggestionBox.setAttribute("aria-busy", "true");
        this.suggest();
      },
    });
    const message = h("textarea", {
      name: "message",
      required: true,
      rows: "6",
      maxlength: "20000",
      placeholder: t("message_placeholder"),
      oninput: (event) => {
        this.draft.message = event.target.value;
        this.clearInvalid("message");
      },
    });
    message.value = this.draft.message;
    const importance = h(
      "select",
      { name: "importance", onchange: (event) => (this.draft.importance = event.target.value) },
      IMPORTANCES.map((value) =>
        h("option", { value, selected: value === this.draft.importance }, t(`importance_${value}`)),
      ),
    );
    this.fields = { subject, message };
    this.suggestionBox = h("div", { class: "hd-suggestions", "aria-live": "polite" });
    this.errorBox = h("div", { class: "hd-form-error", "aria-live": "assertive" });
    this.submit = h("button", { type: "submit", class: "hd-button hd-primary" });
    const form = h(
      "form",
      { class: "hd-form", novalidate: true, onsubmit: (event) => this.send(event) },
      this.withError("subject", labelled(t("subject"), subject)),
      this.suggestionBox,
      this.withError("message", labelled(t("message"), message)),
      labelled(t("importance"), importance),
      this.file.render(),
      this.errorBox,
      h("div", { class: "hd-actions" }, this.submit),
    );
    fill(this.root, this.file.takeFrom(form));
    this.renderSuggestions();
    this.renderState();
  }

  /** A field with its refusal under it, tied to the control for screen readers. */
  withError(name, field) {
    const key = this.invalid[name];
    const control = this.fields[name];
    control.setAttribute("aria-invalid", String(Boolean(key)));
    if (!key) return field;
    const note = h("p", { class: "hd-error hd-field-error", id: `${control.id}-error`, role: "alert" }, t(key));
    control.setAttribute("aria-errormessage", note.id);
    field.append(note);
    return field;
  }

  /** Writing is the fix: a field's refusal goes as soon as it holds text. */
  clearInvalid(name) {
    const control = this.fields[name];
    if (!this.invalid[name] || !control.value.trim()) return;
    delete this.invalid[name];
    control.setAttribute("aria-invalid", "false");
    control.parentElement.querySelector(".hd-field-error")?.remove();
  }

  renderSuggestions() {
    if (!this.suggestionBox) return;
    this.suggestionBox.setAttribute("aria-busy", String(this.suggesting));
    if (!this.suggestions.length) {
      fill(this.suggestionBox);
      return;
    }
    fill(
      this.suggestionBox,
      h("span", { class: "hd-suggestions-title" }, t("suggestions")),
      h(
        "ul",
        {},
        this.suggestions.map((item) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "hd-link-button", onclick: () => this.desk.show("faq", item.slug) },
              item.title,
            ),
          ),
        ),
      ),
    );
  }

  renderState() {
    this.submit.disabled = this.sending;
    this.submit.textContent = this.sending ? t("sending") : t("send_message");
    fill(this.errorBox, this.error ? h("p", { class: "hd-error", role: "alert" }, this.error) : null);
  }

  async send(event) {
    event.preventDefault();
    // Spaces satisfy `required`: only text counts, and a refusal says which field.
    this.invalid = {};
    if (!this.draft.subject.trim()) this.invalid.subject = "subject_blank";
    if (!this.draft.message.trim()) this.invalid.message = "message_blank";
    if (Object.keys(this.invalid).length) {
      this.render();
      this.fields[Object.keys(this.invalid)[0]].focus();
      return;
    }
    const body = new FormData();
    body.set("subject", this.draft.subject.trim());
    body.set("message", this.draft.message.trim());
    body.set("importance", this.draft.importance);
    body.set("lang", lang());
    if (this.file.file) body.set("file", this.file.file);
    this.sending = true;
    this.error = null;
    this.renderState();
    try {
      this.sent = await this.desk.api.send("/api/v1/tickets", body, { "Idempotency-Key": this.key });
    } catch (error) {
      // The file's refusals (wrong type, empty, too large) show next to the file control.
      if (error.code?.startsWith("attachment_")) this.file.fail(this.desk.describe(error));
      else this.error = this.desk.describe(error);
    }
    this.sending = false;
    if (this.sent) {
      this.desk.sections.history.invalidate();
      this.render();
      this.root.querySelector(".hd-sent h3").focus();
    } else {
      this.renderState();
    }
  }

  sentView() {
    const ticket = this.sent;
    return h(
      "div",
      { class: "hd-sent", role: "status" },
      h("div", { class: "hd-sent-icon", "aria-hidden": "true" }, "✓"),
      h("h3", { tabindex: "-1" }, t("ticket_sent")),
      h(
        "dl",
        { class: "hd-facts" },
        h("dt", {}, t("ticket_number")),
        h("dd", { class: "hd-ticket-number" }, ticket.number),
        ticket.expected_answer_by && [
          h("dt", {}, t("expected_answer")),
          h("dd", { class: "hd-expected" }, formatDateTime(ticket.expected_answer_by)),
        ],
      ),
      h("p", { class: "hd-muted" }, t("ticket_sent_hint")),
      h(
        "div",
        { class: "hd-actions" },
        h(
          "button",
          { type: "button", class: "hd-button hd-primary", onclick: () => this.desk.show("history", { ticket: ticket.number }) },
          t("open_ticket"),
        ),
        h("button", { type: "button", class: "hd-button hd-secondary", onclick: () => this.reset() }, t("another_ticket")),
      ),
    );
  }

  reset() {
    this.draft = { subject: "", message: "", importance: "normal" };
    this.invalid = {};
    this.key = idempotencyKey();
    this.file.reset();
    this.suggestions = [];
    this.suggesting = false;
    this.sent = null;
    this.render();
    this.root.querySelector("input")?.focus();
  }
}
