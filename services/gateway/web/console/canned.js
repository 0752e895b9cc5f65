// Canned replies in the console: the picker in the reply box (search as you type, arrows,
// Enter inserts the text filled for the open ticket, Escape closes) and the side pane's
// place to keep the team's shared list.
import { refusal } from "../lib/api.js";
import { h, fill, labelled, uid } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

const URL = "/api/v1/agent/canned-replies";
const PLACEHOLDERS = ["{{user_name}}", "{{ticket_number}}", "{{ticket_subject}}", "{{agent_name}}"];
// Matches shown at once: the rest are a few more letters away.
const SHOWN_MAX = 8;
const TITLE_MAX = "120";
const TEXT_MAX = "5000";

/** Lower case without diacritics, so `zamowienie` finds `Zamówienie` (ł has no decomposition). */
function folded(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/ł/g, "l").replace(/Ł/g, "L").toLowerCase();
}

/** The replies having every word of `query` in their title or texts, best (title) first. */
function matching(replies, query) {
  const words = folded(query).split(/\s+/).filter(Boolean);
  const found = replies.filter((reply) => {
    const text = folded(`${reply.title} ${reply.text.pl} ${reply.text.en || ""}`);
    return words.every((word) => text.includes(word));
  });
  const inTitle = (reply) => words.every((word) => folded(reply.title).includes(word));
  return [...found.filter(inTitle), ...found.filter((reply) => !inTitle(reply))];
}

/**
 * The reply box's picker, an ARIA combobox. The list is read when the field gets the focus
 * (another agent may have changed it); `onPick(text)` gets the chosen reply's text, filled
 * for the ticket by the gateway. Its node survives the ticket view's re-renders.
 */
export class CannedPicker {
  constructor(api, onPick) {
    this.api = api;
    this.onPick = onPick;
    this.number = null;
    this.replies = [];
    this.shown = [];
    this.active = -1;
    const listId = uid("canned-list");
    this.input = h("input", {
      type: "text",
      name: "canned_search",
      role: "combobox",
      autocomplete: "off",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": listId,
      onfocus: () => this.load(),
      oninput: () => this.search(),
      onkeydown: (event) => this.key(event),
      // An option's mousedown keeps the focus here, so a click still picks.
      onblur: () => this.close(),
    });
    this.list = h("ul", { id: listId, role: "listbox", class: "canned-options", hidden: true });
    this.status = h("p", { class: "hd-visually-hidden", role: "status" });
    this.root = h("div", { class: "canned-picker" });
    this.render();
  }

  render() {
    this.input.placeholder = t("canned_pick_placeholder");
    this.list.setAttribute("aria-label", t("canned_pick"));
    fill(this.root, labelled(t("canned_pick"), this.input, t("canned_pick_hint")), this.list, this.status);
  }

  /** The ticket the picked text is filled for. */
  forTicket(number) {
    if (number !== this.number) {
      this.number = number;
      this.input.value = "";
      this.close();
    }
  }

  async load() {
    try {
      this.replies = (await this.api.get(URL)).items;
    } catch (error) {
      this.status.textContent = refusal(error);
      return;
    }
    if (this.input.value.trim()) this.search();
  }

  search() {
    const query = this.input.value.trim();
    if (!query) {
      this.close();
      return;
    }
    this.shown = matching(this.replies, query).slice(0, SHOWN_MAX);
    this.active = this.shown.length ? 0 : -1;
    this.renderOptions();
  }

  renderOptions() {
    fill(
      this.list,
      this.shown.length
        ? this.shown.map((reply, index) =>
            h(
              "li",
              {
                id: `${this.list.id}-${index}`,
                role: "option",
                class: "canned-option",
                "aria-selected": String(index === this.active),
                dataset: { id: reply.id },
                // Before the field's blur closes the list.
                onmousedown: (event) => event.preventDefault(),
                onclick: () => this.pick(reply),
              },
              h("span", { class: "canned-option-title" }, reply.title),
              h("span", { class: "canned-option-text hd-muted" }, reply.text.pl),
            ),
          )
        : h("li", { class: "canned-empty hd-muted", role: "option", "aria-disabled": "true" }, t("canned_no_match")),
    );
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    if (this.active >= 0) this.input.setAttribute("aria-activedescendant", `${this.list.id}-${this.active}`);
    else this.input.removeAttribute("aria-activedescendant");
    this.list.querySelector("[aria-selected=true]")?.scrollIntoView({ block: "nearest" });
    this.status.textContent = t("canned_results", { n: this.shown.length });
  }

  key(event) {
    const open = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return this.search();
      if (!this.shown.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.shown.length) % this.shown.length;
      this.renderOptions();
    } else if (event.key === "Enter") {
      // Never the reply form's submit: Enter here picks.
      event.preventDefault();
      if (open && this.active >= 0) this.pick(this.shown[this.active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      event.stopPropagation();
      this.close();
    }
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  async pick(reply) {
    this.close();
    try {
      const number = encodeURIComponent(this.number);
      const filled = await this.api.get(`/api/v1/agent/tickets/${number}/canned-replies/${encodeURIComponent(reply.id)}`);
      this.input.value = "";
      this.onPick(filled.text);
      this.status.textContent = t("canned_inserted", { title: filled.title });
    } catch (error) {
      this.status.textContent = refusal(error);
    }
  }
}

/**
 * The side pane's tab: the shared list, and a form to add, change or delete a reply. The
 * list and the notice redraw on their own: a list arriving late never rebuilds the form
 * under the agent's fingers.
 */
export class CannedReplyManager {
  constructor(api) {
    this.api = api;
    this.replies = null;
    this.editing = null;
    this.notice = null;
    this.draft = { title: "", pl: "", en: "" };
    this.root = h("div", { class: "canned-manager" });
    this.formHolder = h("div");
    this.results = h("div", { class: "canned-results" });
    this.render();
  }

  show() {
    this.load();
  }

  async load() {
    try {
      this.replies = (await this.api.get(URL)).items;
    } catch (error) {
      this.notice = { error: true, text: refusal(error) };
    }
    this.renderResults();
  }

  render() {
    fill(
      this.root,
      h("h2", {}, t("canned_title_heading")),
      h("p", { class: "hd-muted" }, t("canned_manage_hint", { placeholders: PLACEHOLDERS.join(", ") })),
      this.formHolder,
      this.results,
    );
    this.renderForm();
    this.renderResults();
  }

  renderForm() {
    fill(this.formHolder, this.form());
  }

  renderResults() {
    const notice = this.notice;
    fill(
      this.results,
      notice ? h("p", { class: notice.error ? "hd-error" : "hd-success", role: notice.error ? "alert" : "status" }, notice.text) : null,
      this.listView(),
    );
  }

  form() {
    const field = (key, node) => {
      node.name = `canned_${key}`;
      node.value = this.draft[key];
      node.addEventListener("input", () => (this.draft[key] = node.value));
      return node;
    };
    const title = field("title", h("input", { type: "text", maxlength: TITLE_MAX, required: true }));
    const pl = field("pl", h("textarea", { rows: "4", maxlength: TEXT_MAX, required: true }));
    const en = field("en", h("textarea", { rows: "4", maxlength: TEXT_MAX }));
    return h(
      "form",
      { class: "hd-form canned-form", onsubmit: (event) => this.save(event) },
      h("h3", {}, this.editing ? t("canned_editing", { title: this.editing.title }) : t("canned_new")),
      labelled(t("canned_field_title"), title),
      labelled(t("canned_field_pl"), pl),
      labelled(t("canned_field_en"), en),
      h(
        "div",
        { class: "hd-actions" },
        this.editing ? h("button", { type: "button", class: "hd-button hd-secondary hd-small", onclick: () => this.edit(null) }, t("canned_cancel")) : null,
        h("button", { type: "submit", class: "hd-button hd-primary hd-small" }, t("save")),
      ),
    );
  }

  listView() {
    if (this.replies === null) return h("p", { class: "hd-muted" }, t("loading"));
    if (!this.replies.length) return h("p", { class: "hd-empty" }, t("canned_none"));
    return h(
      "ul",
      { class: "canned-list" },
      this.replies.map((reply) =>
        h(
          "li",
          { class: "canned-entry", dataset: { id: reply.id } },
          h("h3", {}, reply.title),
          h("p", { class: "canned-text", lang: "pl" }, reply.text.pl),
          reply.text.en ? h("p", { class: "canned-text hd-muted", lang: "en" }, reply.text.en) : null,
          h(
            "div",
            { class: "hd-actions" },
            h("button", { type: "button", class: "hd-button hd-secondary hd-small", "aria-label": `${t("canned_edit")}: ${reply.title}`, onclick: () => this.edit(reply) }, t("canned_edit")),
            h("button", { type: "button", class: "hd-button hd-secondary hd-small", "aria-label": `${t("canned_delete")}: ${reply.title}`, onclick: () => this.remove(reply) }, t("canned_delete")),
          ),
        ),
      ),
    );
  }

  edit(reply) {
    this.editing = reply;
    this.draft = reply ? { title: reply.title, pl: reply.text.pl, en: reply.text.en || "" } : { title: "", pl: "", en: "" };
    this.notice = null;
    this.renderForm();
    this.renderResults();
    this.root.querySelector("[name=canned_title]").focus();
  }

  async save(event) {
    event.preventDefault();
    const { title, pl, en } = this.draft;
    const body = { title, text: { pl, en: en.trim() ? en : null } };
    try {
      if (this.editing) await this.api.put(`${URL}/${encodeURIComponent(this.editing.id)}`, body);
      else await this.api.post(URL, body);
      this.editing = null;
      this.draft = { title: "", pl: "", en: "" };
      this.notice = { error: false, text: t("canned_saved") };
      this.renderForm();
    } catch (error) {
      this.notice = { error: true, text: refusal(error) };
    }
    await this.load();
  }

  async remove(reply) {
    try {
      await this.api.request("DELETE", `${URL}/${encodeURIComponent(reply.id)}`);
      if (this.editing?.id === reply.id) this.edit(null);
      this.notice = { error: false, text: t("canned_deleted") };
    } catch (error) {
      this.notice = { error: true, text: refusal(error) };
    }
    await this.load();
  }
}
