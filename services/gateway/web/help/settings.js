// The Help menu's settings: how support's messages reach a user whose tab is in the
// background (sound, desktop notifications). Kept in this browser.
import { h, fill, uid } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

export class SettingsSection {
  constructor(desk) {
    this.desk = desk;
    this.root = h("div", { class: "hd-section hd-settings" });
    this.notice = null;
  }

  get alerts() {
    return this.desk.alerts;
  }

  render() {
    const soundId = uid();
    const sound = h("input", {
      type: "checkbox",
      id: soundId,
      class: "hd-sound-toggle",
      checked: this.alerts.sound,
      "aria-describedby": `${soundId}-hint`,
      "data-autofocus": true,
      onchange: () => this.alerts.setSound(sound.checked),
    });
    fill(
      this.root,
      h("h3", {}, t("settings_notifications")),
      h("p", { class: "hd-muted" }, t("settings_title_note")),
      h(
        "div",
        { class: "hd-check" },
        sound,
        h("label", { for: soundId }, t("settings_sound")),
        h("small", { class: "hd-hint", id: `${soundId}-hint` }, t("settings_sound_hint")),
      ),
      this.desktopControl(),
    );
  }

  desktopControl() {
    const state = this.alerts.desktopState();
    const button = (label, className, onclick) =>
      h("button", { type: "button", class: `hd-button ${className}`, onclick }, label);
    let action = null;
    if (state === "off") {
      action = button(t("desktop_enable"), "hd-primary hd-desktop-enable", () => this.enableDesktop());
    } else if (state === "on") {
      action = button(t("desktop_disable"), "hd-secondary hd-desktop-disable", () => {
        this.alerts.disableDesktop();
        this.notice = null;
        this.rerender(".hd-desktop-enable");
      });
    }
    return h(
      "div",
      { class: "hd-desktop", dataset: { state } },
      h("p", { class: "hd-desktop-state", role: "status" }, this.notice || t(`desktop_${state}`)),
      action,
    );
  }

  async enableDesktop() {
    const answer = await this.alerts.enableDesktop();
    this.notice = answer === "granted" ? t("desktop_enabled_now") : null;
    this.rerender(".hd-desktop-disable");
  }

  /** Drawn again after a choice; the focus goes to the control that replaced the clicked one. */
  rerender(next) {
    this.render();
    (this.root.querySelector(next) || this.root.querySelector(".hd-sound-toggle"))?.focus();
  }
}
