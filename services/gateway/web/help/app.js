// The Help menu: the button, the panel with its four sections, the chat window and the
// pop-ups. Each section keeps its own state and re-renders itself on a language change.
import { Api, ApiError } from "../lib/api.js";
import { BackgroundAlerts } from "./alerts.js";
import { h, fill, nothingFocused } from "../lib/dom.js";
import { errorText, lang, onLangChange, setLang, setTimeZone, t } from "../lib/i18n.js";
import { ChatWindow, ChatSection } from "./chat.js";
import { HoursSection, supportLine } from "./hours.js";
import { FaqSection } from "./faq.js";
import { HistorySection } from "./history.js";
import { PopupCenter } from "./popups.js";
import { SettingsSection } from "./settings.js";
import { TicketSection } from "./ticket.js";

const SECTIONS = [
  { id: "faq", label: "faq", icon: "?" },
  { id: "chat", label: "chat", icon: "✉" },
  { id: "ticket", label: "new_ticket", icon: "+" },
  { id: "history", label: "history", icon: "≡" },
];
// The history table and a ticket's thread need room; the other sections read better narrow.
const WIDE_SECTIONS = new Set(["history"]);
// An e-mail copy of an answer links to the host's page with this parameter: it opens the
// ticket (services/notifications/mail/compose.py, TICKET_PARAMETER).
const TICKET_LINK_PARAMETER = "helpdesk_ticket";

class HelpDesk {
  constructor(options) {
    this.options = options;
    this.api = null;
    this.info = null;
    this.config = null;
    this.current = "home";
    this.sections = {};
    // Escape closes the menu from inside it, and also when a redraw has taken the focus
    // from under the person (it is then on the page's body) while they look at the menu;
    // a key meant for the host page's own controls or for a pop-up is left alone.
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.defaultPrevented || !this.panel || this.panel.hidden) return;
      if (this.panel.contains(document.activeElement) || nothingFocused()) this.close();
    });
    this.button = this.buildButton();
    this.panel = null;
    this.previousFocus = null;
    this.unread = 0;
    if (options.lang) setLang(options.lang);
    onLangChange(() => this.renderAll());
  }

  /** Sign in with a token from the host (or from the demo endpoint) and go live. */
  async start({ token }) {
    this.stop();
    // A newer start (the host switched users) wins over one still loading.
    const generation = (this.generation = (this.generation || 0) + 1);
    const api = new Api(this.options.api, token);
    const [info, config] = await Promise.all([api.get("/api/v1/help"), api.get("/web/config.json")]);
    if (generation !== this.generation) return;
    this.api = api;
    this.button.disabled = false;
    this.info = info;
    this.config = config;
    setTimeZone(info.support_hours.timezone);
    this.alerts = new BackgroundAlerts(this);
    this.buildPanel();
    this.chatWindow = new ChatWindow(this);
    this.popups = new PopupCenter(this);
    this.popups.start();
    // At every sign-in, not only when the history opens: a token with a new address moves
    // the copies there before the next answer is sent.
    this.sections.history.emailCopies.load();
    this.openLinkedTicket();
  }

  /** The ticket an e-mail copy's link names, opened once per page (not again per sign-in). */
  openLinkedTicket() {
    if (this.linkFollowed) return;
    this.linkFollowed = true;
    const number = new URLSearchParams(window.location.search).get(TICKET_LINK_PARAMETER);
    if (number) this.open("history", { ticket: number });
  }

  setToken(token) {
    return this.start({ token });
  }

  stop() {
    this.popups?.stop();
    this.alerts?.stop();
    this.alerts = null;
    this.chatWindow?.destroy();
    this.panel?.remove();
    this.panel = null;
    this.sections = {};
    this.current = "home";
  }

  buildButton() {
    const button = h(
      "button",
      {
        type: "button",
        class: "hd-help-button",
        "aria-haspopup": "dialog",
        "aria-expanded": "false",
        disabled: true,
        onclick: () => (this.isOpen() ? this.close() : this.open()),
      },
      h("span", { class: "hd-help-icon", "aria-hidden": "true" }, "?"),
      h("span", { class: "hd-help-label" }, t("help")),
      h("span", { class: "hd-unread-count", "aria-hidden": "true", hidden: true }),
      h("span", { class: "hd-unread-words hd-visually-hidden" }),
    );
    const slot = this.options.mount && document.querySelector(this.options.mount);
    if (slot) {
      slot.append(button);
    } else {
      button.classList.add("hd-floating");
      document.body.append(button);
    }
    return button;
  }

  buildPanel() {
    this.sections = {
      home: new HomeView(this),
      faq: new FaqSection(this),
      chat: new ChatSection(this),
      ticket: new TicketSection(this),
      history: new HistorySection(this),
      hours: new HoursSection(this),
      settings: new SettingsSection(this),
    };
    this.body = h("div", { class: "hd-body" });
    this.nav = h("nav", { class: "hd-nav" });
    this.footer = h("footer", { class: "hd-footer" });
    this.heading = h("h2", { class: "hd-title", id: "hd-panel-title" });
    this.langButton = h("button", {
      type: "button",
      class: "hd-lang",
      onclick: () => setLang(lang() === "pl" ? "en" : "pl"),
    });
    this.settingsButton = h(
      "button",
      {
        type: "button",
        class: "hd-icon-button hd-settings-button",
        dataset: { section: "settings" },
        onclick: () => this.show("settings"),
      },
      h("span", { "aria-hidden": "true" }, "⚙"),
    );
    this.closeButton = h("button", {
      type: "button",
      class: "hd-icon-button",
      onclick: () => this.close(),
    });
    this.panel = h(
      "section",
      {
        class: "hd-root hd-panel",
        role: "dialog",
        "aria-labelledby": "hd-panel-title",
        hidden: true,
      },
      h(
        "header",
        { class: "hd-header" },
        h(
          "button",
          { type: "button", class: "hd-home", onclick: () => this.show("home") },
          this.heading,
        ),
        this.settingsButton,
        this.langButton,
        this.closeButton,
      ),
      this.nav,
      this.body,
      this.footer,
    );
    document.body.append(this.panel);
    this.renderAll();
  }

  /** The Help button's badge: support's pop-ups the user has not previewed yet. */
  setUnread(count) {
    this.unread = count || 0;
    const badge = this.button.querySelector(".hd-unread-count");
    badge.textContent = String(this.unread);
    badge.hidden = this.unread === 0;
    this.button.querySelector(".hd-unread-words").textContent = this.unread ? t("unread_popups", { n: this.unread }) : "";
    this.alerts?.setCount(this.unread);
  }

  renderAll() {
    this.button.querySelector(".hd-help-label").textContent = t("help");
    this.setUnread(this.unread);
    this.button.setAttribute("lang", lang());
    if (!this.panel) return;
    this.panel.setAttribute("lang", lang());
    this.heading.textContent = t("help");
    this.langButton.textContent = lang() === "pl" ? "EN" : "PL";
    this.langButton.setAttribute("aria-label", t("language_label"));
    this.settingsButton.setAttribute("aria-label", t("settings"));
    this.settingsButton.title = t("settings");
    this.closeButton.textContent = "×";
    this.closeButton.setAttribute("aria-label", t("close"));
    for (const section of Object.values(this.sections)) section.render();
    this.chatWindow?.render();
    this.popups?.render();
    this.renderNav();
    this.renderFooter();
    this.show(this.current, undefined, { focus: false });
  }

  renderNav() {
    fill(
      this.nav,
      SECTIONS.map(({ id, label, icon }) =>
        h(
          "button",
          {
            type: "button",
            class: "hd-tab",
            dataset: { section: id },
            "aria-current": this.current === id ? "page" : false,
            onclick: () => this.show(id),
          },
          h("span", { class: "hd-tab-icon", "aria-hidden": "true" }, icon),
          t(label),
        ),
      ),
    );
  }

  renderFooter() {
    fill(
      this.footer,
      supportLine(this.info),
      h(
        "button",
        { type: "button", class: "hd-link-button", onclick: () => this.show("hours") },
        t("hours_contacts"),
      ),
    );
  }

  isOpen() {
    return Boolean(this.panel && !this.panel.hidden);
  }

  /** Open the panel at a section; `argument` goes to the section (an article, a ticket). */
  open(section = this.current, argument) {
    if (!this.panel) return;
    this.previousFocus = document.activeElement;
    this.panel.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    this.show(section, argument);
    this.refreshInfo();
  }

  /** Support opens and closes while a page stays open: ask again whenever the menu opens. */
  async refreshInfo() {
    let info;
    try {
      info = await this.api.get("/api/v1/help");
    } catch {
      // Unreachable now: what is on screen is the last known answer, and still useful.
      return;
    }
    const changed = info.open_now !== this.info.open_now || info.chat_available !== this.info.chat_available;
    this.info = info;
    if (!changed) return;
    this.renderFooter();
    for (const id of ["chat", "hours"]) this.sections[id].render();
  }

  close() {
    if (!this.panel || this.panel.hidden) return;
    this.panel.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    (this.previousFocus?.isConnected ? this.previousFocus : this.button).focus();
    this.popups?.resume();
  }

  show(id, argument, { focus = true } = {}) {
    if (!this.panel) return;
    if (id === "chat" && this.chatWindow?.active()) {
      // A chat in progress lives in its window; opening the section again brings it up.
      this.chatWindow.expand();
      this.close();
      return;
    }
    this.current = id;
    const section = this.sections[id];
    if (argument !== undefined) section.enter?.(argument);
    fill(this.body, section.root);
    this.panel.classList.toggle("hd-wide", WIDE_SECTIONS.has(id));
    for (const tab of [...this.nav.querySelectorAll(".hd-tab"), this.settingsButton]) {
      if (tab.dataset.section === id) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    section.shown?.();
    if (focus && !this.panel.hidden) {
      const target = section.root.querySelector("[data-autofocus]") || this.heading.parentElement;
      target.focus();
    }
  }

  /** A failed call as a sentence for the user; a 401 means the host's token has expired. */
  describe(error) {
    if (!(error instanceof ApiError)) return t("error_generic", { detail: String(error) });
    if (error.status === 0) return t("error_network");
    if (error.status === 401) return t("error_session");
    const translated = errorText(error.code, null);
    return translated || t("error_generic", { detail: error.detail });
  }
}

/** The menu's first screen: the four sections as cards. */
class HomeView {
  constructor(desk) {
    this.desk = desk;
    this.root = h("div", { class: "hd-home-view" });
  }

  render() {
    const cards = [
      ["faq", "faq_long", "faq_hint", "?"],
      ["chat", "chat", "chat_hint", "✉"],
      ["ticket", "new_ticket", "ticket_hint", "+"],
      ["history", "history", "history_hint", "≡"],
    ];
    fill(
      this.root,
      h("p", { class: "hd-lead" }, t("menu_intro")),
      h(
        "div",
        { class: "hd-cards" },
        cards.map(([id, title, hint, icon], index) =>
          h(
            "button",
            {
              type: "button",
              class: `hd-card hd-card-${id}`,
              "data-autofocus": index === 0 ? true : false,
              onclick: () => this.desk.show(id),
            },
            h("span", { class: "hd-card-icon", "aria-hidden": "true" }, icon),
            h("span", { class: "hd-card-title" }, t(title)),
            h("span", { class: "hd-card-hint" }, t(hint)),
          ),
        ),
      ),
    );
  }
}

export function createHelpDesk(options) {
  return new HelpDesk(options);
}
