// The agent's side of live chat: the waiting queue with Accept, and several conversations
// at once, each with its own log and composer. Nothing is kept after a chat ends but what
// is on this screen, and closing the console ends the agent's chats.
import { attachControl, chatFileView, sendChatFile } from "../lib/chatfiles.js";
import { refusal } from "../lib/api.js";
import { h, fill, labelled } from "../lib/dom.js";
import { errorText, formatTime, t } from "../lib/i18n.js";
import { LiveSocket } from "../lib/live.js";
import { takeFiles } from "../lib/paste.js";
import { TypingIndicator, typingSignal } from "../lib/typing.js";
import { WaitingChatsAlert } from "./waiting.js";

const AVAILABILITIES = ["online", "away"];

export class AgentChats {
  constructor(api, config) {
    this.api = api;
    this.config = config;
    this.waiting = [];
    this.conversations = new Map();
    this.onQueueChange = () => {};
    this.down = false;
    // Online or away, as the chat service last said (it keeps the choice across reloads).
    this.availability = "online";
    this.alert = new WaitingChatsAlert();
    this.root = h("div", { class: "agent-chats" });
    this.availabilityBox = h("div", { class: "chat-availability" });
    this.queueBox = h("div", { class: "chat-queue" });
    this.activeBox = h("div", { class: "chat-active" });
    this.statusBox = h("div", { role: "status" });
    fill(this.root, this.statusBox, this.availabilityBox, this.queueBox, this.activeBox);
    this.socket = new LiveSocket(api.socketUrl("/api/v1/agent/chat"), (frame) => this.receive(frame), {
      onOpen: () => this.setDown(false),
      onDown: () => this.lostConnection(),
    });
    this.render();
  }

  stop() {
    this.socket.close();
    this.alert.stop();
  }

  /** Go online or away: an agent away is offered no waiting chat and cannot take one. */
  async setAvailability(status) {
    try {
      const reply = await this.api.request("PUT", "/api/v1/agent/availability", { json: { status } });
      this.availability = reply.status;
    } catch (error) {
      fill(this.statusBox, h("p", { class: "hd-error", role: "alert" }, refusal(error)));
    }
    this.renderAvailability();
    this.renderQueue();
  }

  waitingCount() {
    return this.waiting.length;
  }

  setDown(down) {
    this.down = down;
    fill(this.statusBox, down ? h("p", { class: "hd-warning" }, t("socket_down")) : null);
  }

  /** The chat service ends an agent's chats when its socket closes: show them as ended. */
  lostConnection() {
    this.setDown(true);
    for (const conversation of this.conversations.values()) conversation.end("agent_left");
  }

  receive(frame) {
    switch (frame.type) {
      case "queue":
        this.waiting = frame.items;
        this.availability = frame.availability || "online";
        this.alert.offered(frame.items);
        this.renderAvailability();
        this.renderQueue();
        this.onQueueChange();
        break;
      case "accepted": {
        const conversation = new Conversation(this, frame);
        this.conversations.set(frame.chat_id, conversation);
        this.activeBox.prepend(conversation.node);
        this.renderEmpty();
        conversation.focus();
        break;
      }
      case "message":
      case "file":
        this.conversations.get(frame.chat_id)?.add(frame);
        break;
      case "typing":
        this.conversations.get(frame.chat_id)?.typingSeen();
        break;
      case "ended":
        this.conversations.get(frame.chat_id)?.end(frame.reason);
        break;
      case "error":
        fill(this.statusBox, h("p", { class: "hd-error", role: "alert" }, errorText(frame.code, frame.detail)));
        break;
      default:
    }
  }

  accept(chatId) {
    this.socket.send({ type: "accept", chat_id: chatId });
  }

  send(chatId, text) {
    return this.socket.send({ type: "message", chat_id: chatId, text });
  }

  typing(chatId) {
    this.socket.send({ type: "typing", chat_id: chatId });
  }

  end(chatId) {
    this.socket.send({ type: "end", chat_id: chatId });
  }

  forget(chatId) {
    this.conversations.get(chatId)?.node.remove();
    this.conversations.delete(chatId);
    this.renderEmpty();
  }

  render() {
    this.renderAvailability();
    this.renderQueue();
    for (const conversation of this.conversations.values()) conversation.renderChrome();
    this.renderEmpty();
    if (this.down) this.setDown(true);
  }

  renderAvailability() {
    const select = h(
      "select",
      { name: "availability", onchange: () => this.setAvailability(select.value) },
      AVAILABILITIES.map((value) => h("option", { value, selected: value === this.availability }, t(`availability_${value}`))),
    );
    fill(this.availabilityBox, labelled(t("availability_label"), select));
  }

  renderQueue() {
    fill(
      this.queueBox,
      h("h2", {}, t("chat_queue")),
      // Away: the chats waiting are not offered here, and the agent is told why.
      this.availability === "away" ? h("p", { class: "hd-note away-note" }, t("away_note")) : this.waitingList(),
    );
  }

  waitingList() {
    if (!this.waiting.length) return h("p", { class: "hd-muted" }, t("chat_queue_empty"));
    return h(
      "ul",
      { class: "waiting-list" },
      this.waiting.map((item) =>
        h(
          "li",
          { class: "waiting-item", dataset: { chatId: item.chat_id } },
          h(
            "div",
            { class: "waiting-text" },
            h("strong", {}, item.name),
            h("span", { class: "hd-muted" }, t("waiting_for", { time: waited(item.waiting_seconds) })),
            h("p", {}, item.question),
          ),
          h("button", { type: "button", class: "hd-button hd-primary hd-small accept-chat", onclick: () => this.accept(item.chat_id) }, t("accept")),
        ),
      ),
    );
  }

  renderEmpty() {
    this.activeBox.querySelector(".no-chats")?.remove();
    this.activeBox.querySelector(".active-title")?.remove();
    this.activeBox.prepend(h("h2", { class: "active-title" }, t("active_chats")));
    if (!this.conversations.size) this.activeBox.append(h("p", { class: "hd-muted no-chats" }, t("no_active_chats")));
  }
}

function waited(seconds) {
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
}

/** One accepted chat: built once, then lines are appended so typing is never disturbed. */
class Conversation {
  constructor(chats, accepted) {
    this.chats = chats;
    this.chatId = accepted.chat_id;
    this.person = accepted;
    this.ended = null;
    this.title = h("h3", {});
    this.log = h("ol", { class: "hd-chat-log", "aria-live": "polite" });
    this.typing = new TypingIndicator();
    const signalTyping = typingSignal(() => this.chats.typing(this.chatId));
    this.input = h("input", {
      type: "text",
      name: "text",
      maxlength: "2000",
      autocomplete: "off",
      oninput: () => {
        if (this.input.value.trim()) signalTyping();
      },
    });
    this.fileError = h("div", { class: "conversation-file-error", "aria-live": "assertive" });
    this.sendButton = h("button", { type: "submit", class: "hd-button hd-primary hd-small" });
    this.endButton = h("button", {
      type: "button",
      class: "hd-link-button hd-end-chat",
      // Ends a live chat; once it has ended, takes it off the screen.
      onclick: () => (this.ended ? this.chats.forget(this.chatId) : this.chats.end(this.chatId)),
    });
    this.footer = h("div", { class: "conversation-footer" });
    this.composer = h(
      "form",
      {
        class: "hd-composer",
        onsubmit: (event) => {
          event.preventDefault();
          const text = this.input.value.trim();
          if (text && this.chats.send(this.chatId, text)) this.input.value = "";
        },
      },
      attachControl(chats.config.accept, (file) => this.shareFile(file)),
      this.input,
      this.sendButton,
    );
    this.node = h(
      "article",
      { class: "conversation", dataset: { chatId: this.chatId } },
      h("header", { class: "conversation-head" }, this.title, this.endButton),
      this.log,
      this.typing.node,
      this.fileError,
      this.composer,
      this.footer,
    );
    // A screenshot pasted into the composer or a file dropped on the conversation is sent.
    takeFiles(this.node, (file) => this.shareFile(file));
    this.log.append(h("li", { class: "hd-line hd-line-agent" }, h("span", { class: "hd-line-text" }, accepted.question || "")));
    this.renderChrome();
  }

  renderChrome() {
    this.title.textContent = t("chat_with", { name: this.person.name || "", phone: this.person.phone || "" });
    this.input.placeholder = t("chat_type");
    this.input.setAttribute("aria-label", t("chat_type"));
    this.sendButton.textContent = t("chat_send");
    this.endButton.textContent = this.ended ? t("dismiss") : t("chat_end");
    fill(this.footer, this.ended ? h("p", { class: "hd-chat-status" }, this.ended === "user_left" || this.ended === "ended_by_user" ? t("chat_closed_by_user") : t("chat_closed")) : null);
  }

  focus() {
    this.input.focus();
  }

  add(frame) {
    if (frame.from === "user") this.typing.hide();
    const content = frame.file
      ? chatFileView(this.chats.api, this.chatId, frame.file, (error) => this.showFileError(error))
      : h("span", { class: "hd-line-text" }, frame.text);
    this.log.append(
      h(
        "li",
        // Mirrored from the Help menu: here the agent's own lines sit on the right.
        { class: `hd-line ${frame.from === "agent" ? "hd-line-user" : "hd-line-agent"}` },
        content,
        h("time", { datetime: frame.at }, formatTime(frame.at)),
      ),
    );
    this.log.scrollTop = this.log.scrollHeight;
  }

  typingSeen() {
    if (!this.ended) this.typing.show(t("chat_typing", { name: this.person.name || t("chat_user") }));
  }

  async shareFile(file) {
    if (this.ended) return;
    fill(this.fileError);
    try {
      await sendChatFile(this.chats.api, this.chats.config, this.chatId, file);
    } catch (error) {
      this.showFileError(error);
    }
  }

  showFileError(error) {
    fill(this.fileError, h("p", { class: "hd-error", role: "alert" }, errorText(error.code || null, error.detail || error.message || "")));
  }

  end(reason) {
    if (this.ended) return;
    this.ended = reason;
    this.typing.hide();
    this.composer.remove();
    this.node.classList.add("ended");
    this.renderChrome();
  }
}
