// Telling a user whose tab is in the background that support wrote: the unread count in
// the tab's title, an optional short sound, and a desktop notification if they enabled it.
// The sound and the desktop notifications are the user's choices (Help menu settings),
// kept in this browser; the browser's permission is asked only when they click to enable.
import { BackgroundCount } from "../lib/tab-title.js";
import { Chime } from "../lib/chime.js";
import { popupHeading } from "./popups.js";

const SOUND_KEY = "helpdesk.sound";
const DESKTOP_KEY = "helpdesk.desktop-notifications";
// Every open tab of the user hears the same pop-up: the first to claim it plays the sound.
const CHIME_CLAIM_KEY = "helpdesk.chimed";
const CHIME_CLAIM_MS = 10_000;

function stored(key) {
  try {
    return localStorage.getItem(key) === "on";
  } catch {
    return false;
  }
}

function store(key, on) {
  try {
    localStorage.setItem(key, on ? "on" : "off");
  } catch {
    // Storage can be off (private mode, a host's policy); the choice then lasts the page.
  }
}

/** The browser's say on desktop notifications: "granted", "denied", "default" or "unsupported". */
function notificationPermission() {
  return "Notification" in window ? Notification.permission : "unsupported";
}

export class BackgroundAlerts {
  constructor(desk) {
    this.desk = desk;
    this.unread = new BackgroundCount();
    this.chime = new Chime();
    this.sound = stored(SOUND_KEY);
    this.desktop = stored(DESKTOP_KEY);
    this.notifications = new Map();
    // Browsers let a page make sound only after the user did something on it.
    this.onGesture = () => this.sound && this.chime.unlock();
    document.addEventListener("pointerdown", this.onGesture, true);
    document.addEventListener("keydown", this.onGesture, true);
  }

  stop() {
    document.removeEventListener("pointerdown", this.onGesture, true);
    document.removeEventListener("keydown", this.onGesture, true);
    this.unread.stop();
    this.chime.close();
    for (const notification of this.notifications.values()) notification.close();
    this.notifications.clear();
  }

  /** The unread count changed (the Help button's badge): the title shows it while hidden. */
  setCount(count) {
    this.unread.set(count);
  }

  /** A pop-up arrived live (new, or a reminder that fell due). */
  arrived(popup, type) {
    if (this.sound && this.claimChime(`${type}:${popup.number}`)) this.chime.play();
    if (document.visibilityState === "hidden" && this.desktopOn()) this.notify(popup);
  }

  setSound(on) {
    this.sound = on;
    store(SOUND_KEY, on);
    // The click that turned it on is the gesture that lets the page play; it plays once
    // so the user hears what it will sound like.
    if (on) this.chime.play();
  }

  desktopOn() {
    return this.desktop && notificationPermission() === "granted";
  }

  /** Asked from the user's click on "Enable": the browser's question comes only then. */
  async enableDesktop() {
    if (notificationPermission() === "unsupported") return "unsupported";
    // Already decided, the browser answers at once without asking again.
    const answer = await Notification.requestPermission();
    this.desktop = answer === "granted";
    store(DESKTOP_KEY, this.desktop);
    return answer;
  }

  disableDesktop() {
    this.desktop = false;
    store(DESKTOP_KEY, false);
  }

  notify(popup) {
    let notification;
    try {
      notification = new Notification(popupHeading(popup), {
        // The title, not the answer itself: a desktop notification shows on a screen others see.
        body: popup.title,
        // One notification per pop-up however many of the user's tabs hear it.
        tag: `helpdesk-popup-${popup.number}`,
        lang: document.documentElement.lang || undefined,
      });
    } catch {
      // Chrome on Android allows notifications only from a service worker: the pop-up,
      // the title and the sound still tell the user.
      return;
    }
    this.notifications.get(popup.number)?.close();
    this.notifications.set(popup.number, notification);
    notification.onclick = () => {
      window.focus();
      notification.close();
      this.desk.popups?.bringUp(popup);
    };
    notification.onclose = () => {
      if (this.notifications.get(popup.number) === notification) this.notifications.delete(popup.number);
    };
  }

  /** True for the one tab that plays the sound of this arrival. */
  claimChime(key) {
    try {
      const claim = JSON.parse(localStorage.getItem(CHIME_CLAIM_KEY) || "null");
      if (claim?.key === key && Date.now() - claim.at < CHIME_CLAIM_MS) return false;
      localStorage.setItem(CHIME_CLAIM_KEY, JSON.stringify({ key, at: Date.now() }));
    } catch {
      // No storage: every tab plays, which is better than none.
    }
    return true;
  }

  /** What the settings say about desktop notifications now. */
  desktopState() {
    const permission = notificationPermission();
    if (permission === "unsupported") return "unsupported";
    if (permission === "denied") return "blocked";
    return this.desktopOn() ? "on" : "off";
  }
}
