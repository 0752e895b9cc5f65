// Live chat: the section in the menu, and the chat window docked at the bottom.
// The conversation lives only in this page's memory and the socket: closing the window
// (or the page) ends the chat, and nothing of it is saved unless the user turns it into
// a ticket, which pre-fills the New ticket form from this copy.
import { ApiError } from "../lib/api.js";
import { attachControl, chatFileView, sendChatFile } from "../lib/chatfiles.js";
import { h, fill, labelled } from "../lib/dom.js";
import { errorText, formatDateTime, formatTime, t } from "../lib/i18n.js";
import { takeFiles } from "../lib/paste.js";
import { RatingForm } from "../lib/rating.js";
import { TypingIndicator, typingSignal } from "../lib/typing.js";
import { contactList, supportLine } from "./hours.js";

const SUBJECT_MAX = 200;
const ENDED_REASONS = {
  ended_by_agent: "chat_ended_agent",
  agent_left: "chat_ended_agent",
  service_restarted: "chat_ended_restart",
  connection: "chat_ended_restart",
};
// States in which the conversation is still going: closing or leaving would end it.
const GOING = ["connecting", "queued", "live"];

/** The signed-in person's name from the token, to pre-fill the chat form. */
function nameFromToken(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      [...atob(payload)].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""),
    );
    return JSON.parse(json).name || "";
  } catch {
    return "";
  }
}

export class ChatSection {
  constructor(desk) {
    this.desk = desk;
    this.root = h("div", { class: "hd-section hd-chat-section" });
  }

  render() {
    const info = this.desk.info;
    if (!info.chat_available) {
      // Open, but every agent is away: there is no "opens at" to promise.
      fill(this.root, offlineView(this.desk, info.open_now ? null : info.next_open, info.contacts));
      return;
    }
    fill(
      this.root,
      supportLine(info),
      h("p", {}, t("chat_hint")),
      h("p", { class: "hd-warning", role: "note" }, t("chat_warning")),
      h(
        "div",
        { class: "hd-actions" },
        h(
          "button",
          {
            type: "button",
            class: "hd-button hd-primary hd-open-chat",
            "data-autofocus": true,
            onclick: () => {
              this.desk.close();
              this.desk.chatWindow.open();
            },
          },
          t("chat_start"),
        ),
      ),
    );
  }
}

function offlineView(desk, nextOpen, contacts) {
  return h(
    "div",
    { class: "hd-offline", role: "status" },
    h("h3", { tabindex: "-1", "data-autofocus": true }, nextOpen ? t("chat_offline") : t("chat_no_agent")),
    nextOpen ? h("p", {}, t("chat_offline_next", { when: formatDateTime(nextOpen) })) : null,
    h("p", {}, t("chat_offline_ticket")),
    h(
      "div",
      { class: "hd-actions" },
      h("button", { type: "button", class: "hd-button hd-primary", onclick: () => desk.open("ticket") }, t("new_ticket")),
    ),
    h("h4", {}, t("contacts")),
    contactList(contacts),
  );
}

function lineView(line) {
  if (line.from === "system") return h("li", { class: "hd-line hd-line-system" }, line.text);
  return h(
    "li",
    { class: `hd-line hd-line-${line.from}` },
    // A file's view is built once: its preview is this page's copy of the image.
    line.file ? line.fileView : h("span", { class: "hd-line-text" }, line.text),
    h("time", { datetime: line.at }, formatTime(line.at)),
  );
}

export class ChatWindow {
  constructor(desk) {
    this.desk = desk;
    this.form = { name: nameFromToken(desk.api.token), phone: "", question: "" };
    this.typing = new TypingIndicator();
    this.signalTyping = typingSignal(() => this.socket?.send(JSON.stringify({ type: "typing" })));
    this.reset();
    this.minimized = false;
    // A reload or a closed tab ends the chat: the browser asks first, as the manual warns.
    this.onLeave = (event) => {
      if (!this.going()) return;
      event.preventDefault();
      event.returnValue = t("chat_leave_warning");
    };
    window.addEventListener("beforeunload", this.onLeave);
    this.node = h("section", {
      class: "hd-root hd-chat-window",
      role: "dialog",
      "aria-labelledby": "hd-chat-title",
      hidden: true,
      onkeydown: (event) => {
        if (event.key === "Escape") this.minimize(true);
      },
    });
    // A screenshot pasted or a file dropped anywhere in the window goes into the chat.
    takeFiles(this.node, (file) => this.shareFile(file));
    document.body.append(this.node);
  }

  reset() {
    this.state = "form";
    this.chatId = null;
    this.typing?.hide();
    this.lines = [];
    this.position = null;
    this.agent = null;
    this.endedReason = null;
    this.error = null;
    this.offline = null;
    // What the user has typed but not sent: it outlives re-renders and minimising.
    this.draftText = "";
    this.unread = 0;
    this.confirming = false;
    // After a chat with support: the stars, and the answer awaited for the ones sent.
    this.ratingForm = null;
    this.pendingRating = null;
  }

  /** The chat is still going: closing its window or the page would end it. */
  going() {
    return !this.node.hidden && GOING.includes(this.state);
  }

  /** A chat that holds a conversation: closing it would lose something. */
  active() {
    return !this.node.hidden && this.state !== "form";
  }

  open() {
    this.node.hidden = false;
    this.minimized = false;
    this.render();
    this.node.querySelector("[data-autofocus]")?.focus();
  }

  expand() {
    this.minimize(false);
  }

  minimize(minimized) {
    this.minimized = minimized;
    if (!minimized) this.unread = 0;
    this.render();
    if (!minimized) this.node.querySelector("[data-autofocus]")?.focus();
  }

  /** × : a chat still going is ended only once the user confirms it. */
  askToClose() {
    if (!this.going()) {
      this.closeWindow();
      return;
    }
    this.confirming = true;
    this.minimized = false;
    this.unread = 0;
    this.render();
    this.node.querySelector(".hd-chat-confirm [data-autofocus]")?.focus();
  }

  /** Close the window: the chat ends and its text is dropped, as the warning says. */
  closeWindow() {
    this.hangUp();
    this.reset();
    this.node.hidden = true;
    this.desk.button.focus();
  }

  destroy() {
    this.hangUp();
    window.removeEventListener("beforeunload", this.onLeave);
    this.node.remove();
  }

  hangUp() {
    if (!this.socket) return;
    const socket = this.socket;
    this.socket = null;
    // An ended chat (kept open only for its rating) has nothing left to end.
    if (socket.readyState === WebSocket.OPEN && GOING.includes(this.state)) socket.send(JSON.stringify({ type: "end" }));
    socket.close();
    this.pendingRating?.reject(new ApiError(0, t("error_network")));
    this.pendingRating = null;
  }

  start(event) {
    event.preventDefault();
    if (!event.target.checkValidity()) {
      event.target.reportValidity();
      return;
    }
    this.error = null;
    this.state = "connecting";
    this.render();
    const socket = new WebSocket(this.desk.api.socketUrl("/api/v1/chat"));
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: "start", ...this.form }));
    socket.onmessage = (message) => this.receive(JSON.parse(message.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.pendingRating?.reject(new ApiError(0, t("error_network")));
      this.pendingRating = null;
      if (["connecting", "queued", "live"].includes(this.state)) this.end("connection");
    };
  }

  receive(frame) {
    switch (frame.type) {
      case "queued":
        this.state = "queued";
        this.chatId = frame.chat_id;
        this.position = frame.position;
        break;
      case "accepted":
        this.state = "live";
        this.agent = frame.agent_name;
        this.lines.push({ from: "system", text: t("chat_accepted", { agent: frame.agent_name }), at: new Date().toISOString() });
        break;
      case "message":
      case "file": {
        const line = { from: frame.from, text: frame.text, file: frame.file, at: frame.at };
        if (frame.file) line.fileView = chatFileView(this.desk.api, frame.chat_id, frame.file, (error) => this.fail(error));
        this.lines.push(line);
        if (frame.from !== "user") {
          this.typing.hide();
          if (this.minimized) this.unread += 1;
        }
        // Appended, not re-rendered: the user may be typing in the composer.
        if (this.appendLine(line)) return;
        break;
      }
      case "typing":
        if (frame.from === "agent") this.typing.show(t("chat_typing", { name: this.agent || t("chat_support") }));
        return;
      case "ended":
        this.finished(frame);
        return;
      case "rated":
        this.pendingRating?.resolve({ rating: frame.rating });
        this.pendingRating = null;
        // Rated: nothing of this chat is left to say, so its socket closes.
        this.hangUp();
        return;
      case "offline":
        this.offline = frame;
        this.state = "offline";
        this.hangUp();
        break;
      case "busy":
        this.state = "busy";
        this.busyReason = frame.reason;
        this.hangUp();
        break;
      case "error":
        if (this.pendingRating) {
          this.pendingRating.reject(new ApiError(0, frame.detail, frame.code));
          this.pendingRating = null;
          return;
        }
        this.error = { code: frame.code, detail: frame.detail };
        // A refused start (e.g. a phone without its country code) returns to the form.
        if (this.state === "connecting") {
          this.state = "form";
          this.hangUp();
          break;
        }
        // Shown in place, not re-rendered: the user may be typing in the composer.
        if (this.showError()) return;
        break;
      default:
        return;
    }
    this.render();
  }

  /** Send a chosen, pasted or dropped file; only a live chat takes one. */
  async shareFile(file) {
    if (this.state !== "live" || !this.chatId) {
      if (this.state === "queued") this.fail({ code: "chat_not_accepted_yet" });
      return;
    }
    this.clearError();
    try {
      await sendChatFile(this.desk.api, this.desk.config, this.chatId, file);
    } catch (error) {
      this.fail(error);
    }
  }

  /** A refusal (of the server, by its code, or this page's own text) above the composer. */
  fail(error) {
    this.error = { code: error.code || null, detail: error.detail || error.message || "" };
    if (!this.showError()) this.render();
  }

  end(reason) {
    this.state = "ended";
    this.typing.hide();
    this.endedReason = reason;
    this.hangUp();
    this.render();
  }

  /** "End chat": the chat service is told, and the socket stays open for its answer, which
   * says whether the chat may be rated. */
  endByUser() {
    if (this.socket?.readyState !== WebSocket.OPEN) {
      this.end("ended_by_user");
      return;
    }
    this.socket.send(JSON.stringify({ type: "end" }));
    this.state = "ended";
    this.endedReason = "ended_by_user";
    this.render();
  }

  /** The chat ended: a chat someone from support answered may be rated, once, on this same
   * socket; any other closes it. */
  finished(frame) {
    if (this.state !== "ended") {
      this.state = "ended";
      this.endedReason = frame.reason;
    }
    if (frame.rateable && this.socket) {
      this.ratingForm = new RatingForm({ legend: t("rating_chat_question"), once: true, send: (choice) => this.rate(choice) });
    } else {
      this.hangUp();
    }
    this.render();
  }

  rate({ rating }) {
    return new Promise((resolve, reject) => {
      if (this.socket?.readyState !== WebSocket.OPEN) {
        reject(new ApiError(0, t("error_network")));
        return;
      }
      this.pendingRating = { resolve, reject };
      this.socket.send(JSON.stringify({ type: "rate", rating }));
    });
  }

  say(event) {
    event.preventDefault();
    const input = event.target.elements.text;
    const text = input.value.trim();
    if (!text || !this.socket) return;
    this.socket.send(JSON.stringify({ type: "message", text }));
    // A new line is a new try: an earlier refusal no longer applies (a new one may come).
    this.clearError();
    this.draftText = "";
    input.value = "";
  }

  /** The refusal above the composer; false when there is no conversation on screen.
   * Lines appear in the log only once the server has them, so a refused one is missing. */
  showError() {
    const composer = !this.minimized && this.node.querySelector("#hd-chat-text");
    if (!composer) return false;
    this.node.querySelector(".hd-chat-error")?.remove();
    composer.form.before(this.errorView());
    return true;
  }

  clearError() {
    if (!this.error || this.state === "form") return;
    this.error = null;
    this.node.querySelector(".hd-chat-error")?.remove();
  }

  errorView() {
    if (!this.error) return null;
    return h("p", { class: "hd-error hd-chat-error", role: "alert" }, errorText(this.error.code, this.error.detail));
  }

  /** The conversation as a ticket's subject and message, from this page's copy only. */
  toTicket() {
    const question = this.form.question.trim();
    const subject = t("chat_transcript_subject", { question }).slice(0, SUBJECT_MAX);
    const who = { user: t("chat_you"), agent: this.agent || t("chat_support") };
    const lines = [
      t("chat_transcript_intro"),
      "",
      `[${t("chat_question")}] ${question}`,
      ...this.lines
        .filter((line) => line.from !== "system")
        .map((line) => `[${formatTime(line.at)}] ${who[line.from]}: ${line.file ? t("chat_file_line", { name: line.file.filename }) : line.text}`),
    ];
    this.minimize(true);
    this.desk.open("ticket", { subject, message: lines.join("\n") });
  }

  render() {
    if (this.node.hidden) return;
    this.node.classList.toggle("hd-minimized", this.minimized);
    // A re-render (a pushed line, a language switch) keeps the caret where the user types.
    const typing = document.activeElement?.id === "hd-chat-text";
    const unread =
      this.minimized && this.unread
        ? h(
            "span",
            { class: "hd-chat-unread", role: "status" },
            h("span", { "aria-hidden": "true" }, String(this.unread)),
            h("span", { class: "hd-visually-hidden" }, t("chat_unread", { n: this.unread })),
          )
        : null;
    const header = h(
      "header",
      { class: "hd-chat-header" },
      h("h2", { id: "hd-chat-title" }, t("chat_title"), this.state === "queued" ? ` · ${this.position}` : ""),
      unread,
      h(
        "button",
        {
          type: "button",
          class: "hd-icon-button",
          "aria-label": this.minimized ? t("chat_expand") : t("chat_minimize"),
          "aria-expanded": String(!this.minimized),
          onclick: () => this.minimize(!this.minimized),
        },
        this.minimized ? "▴" : "▾",
      ),
      h("button", { type: "button", class: "hd-icon-button hd-chat-close", "aria-label": t("close"), onclick: () => this.askToClose() }, "×"),
    );
    if (this.minimized) {
      fill(this.node, header);
      return;
    }
    const body = this.confirming && this.going() ? this.confirmView() : this.body();
    fill(this.node, header, h("p", { class: "hd-warning hd-chat-warning", role: "note" }, t("chat_warning")), body);
    const log = this.node.querySelector(".hd-chat-log");
    if (log) log.scrollTop = log.scrollHeight;
    const composer = typing && this.node.querySelector("#hd-chat-text");
    if (composer) {
      composer.focus();
      composer.setSelectionRange(composer.value.length, composer.value.length);
    }
  }

  /** "End the chat?" in the window itself, the way back focused first. */
  confirmView() {
    return h(
      "div",
      { class: "hd-chat-status hd-chat-confirm", role: "alertdialog", "aria-labelledby": "hd-chat-confirm-text" },
      h("p", { id: "hd-chat-confirm-text" }, t("chat_end_confirm")),
      h(
        "div",
        { class: "hd-actions" },
        h(
          "button",
          {
            type: "button",
            class: "hd-button hd-secondary",
            "data-autofocus": true,
            onclick: () => {
              this.confirming = false;
              this.render();
              this.node.querySelector("[data-autofocus]")?.focus();
            },
          },
          t("chat_end_no"),
        ),
        h("button", { type: "button", class: "hd-button hd-danger hd-confirm-end", onclick: () => this.closeWindow() }, t("chat_end_yes")),
      ),
    );
  }

  body() {
    switch (this.state) {
      case "form":
        return this.formView();
      case "connecting":
        return h("p", { class: "hd-chat-status", role: "status" }, t("chat_connecting"));
      case "offline":
        return offlineView(this.desk, this.offline.next_open, this.offline.contacts);
      case "busy":
        return h(
          "div",
          { class: "hd-chat-status", role: "status" },
          h("p", {}, this.busyReason === "no_agent_online" ? t("chat_no_agent") : t("chat_busy")),
          h("div", { class: "hd-actions" }, this.newChatButton(), this.ticketButton(t("new_ticket"), () => this.desk.open("ticket"))),
        );
      default:
        return this.conversationView();
    }
  }

  formView() {
    const field = (key, label, attributes, hint) => {
      const control = h(attributes.rows ? "textarea" : "input", {
        name: key,
        required: true,
        oninput: (event) => (this.form[key] = event.target.value),
        ...attributes,
      });
      control.value = this.form[key];
      return labelled(label, control, hint);
    };
    return h(
      "form",
      { class: "hd-form hd-chat-form", onsubmit: (event) => this.start(event) },
      field("name", t("chat_name"), { type: "text", maxlength: "100", autocomplete: "name", "data-autofocus": true }),
      field("phone", t("chat_phone"), { type: "tel", maxlength: "40", autocomplete: "tel", placeholder: "+48 600 123 456" }, t("chat_phone_hint")),
      field("question", t("chat_question"), { rows: "3", maxlength: "1000" }),
      this.errorView(),
      h("div", { class: "hd-actions" }, h("button", { type: "submit", class: "hd-button hd-primary" }, t("chat_start"))),
    );
  }

  conversationView() {
    const status =
      this.state === "queued"
        ? h("div", { class: "hd-queue", role: "status" }, h("strong", {}, t("chat_queued", { n: this.position })), h("p", {}, t("chat_queued_hint")))
        : this.state === "ended"
          ? h("p", { class: "hd-chat-status", role: "status" }, t(ENDED_REASONS[this.endedReason] || "chat_ended"))
          : null;
    const log = h(
      "ol",
      { class: "hd-chat-log", "aria-live": "polite" },
      h("li", { class: "hd-line hd-line-user" }, h("span", { class: "hd-line-text" }, this.form.question)),
      this.lines.map(lineView),
    );
    const composer =
      this.state === "live"
        ? h(
            "form",
            { class: "hd-composer", onsubmit: (event) => this.say(event) },
            attachControl(this.desk.config.accept, (file) => this.shareFile(file)),
            h("label", { for: "hd-chat-text", class: "hd-visually-hidden" }, t("chat_type")),
            h("input", {
              id: "hd-chat-text",
              name: "text",
              type: "text",
              maxlength: "2000",
              autocomplete: "off",
              placeholder: t("chat_type"),
              value: this.draftText,
              "data-autofocus": true,
              oninput: (event) => {
                this.draftText = event.target.value;
                if (this.draftText.trim()) this.signalTyping();
              },
            }),
            h("button", { type: "submit", class: "hd-button hd-primary" }, t("chat_send")),
          )
        : null;
    const actions = h(
      "div",
      { class: "hd-chat-actions" },
      this.lines.some((line) => line.from !== "system") || this.state === "ended"
        ? this.ticketButton(t("chat_to_ticket"), () => this.toTicket())
        : null,
      this.state === "ended"
        ? this.newChatButton()
        : h("button", { type: "button", class: "hd-link-button hd-end-chat", onclick: () => this.endByUser() }, t("chat_end")),
    );
    const rating = this.state === "ended" && this.ratingForm ? this.ratingForm.node : null;
    return [status, log, this.state === "live" ? this.typing.node : null, this.errorView(), composer, rating, actions];
  }

  /** Add one line to the visible log; false when there is no log to add it to. */
  appendLine(line) {
    const log = !this.minimized && this.node.querySelector(".hd-chat-log");
    if (!log) return false;
    log.append(lineView(line));
    log.scrollTop = log.scrollHeight;
    // The first line of the conversation also offers turning it into a ticket.
    if (!this.node.querySelector(".hd-chat-ticket")) {
      this.node.querySelector(".hd-chat-actions").prepend(this.ticketButton(t("chat_to_ticket"), () => this.toTicket()));
    }
    return true;
  }

  ticketButton(label, onclick) {
    return h("button", { type: "button", class: "hd-button hd-secondary hd-small hd-chat-ticket", onclick }, label);
  }

  newChatButton() {
    return h(
      "button",
      {
        type: "button",
        class: "hd-button hd-secondary hd-small",
        onclick: () => {
          this.hangUp();
          this.reset();
          this.render();
        },
      },
      t("chat_new"),
    );
  }
}
