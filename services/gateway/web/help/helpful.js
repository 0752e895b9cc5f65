// "Was this article helpful? Yes / No" at the end of an article: one answer per person and
// article, shown pressed when they come back, and changeable at any time.
import { h, fill } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

export class HelpfulVote {
  constructor(desk, slug) {
    this.desk = desk;
    this.path = `/api/v1/kb/articles/${encodeURIComponent(slug)}/vote`;
    this.helpful = null;
    this.thanked = false;
    this.error = null;
    this.root = h("div", { class: "hd-helpful" });
    this.render();
    this.load();
  }

  async load() {
    try {
      this.helpful = (await this.desk.api.get(this.path)).helpful;
    } catch {
      // Not knowing an earlier answer only leaves both buttons unpressed.
    }
    this.render();
  }

  async choose(helpful) {
    try {
      this.helpful = (await this.desk.api.request("PUT", this.path, { json: { helpful } })).helpful;
      this.thanked = true;
      this.error = null;
    } catch (error) {
      this.error = this.desk.describe(error);
    }
    this.render();
    this.root.querySelector(".hd-helpful-thanks, .hd-error")?.focus();
  }

  render() {
    const button = (value, label) =>
      h(
        "button",
        {
          type: "button",
          class: `hd-button hd-small ${this.helpful === value ? "hd-primary" : "hd-secondary"}`,
          "aria-pressed": String(this.helpful === value),
          dataset: { helpful: String(value) },
          onclick: () => this.choose(value),
        },
        label,
      );
    fill(
      this.root,
      h(
        "div",
        { class: "hd-helpful-ask", role: "group", "aria-label": t("kb_helpful_question") },
        h("span", {}, t("kb_helpful_question")),
        button(true, t("kb_yes")),
        button(false, t("kb_no")),
      ),
      this.thanked
        ? h(
            "p",
            { class: "hd-helpful-thanks", role: "status", tabindex: "-1" },
            `${t("kb_thanks")} ${t("kb_thanks_change")}`,
          )
        : null,
      this.error ? h("p", { class: "hd-error", role: "alert", tabindex: "-1" }, this.error) : null,
    );
  }
}
