// A ticket's conversation: its messages in order, each with its author, time, text and
// file. The user's ticket preview and the agents' console show a ticket through it.
import { h } from "./dom.js";
import { attachmentButton } from "./filepick.js";
import { formatDateTime, t } from "./i18n.js";

/** The messages as a list; `onFileError` shows why a file could not be downloaded. */
export function thread(api, messages, onFileError) {
  return h(
    "ol",
    { class: "hd-thread" },
    messages.map((message) =>
      h(
        "li",
        { class: `hd-message hd-from-${message.author.role}` },
        h(
          "div",
          { class: "hd-message-head" },
          h("strong", {}, message.author.role === "agent" ? `${message.author.name} · ${t("chat_support")}` : message.author.name),
          h("time", { datetime: message.created_at }, formatDateTime(message.created_at)),
        ),
        h("p", { class: "hd-message-body" }, message.body),
        message.attachment ? attachmentButton(api, message.attachment, onFileError) : null,
      ),
    ),
  );
}
