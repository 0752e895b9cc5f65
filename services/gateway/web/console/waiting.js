// A new chat waiting for an agent: a short chime, and the number waiting on the tab's
// title while the console is in the background. An agent away is offered none, so hears none.
import { Chime } from "../lib/chime.js";
import { BackgroundCount } from "../lib/tab-title.js";

export class WaitingChatsAlert {
  constructor() {
    this.count = new BackgroundCount();
    this.chime = new Chime();
    // The chats offered last time; null until the first view, which is no news.
    this.known = null;
    // Browsers let a page make sound only after the agent did something on it.
    this.onGesture = () => this.chime.unlock();
    document.addEventListener("pointerdown", this.onGesture, true);
    document.addEventListener("keydown", this.onGesture, true);
  }

  /** The chats offered now, first come first. */
  offered(items) {
    const arrived = this.known !== null && items.some((item) => !this.known.has(item.chat_id));
    this.known = new Set(items.map((item) => item.chat_id));
    if (arrived) this.chime.play();
    this.count.set(items.length);
  }

  stop() {
    document.removeEventListener("pointerdown", this.onGesture, true);
    document.removeEventListener("keydown", this.onGesture, true);
    this.count.stop();
    this.chime.close();
  }
}
