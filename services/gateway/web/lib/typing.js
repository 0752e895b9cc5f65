// "… is typing" in live chat, both ways: sent at most every few seconds while someone
// writes (the gateway drops anything more frequent), shown for a few seconds after the
// last hint or until that side's line arrives.
import { h } from "./dom.js";

const SEND_EVERY_MS = 2500;
// Longer than two hints apart, so steady typing keeps it on screen without a flicker.
const SHOWN_MS = 6000;

/** A function to call on every keystroke; it calls `send` at most every SEND_EVERY_MS. */
export function typingSignal(send) {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < SEND_EVERY_MS) return;
    last = now;
    send();
  };
}

/** The line under a conversation that says who is typing; the same node across re-renders. */
export class TypingIndicator {
  constructor() {
    this.node = h("p", { class: "hd-typing", role: "status", hidden: true });
    this.timer = null;
  }

  show(text) {
    this.node.textContent = text;
    this.node.hidden = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.hide(), SHOWN_MS);
  }

  hide() {
    clearTimeout(this.timer);
    this.node.hidden = true;
  }
}
