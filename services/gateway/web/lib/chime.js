// A short two-note chime made with Web Audio: no sound file to ship, cache or block.

const NOTES = [
  [880, 0],
  [1320, 0.13],
];
const NOTE_SECONDS = 0.18;
const VOLUME = 0.12;
// A context the browser starts late (no click yet) must not chime long after the message.
const LATE_MS = 1000;

export class Chime {
  constructor() {
    this.context = null;
  }

  /** Call from a user's click or key: browsers start audio only after one. */
  unlock() {
    const AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!AudioContext) return null;
    this.context ||= new AudioContext();
    if (this.context.state === "suspended") this.context.resume().catch(() => {});
    return this.context;
  }

  /** A page makes few audio contexts (browsers cap them): one per sign-in, closed after. */
  close() {
    this.context?.close().catch(() => {});
    this.context = null;
  }

  play() {
    const context = this.unlock();
    if (!context) return;
    if (context.state === "running") {
      this.sound(context);
      return;
    }
    // A context starts a moment after it is made, even from a click; one not allowed to
    // start yet (no click on the page since it loaded) stays silent: the pop-up, the title
    // and a desktop notification still tell the user.
    const asked = Date.now();
    context.resume().then(
      () => Date.now() - asked < LATE_MS && this.sound(context),
      () => {},
    );
  }

  sound(context) {
    const start = context.currentTime;
    for (const [frequency, offset] of NOTES) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      // A quick rise and an exponential fall: a soft "ding", no click at either end.
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(VOLUME, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + NOTE_SECONDS);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + NOTE_SECONDS + 0.02);
    }
  }
}
