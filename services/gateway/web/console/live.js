// A socket that reconnects by itself with backoff, for the console's live connections.

const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
// A refused token will be refused again: no point retrying with it.
const REFUSED = new Set([4401, 4403]);

export class LiveSocket {
  constructor(url, onFrame, { onOpen = () => {}, onDown = () => {} } = {}) {
    this.url = url;
    this.onFrame = onFrame;
    this.onOpen = onOpen;
    this.onDown = onDown;
    this.attempt = 0;
    this.closed = false;
    this.connect();
  }

  connect() {
    if (this.closed) return;
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
        console.warn("console: a frame could not be handled", error);
      }
    };
    socket.onclose = (event) => {
      if (this.closed || REFUSED.has(event.code)) return;
      this.onDown();
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
      this.attempt += 1;
      this.timer = setTimeout(() => this.connect(), delay / 2 + Math.random() * (delay / 2));
    };
  }

  send(frame) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }
}
