// Building DOM nodes without HTML strings: every text goes in as textContent, so user
// text (subjects, messages, chat lines, names) can never become markup.

/**
 * h("button", {class: "x", onclick: fn, type: "button"}, "text", otherNode)
 * Attributes starting with "on" become listeners; `false`/`null` attributes are left out;
 * children are strings (as text), nodes, arrays of them, or null (skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (name === "value" || name === "checked" || name === "selected") {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace a node's content in one step, so screen readers hear one change. */
export function fill(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

let uniqueCounter = 0;
/** Ids for label/input pairs; prefixed so several widgets on one page never clash. */
export function uid(prefix = "hd") {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/** A labelled field: returns {field, input}; `control` is an input, select or textarea. */
export function labelled(labelText, control, hint = null) {
  control.id ||= uid();
  const children = [h("label", { for: control.id }, labelText), control];
  if (hint) {
    const hintNode = h("small", { class: "hd-hint", id: uid() }, hint);
    control.setAttribute("aria-describedby", hintNode.id);
    children.push(hintNode);
  }
  return h("div", { class: "hd-field" }, children);
}

/** Runs `fn` at most once per `ms` of quiet: for search-as-you-type. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Text with the given [start, end) ranges wrapped in <mark>, as DOM nodes. */
export function highlighted(text, ranges = []) {
  const nodes = [];
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    nodes.push(text.slice(at, start), h("mark", {}, text.slice(start, end)));
    at = end;
  }
  nodes.push(text.slice(at));
  return nodes.filter((node) => node !== "");
}

/** Whether the focus is on no control at all (the page's body). */
export function nothingFocused() {
  const element = document.activeElement;
  return !element || element === document.body || element === document.documentElement;
}
