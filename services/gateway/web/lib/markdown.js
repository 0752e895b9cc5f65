// The knowledge base's Markdown as DOM nodes: the subset its articles use (paragraphs,
// headings, lists, bold, italics, code, links). Built node by node, never as HTML, so an
// article can hold no script even if a file in content/ were tampered with.
import { h } from "./dom.js";

const INLINE = /\*\*(.+?)\*\*|\*(.+?)\*|`(.+?)`|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;

function inline(text) {
  const nodes = [];
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    nodes.push(text.slice(at, match.index));
    const [, bold, italic, code, linkText, href] = match;
    if (bold !== undefined) nodes.push(h("strong", {}, inline(bold)));
    else if (italic !== undefined) nodes.push(h("em", {}, inline(italic)));
    else if (code !== undefined) nodes.push(h("code", {}, code));
    else nodes.push(h("a", { href, target: "_blank", rel: "noopener noreferrer" }, linkText));
    at = match.index + match[0].length;
  }
  nodes.push(text.slice(at));
  return nodes.filter((node) => node !== "");
}

const LIST_ITEM = /^(\s*)([-*]|\d+\.)\s+(.*)$/;

/** Lists nest by indentation: a deeper item opens a list inside the previous item. */
function list(lines) {
  const fragment = document.createDocumentFragment();
  const stack = [];
  let lastItem = null;
  for (const line of lines) {
    const match = LIST_ITEM.exec(line);
    if (!match) {
      // A wrapped line continues the item above it.
      if (lastItem) lastItem.append(" ", ...inline(line.trim()));
      continue;
    }
    const [, spaces, marker, text] = match;
    const indent = spaces.length;
    while (stack.length && stack[stack.length - 1].indent > indent) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || top.indent < indent) {
      const listNode = h(/\d/.test(marker) ? "ol" : "ul");
      (top ? lastItem : fragment).append(listNode);
      top = { indent, list: listNode };
      stack.push(top);
    }
    lastItem = h("li", {}, inline(text));
    top.list.append(lastItem);
  }
  return fragment;
}

export function renderMarkdown(markdown) {
  const fragment = document.createDocumentFragment();
  const blocks = markdown.replace(/\r\n/g, "\n").split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split("\n").filter((line) => line.trim() !== "");
    if (!lines.length) continue;
    const heading = /^(#{1,4})\s+(.*)$/.exec(lines[0]);
    if (heading && lines.length === 1) {
      // Article titles are h2 in the panel, so the article's own headings start at h3.
      const level = Math.min(heading[1].length + 2, 6);
      fragment.append(h(`h${level}`, {}, inline(heading[2])));
    } else if (LIST_ITEM.test(lines[0])) {
      fragment.append(list(lines));
    } else {
      fragment.append(h("p", {}, inline(lines.join(" "))));
    }
  }
  return fragment;
}
