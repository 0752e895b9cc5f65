// E-mail copies of support's answers: one switch in the Ticket history, shown only when the
// host's token carries the person's e-mail address (the server says so: `available`).
import { h, fill, uid } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

export class EmailCopiesSwitch {
  constructor(desk) {
    this.desk = desk;
    this.choice = null;
    this.saving = false;
    this.message = null;
    this.root = h("div", { class: "hd-email-copies", hidden: true });
  }

  /** Ask again each time: looking also moves copies to the address of the current token. */
  async load() {
    try {
      this.choice = await this.desk.api.get("/api/v1/email-copies");
      this.message = null;
    } catch {
      // No switch rather than a broken one: the history around it still works.
      this.choice = null;
    }
    this.render();
  }

  async choose(enabled) {
    this.saving = true;
    this.message = null;
    this.render();
    try {
      this.choice = await this.desk.api.put("/api/v1/email-copies", { enabled });
      this.message = { kind: "success", text: t(enabled ? "email_copies_on" : "email_copies_off") };
    } catch (error) {
      this.message = { kind: "error", text: this.desk.describe(error) };
    }
    this.saving = false;
    this.render();
    this.root.querySelector("input")?.focus();
  }

  render() {
    const choice = this.choice;
    this.root.hidden = !choice?.available;
    if (this.root.hidden) {
      this.root.replaceChildren();
      return;
    }
    const box = h("input", {
      type: "checkbox",
      id: uid("hd-email-copies"),
      checked: choice.enabled,
      disabled: this.saving,
      onchange: (event) => this.choose(event.target.checked),
    });
    fill(
      this.root,
      h(
        "label",
        { for: box.id, class: "hd-email-copies-label" },
        box,
        h("span", {}, t("email_copies_label"), h("small", { class: "hd-hint" }, t("email_copies_to", { address: choice.address }))),
      ),
      h(
        "p",
        { class: this.message ? `hd-${this.message.kind}` : "hd-visually-hidden", role: "status" },
        this.message?.text || "",
      ),
    );
  }
}
