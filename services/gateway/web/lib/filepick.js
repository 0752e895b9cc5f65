// The one attachment of a ticket or a reply: chosen, pasted or dropped; its limits shown
// before choosing, a size check before sending (the gateway checks type and size again,
// by content).
import { h, uid } from "./dom.js";
import { formatSize, t } from "./i18n.js";
import { takeFiles } from "./paste.js";

export class FilePicker {
  constructor(config) {
    this.config = config;
    this.file = null;
    this.error = null;
  }

  /** The field; a file chosen before a re-render (language switch) stays chosen. */
  render() {
    const inputId = uid("hd-file");
    const hintId = uid("hd-file-hint");
    this.input = h("input", {
      type: "file",
      id: inputId,
      class: "hd-file-input",
      accept: this.config.accept.join(","),
      "aria-describedby": hintId,
      onchange: () => this.choose(this.input.files[0] || null),
    });
    this.status = h("div", { class: "hd-file-status", "aria-live": "polite" });
    this.node = h(
      "div",
      { class: "hd-field hd-file" },
      h("label", { for: inputId }, t("file")),
      this.input,
      h("small", { class: "hd-hint", id: hintId }, t("file_limits", { mb: this.config.max_attachment_mb }), " ", t("file_paste_hint")),
      this.status,
    );
    this.renderStatus();
    return this.node;
  }

  choose(file) {
    if (file && file.size > this.config.max_attachment_mb * 1024 * 1024) {
      // Refused, but the valid file chosen before stays chosen (and the input shows it).
      this.keepChosen();
      this.fail(t("file_too_large", { size: formatSize(file.size), mb: this.config.max_attachment_mb }));
      return;
    }
    this.error = null;
    this.file = file;
    // A pasted or dropped file shows in the input as if it had been chosen there.
    if (file && this.input.files[0] !== file) this.keepChosen();
    this.renderStatus();
  }

  /** The whole `form` takes a pasted screenshot or a dropped file as the attachment. */
  takeFrom(form) {
    return takeFiles(form, (file) => this.choose(file));
  }

  keepChosen() {
    if (!this.file) {
      this.input.value = "";
      return;
    }
    const kept = new DataTransfer();
    kept.items.add(this.file);
    this.input.files = kept.files;
  }

  /** A refusal of the file (too large here, or the server's: wrong type, empty), shown
   * next to the file control and brought into view: the form may be longer than the screen. */
  fail(text) {
    this.error = text;
    this.renderStatus();
    this.status.scrollIntoView({ block: "nearest" });
  }

  renderStatus() {
    this.status.replaceChildren();
    this.input?.setAttribute("aria-invalid", String(Boolean(this.error)));
    if (this.error) {
      this.status.append(h("p", { class: "hd-error hd-file-error", role: "alert" }, this.error));
    }
    if (this.file) {
      this.status.append(
        h("span", { class: "hd-file-chip" }, `${this.file.name} · ${formatSize(this.file.size)}`),
        h("button", { type: "button", class: "hd-link-button", onclick: () => this.reset() }, t("file_remove")),
      );
    }
  }

  reset() {
    this.file = null;
    this.error = null;
    if (this.input) this.input.value = "";
    if (this.status) this.renderStatus();
  }
}

/** An attachment of a message: a button that downloads it with the user's token. */
export function attachmentButton(api, attachment, onError) {
  return h(
    "button",
    {
      type: "button",
      class: "hd-attachment",
      onclick: () => api.download(attachment).catch(onError),
    },
    `${attachment.filename} (${formatSize(attachment.size)})`,
  );
}
