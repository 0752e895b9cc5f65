// A socket that reconnects by itself: quickly after a blip, then backing off so a gateway
// that is down for a while is not hammered by every open tab at once (jitter spreads the
// tabs out), and at once when the browser is back online. The Help menu's pop-up stream
// and the console's live connections use it.

const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
// Close codes of a refused token: reconnecting with the same token cannot help.
const REFUSED = new Set([4401, 4403]);

export class LiveSocket {
  /** `onOpen` runs at every (re)connection, `onDown` when a connection is lost. */
  constructor(url, onFrame, { onOpen = () => {}, onDown = () => {} } = {}) {
    this.url = url;
    this.onFrame = onFrame;
    this.onOpen = onOpen;
    this.onDown = onDown;
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.closed = false;
    this.onOnline = () => this.reconnectNow();
    window.addEventListener("online", this.onOnline);
    this.connect();
  }

  connect() {
    if (this.closed || this.socket) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.onOpen();
    };
    socket.onmessage = (message) => {
      try {
        this.onFrame(JSON.parse(message.data));
      } catch (error) {
        // A frame this client does not understand (a newer server) is skipped.
        console.warn("helpdesk: a frame could not be handled", error);
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed || REFUSED.has(event.code)) return;
      this.onDown();
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
      this.attempt += 1;
      this.timer = setTimeout(() => this.connect(), delay / 2 + Math.random() * (delay / 2));
    };
  }

  /** Back online: try now rather than wait out the backoff. */
  reconnectNow() {
    if (this.closed || this.socket) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    this.connect();
  }

  send(frame) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    window.removeEventListener("online", this.onOnline);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }
}
