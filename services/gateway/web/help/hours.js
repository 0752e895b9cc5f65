// Support hours and the alternative channels: always one click away in the menu's footer,
// and shown again wherever support is out (chat offline).
import { h, fill } from "../lib/dom.js";
import { dayName, formatDateTime, lang, t } from "../lib/i18n.js";

/** "Open now" or "Closed – opens Monday 08:00", as one line with a coloured dot. */
export function supportLine(info) {
  const open = info.open_now;
  return h(
    "p",
    { class: `hd-status-line ${open ? "hd-open" : "hd-closed"}` },
    h("span", { class: "hd-dot", "aria-hidden": "true" }),
    open ? t("open_now") : `${t("closed_now")} · ${t("next_open", { when: formatDateTime(info.next_open) })}`,
  );
}

/** The contacts by topic, with phone and e-mail as links the device can act on. */
export function contactList(contacts) {
  return h(
    "ul",
    { class: "hd-contacts" },
    contacts.map((contact) =>
      h(
        "li",
        {},
        h("strong", {}, lang() === "pl" ? contact.label_pl : contact.label_en),
        h(
          "span",
          {},
          `${t("phone")}: `,
          h("a", { href: `tel:${contact.phone.replace(/[^\d+]/g, "")}` }, contact.phone),
        ),
        h("span", {}, `${t("email")}: `, h("a", { href: `mailto:${contact.email}` }, contact.email)),
      ),
    ),
  );
}

function scheduleTable(hours) {
  if (hours.always) return h("p", {}, t("always_open"));
  return h(
    "table",
    { class: "hd-hours" },
    h(
      "tbody",
      {},
      hours.schedule.map((row) =>
        h("tr", {}, h("th", { scope: "row" }, dayName(row.day)), h("td", {}, `${row.open}–${row.close}`)),
      ),
    ),
  );
}

export class HoursSection {
  constructor(desk) {
    this.desk = desk;
    this.root = h("div", { class: "hd-section hd-hours-view" });
  }

  render() {
    const info = this.desk.info;
    const hours = info.support_hours;
    fill(
      this.root,
      h("h3", { "data-autofocus": true, tabindex: "-1" }, t("support_hours")),
      supportLine(info),
      scheduleTable(hours),
      h(
        "p",
        { class: "hd-muted" },
        t("timezone", { tz: hours.timezone }),
        // Round the clock means holidays too: saying "closed on holidays" would contradict it.
        !hours.always && hours.holidays && hours.holidays !== "none" ? ` ${t("holidays_off")}` : "",
      ),
      h("h3", {}, t("contacts")),
      contactList(info.contacts),
      h(
        "p",
        {},
        h("a", { href: info.kb_url, target: "_blank", rel: "noopener noreferrer", class: "hd-external" }, t("open_kb")),
      ),
    );
  }
}
