// A reply being written to a ticket, by its author or by support: the text, its one file
// and the idempotency key that makes a retried send one reply. The user's ticket preview
// and the agents' console both write replies through it.
import { idempotencyKey } from "./api.js";
import { h, labelled } from "./dom.js";
import { FilePicker } from "./filepick.js";
import { t } from "./i18n.js";

const MAX_REPLY_CHARS = "20000";

export class ReplyDraft {
  constructor(config) {
    this.file = new FilePicker(config);
    this.clear();
  }

  /** A fresh draft: after a reply is sent, or when another ticket is opened. */
  clear() {
    this.text = "";
    this.file.reset();
    this.key = idempotencyKey();
  }

  /**
   * The reply form; the text written so far survives a re-render. An empty text (or only
   * spaces, which `required` lets through) is refused in place, under the text; otherwise `submit` (the caller's button) is disabled and `onSend`
   * runs. `extras` go between the file field and the button.
   */
  form({ className, label, hint = null, placeholder = null, submit, extras = [], onInput = () => {}, onSend }) {
    const text = h("textarea", {
      name: "message",
      rows: "4",
      required: true,
      maxlength: MAX_REPLY_CHARS,
      placeholder,
      oninput: (event) => {
        this.text = event.target.value;
        // Writing is the fix: the refusal goes as soon as there is text.
        if (this.text.trim() && text.getAttribute("aria-invalid") === "true") {
          text.setAttribute("aria-invalid", "false");
          field.querySelector(".hd-field-error")?.remove();
        }
        onInput();
      },
    });
    text.value = this.text;
    const field = labelled(label, text, hint);
    const refuse = () => {
      text.setAttribute("aria-invalid", "true");
      field.querySelector(".hd-field-error")?.remove();
      field.append(h("p", { class: "hd-error hd-field-error", role: "alert" }, t("reply_blank")));
      text.focus();
    };
    const form = h(
      "form",
      {
        class: className,
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          if (!this.text.trim()) {
            refuse();
            return;
          }
          submit.disabled = true;
          await onSend();
        },
      },
      field,
      this.file.render(),
      extras,
      h("div", { class: "hd-actions" }, submit),
    );
    return this.file.takeFrom(form);
  }

  /** Posts the reply to `url` with any `fields` more; the draft is cleared once the gateway has it. */
  async send(api, url, fields = {}) {
    const body = new FormData();
    body.set("message", this.text.trim());
    for (const [name, value] of Object.entries(fields)) if (value) body.set(name, value);
    if (this.file.file) body.set("file", this.file.file);
    await api.send(url, body, { "Idempotency-Key": this.key });
    this.clear();
  }
}
