// An announcement pop-up from support: to one user, one account, or everyone.
import { refusal } from "../lib/api.js";
import { h, fill, labelled } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

export class Announcer {
  constructor(api) {
    this.api = api;
    this.root = h("div", { class: "announcer" });
    this.draft = { title: "", body: "", target: "account", account_id: "", user_id: "" };
    this.notice = null;
    this.render();
  }

  render() {
    const bind = (key, node) => {
      node.value = this.draft[key];
      // Named apart from the queue's account filter, and no autofill: a wrong recipient
      // filled in by the browser would send a pop-up to the wrong hotel.
      node.name = key === "account_id" || key === "user_id" ? `announce_${key}` : key;
      node.autocomplete = "off";
      node.addEventListener("input", () => (this.draft[key] = node.value));
      return node;
    };
    const targets = ["everyone", "account", "user"].map((target) =>
      h(
        "label",
        { class: "radio" },
        h("input", {
          type: "radio",
          name: "target",
          value: target,
          checked: this.draft.target === target,
          onchange: () => {
            this.draft.target = target;
            this.render();
          },
        }),
        t(`to_${target}`),
      ),
    );
    fill(
      this.root,
      h(
        "form",
        { class: "hd-form", onsubmit: (event) => this.send(event) },
        h("h2", {}, t("announce")),
        labelled(t("announce_title"), bind("title", h("input", { type: "text", required: true, maxlength: "200" }))),
        labelled(t("announce_body"), bind("body", h("textarea", { rows: "5", required: true, maxlength: "5000" }))),
        h("fieldset", { class: "targets" }, h("legend", {}, t("announce_to")), targets),
        this.draft.target !== "everyone"
          ? labelled(t("announce_account"), bind("account_id", h("input", { type: "text", required: true, placeholder: "hotel-baltyk" })))
          : null,
        this.draft.target === "user"
          ? labelled(t("user_id"), bind("user_id", h("input", { type: "text", required: true, placeholder: "anna" })))
          : null,
        this.notice ? h("p", { class: this.notice.error ? "hd-error" : "hd-success", role: "status" }, this.notice.text) : null,
        h("div", { class: "hd-actions" }, h("button", { type: "submit", class: "hd-button hd-primary" }, t("announce_send"))),
      ),
    );
  }

  async send(event) {
    event.preventDefault();
    const { title, body, target, account_id, user_id } = this.draft;
    const request = { title: title.trim(), body: body.trim() };
    if (target !== "everyone") request.account_id = account_id.trim();
    if (target === "user") request.user_id = user_id.trim();
    try {
      await this.api.post("/api/v1/agent/announcements", request);
      this.draft = { ...this.draft, title: "", body: "" };
      this.notice = { error: false, text: t("announce_sent") };
    } catch (error) {
      this.notice = { error: true, text: refusal(error) };
    }
    this.render();
  }
}
