// A file pasted (Ctrl+V of a screenshot) into a form or dropped on it: the New ticket form,
// a reply and the chat all take files this one way.
import { t } from "./i18n.js";

// A pasted screenshot arrives named "image.png": a dated name tells several apart.
function dated(file) {
  if (!file.type.startsWith("image/")) return file;
  // The user's own clock, as the screenshot's time on their screen.
  const now = new Date();
  const two = (n) => String(n).padStart(2, "0");
  const stamp = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  const extension = file.type.slice("image/".length).replace("jpeg", "jpg");
  return new File([file], `${t("screenshot_name")}-${stamp}.${extension}`, { type: file.type });
}

function carriesFiles(transfer) {
  return [...(transfer?.types || [])].includes("Files");
}

/**
 * `node` takes a file pasted into it (or into a field inside it) or dropped on it, and
 * `onFile` gets it; a paste of text stays an ordinary paste. While a file is dragged over
 * it, `node` has the class hd-drop-target.
 */
export function takeFiles(node, onFile) {
  node.addEventListener("paste", (event) => {
    const file = event.clipboardData?.files[0];
    if (!file) return;
    event.preventDefault();
    onFile(dated(file));
  });
  node.addEventListener("dragover", (event) => {
    if (!carriesFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    node.classList.add("hd-drop-target");
  });
  node.addEventListener("dragleave", (event) => {
    if (!node.contains(event.relatedTarget)) node.classList.remove("hd-drop-target");
  });
  node.addEventListener("drop", (event) => {
    node.classList.remove("hd-drop-target");
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    event.preventDefault();
    onFile(file);
  });
  return node;
}
