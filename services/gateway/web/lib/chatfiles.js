// Files in live chat, for the Help menu's chat and the console's alike: sending one (chosen,
// pasted or dropped), and showing one as a download, with a preview for an image. The
// bytes live in the chat service's memory until the chat ends; a preview keeps this page's
// own copy, so an image stays on screen (and downloadable) after that.
import { saveBlob } from "./api.js";
import { h, uid } from "./dom.js";
import { formatSize, t } from "./i18n.js";

export function chatFilePath(chatId, fileId = "") {
  const base = `/api/v1/chat/${encodeURIComponent(chatId)}/files`;
  return fileId ? `${base}/${encodeURIComponent(fileId)}` : base;
}

/**
 * Send `file` into the chat. Too large for chat is refused here, before any byte goes;
 * the gateway checks size and type (by content) again. Rejects with the refusal.
 */
export async function sendChatFile(api, config, chatId, file) {
  const limit = config.chat_file_max_mb * 1024 * 1024;
  if (file.size > limit) {
    throw new Error(t("file_too_large", { size: formatSize(file.size), mb: config.chat_file_max_mb }));
  }
  return api.upload(chatFilePath(chatId), file, { filename: file.name || "file" });
}

/** The paper-clip button of a chat composer: a hidden file input behind a visible label. */
export function attachControl(accept, onFile) {
  const id = uid("hd-chat-file");
  const input = h("input", {
    type: "file",
    id,
    class: "hd-visually-hidden hd-chat-file-input",
    accept: accept.join(","),
    onchange: () => {
      const file = input.files[0];
      input.value = "";
      if (file) onFile(file);
    },
  });
  return [
    input,
    // The paper clip is drawn in CSS: emoji fonts are not everywhere.
    h("label", { for: id, class: "hd-icon-button hd-chat-attach", title: t("chat_attach") }, h("span", { class: "hd-visually-hidden" }, t("chat_attach"))),
  ];
}

/** A shared file as a chat line shows it; built once per file and kept across re-renders. */
export function chatFileView(api, chatId, file, onError) {
  const path = chatFilePath(chatId, file.id);
  let copy = null;
  const download = h(
    "button",
    {
      type: "button",
      class: "hd-attachment hd-chat-file",
      onclick: async () => {
        try {
          saveBlob(copy || (await api.blob(path)), file.filename);
        } catch (error) {
          // Once the chat has ended its files are gone with it: say that, not "no such chat".
          onError(error.code === "chat_not_found" ? { code: "chat_file_not_found" } : error);
        }
      },
    },
    `${file.filename} (${formatSize(file.size)})`,
  );
  if (!file.content_type.startsWith("image/")) return download;
  const image = h("img", { class: "hd-chat-image", alt: t("chat_image", { name: file.filename }) });
  api
    .blob(path)
    .then((blob) => {
      copy = blob;
      image.src = URL.createObjectURL(blob);
    })
    .catch(onError);
  return h("figure", { class: "hd-chat-figure" }, image, download);
}
