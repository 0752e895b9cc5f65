// Collision warnings: which other agents have the open ticket open too, and who of them is
// writing a reply right now. Said and heard on the agents' stream socket; nothing is kept.
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { TypingIndicator, typingSignal } from "../lib/typing.js";

export class TicketPresence {
  constructor() {
    this.socket = null;
    this.number = null;
    this.agents = [];
    this.line = h("p", { class: "ticket-viewers hd-note", role: "status", hidden: true });
    this.writing = new TypingIndicator();
    // One node the ticket pane re-appends on every render, so nothing flickers.
    this.node = h("div", { class: "ticket-presence" }, this.line, this.writing.node);
    this.signalTyping = typingSignal(() => this.say({ type: "typing", ticket: this.number }));
  }

  /** The stream socket to speak on; after every (re)connection it is told again. */
  connect(socket) {
    this.socket = socket;
  }

  connected() {
    this.say({ type: "viewing", ticket: this.number });
  }

  /** The console now shows ticket `number` (null: none). */
  show(number) {
    if (number === this.number) return;
    this.number = number;
    this.agents = [];
    this.writing.hide();
    this.render();
    this.say({ type: "viewing", ticket: number });
  }

  /** A keystroke in the reply: told at most every few seconds. */
  typing() {
    if (this.number) this.signalTyping();
  }

  say(frame) {
    this.socket?.send(frame);
  }

  onEvent(frame) {
    const data = frame.data || {};
    if (data.number !== this.number) return;
    if (frame.type === "ticket.viewers") {
      this.agents = data.agents;
      // Someone who left is not writing any more.
      if (!this.agents.length) this.writing.hide();
      this.render();
    } else if (frame.type === "ticket.typing") {
      this.writing.show(t("ticket_writing", { name: data.agent.name }));
    }
  }

  render() {
    const names = this.agents.map((agent) => agent.name).join(", ");
    this.line.textContent = names ? t("ticket_viewers", { names }) : "";
    this.line.hidden = !names;
  }
}
