// The one attachment of a ticket or a reply: its limits shown before choosing, a size
// check before sending (the gateway checks type and size again, by content).
import { h, uid } from "./dom.js";
import { formatSize, t } from "./i18n.js";

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
      h("small", { class: "hd-hint", id: hintId }, t("file_limits", { mb: this.config.max_attachment_mb })),
      this.status,
    );
    this.renderStatus();
    return this.node;
  }

  choose(file) {
    this.error = null;
    this.file = file;
    if (file && file.size > this.config.max_attachment_mb * 1024 * 1024) {
      this.error = t("file_too_large", { size: formatSize(file.size), mb: this.config.max_attachment_mb });
      this.file = null;
      this.input.value = "";
    }
    this.renderStatus();
  }

  renderStatus() {
    this.status.replaceChildren();
    if (this.error) {
      this.status.append(h("span", { class: "hd-error", role: "alert" }, this.error));
    } else if (this.file) {
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
