// A prefix on the tab's title ("(2) Hotel"): the title belongs to the host page, so it is
// put back exactly as it was, and a title the host sets meanwhile is the host's to keep.

export class TabTitle {
  constructor() {
    // The host's title under our prefix, and the title we wrote; null while we wrote none.
    this.hostTitle = null;
    this.written = null;
  }

  prefix(text) {
    if (this.written === null || document.title !== this.written) {
      // Ours is not on the tab (never written, or the host has set its own since): the
      // title there now is the host's.
      this.hostTitle = document.title;
    }
    this.written = text + this.hostTitle;
    if (document.title !== this.written) document.title = this.written;
  }

  restore() {
    if (this.written === null) return;
    // A title the host set after ours stays: putting the old one back would undo the host.
    if (document.title === this.written) document.title = this.hostTitle;
    this.written = null;
    this.hostTitle = null;
  }
}

/** A count on the tab's title while the page is in the background ("(2) "), gone when the
 * page is looked at again: unread answers in the Help menu, waiting chats in the console. */
export class BackgroundCount {
  constructor() {
    this.title = new TabTitle();
    this.count = 0;
    this.onVisibility = () => this.show();
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  set(count) {
    this.count = count;
    this.show();
  }

  show() {
    if (document.visibilityState === "hidden" && this.count > 0) this.title.prefix(`(${this.count}) `);
    else this.title.restore();
  }

  stop() {
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.title.restore();
  }
}
