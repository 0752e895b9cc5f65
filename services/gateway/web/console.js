// The ops console: sign in as an agent, then the ticket queue, one ticket, live chats and
// announcements side by side. Agents' pushes (new tickets, replies) refresh the queue.
import { Api } from "./lib/api.js";
import { h, fill, labelled } from "./lib/dom.js";
import { lang, onLangChange, setLang, setTimeZone, t } from "./lib/i18n.js";
import { Announcer } from "./console/announce.js";
import { CannedReplyManager } from "./console/canned.js";
import { AgentChats } from "./console/chats.js";
import { KnowledgeReport } from "./console/kb.js";
import { LiveSocket } from "./lib/live.js";
import { TicketPresence } from "./console/presence.js";
import { TicketQueue } from "./console/queue.js";
import { RatingsReport } from "./console/ratings.js";
import { TicketsReport } from "./console/reports.js";

const STORAGE_KEY = "helpdesk.console-agent";
const signInBox = document.getElementById("sign-in");
const notice = document.getElementById("console-notice");
const langButton = document.getElementById("lang");
let parts = [];

function renderChrome() {
  document.documentElement.lang = lang();
  document.getElementById("console-title").textContent = t("console_title");
  document.title = `${t("console_title")} – Help desk`;
  langButton.textContent = lang() === "pl" ? "EN" : "PL";
  langButton.setAttribute("aria-label", t("language_label"));
}

langButton.addEventListener("click", () => setLang(lang() === "pl" ? "en" : "pl"));
onLangChange(() => {
  renderChrome();
  for (const part of parts) part.render?.();
});

async function start(token) {
  for (const part of parts) part.stop?.();
  const api = new Api(window.location.origin, token);
  const [info, config] = await Promise.all([api.get("/api/v1/help"), api.get("/web/config.json")]);
  setTimeZone(info.support_hours.timezone);
  const presence = new TicketPresence();
  const queue = new TicketQueue(api, config, document.getElementById("queue-pane"), document.getElementById("ticket-pane"), presence);
  const chats = new AgentChats(api, config);
  const announcer = new Announcer(api);
  const knowledge = new KnowledgeReport(api);
  const ratings = new RatingsReport(api);
  const reports = new TicketsReport(api);
  const canned = new CannedReplyManager(api);
  const side = new SidePane(document.getElementById("side-pane"), { chats, announce: announcer, kb: knowledge, ratings, reports, canned });
  // New tickets and replies from anywhere: the queue and an open ticket stay current; who
  // else has the open ticket open is said and heard on the same socket.
  const stream = new LiveSocket(
    api.socketUrl("/api/v1/agent/stream"),
    (frame) => {
      queue.onEvent(frame);
      presence.onEvent(frame);
    },
    { onOpen: () => presence.connected() },
  );
  presence.connect(stream);
  parts = [queue, presence, chats, announcer, knowledge, ratings, reports, canned, side, { stop: () => stream.close() }];
  document.getElementById("console").hidden = false;
  notice.hidden = true;
  queue.load();
}

/** The right-hand column: chats, the announcement form, the knowledge base report, the
 * ratings report, the tickets report and the canned replies, one at a time. */
class SidePane {
  constructor(root, tabs) {
    this.parts = tabs;
    this.chats = tabs.chats;
    this.tab = "chats";
    this.tabs = h("div", { class: "hd-subtabs", role: "tablist" });
    this.body = h("div", { class: "side-body" });
    fill(root, this.tabs, this.body);
    // Only the tabs change with the waiting count: the body may hold a half-typed line.
    this.chats.onQueueChange = () => this.renderTabs();
    this.render();
  }

  render() {
    this.renderTabs();
    const part = this.parts[this.tab];
    fill(this.body, part.root);
    part.show?.();
  }

  renderTabs() {
    const waiting = this.chats.waitingCount();
    fill(
      this.tabs,
      [
        ["chats", t("chats")],
        ["announce", t("announce")],
        ["kb", t("kb_tab")],
        ["ratings", t("ratings")],
        ["reports", t("reports")],
        ["canned", t("canned_tab")],
      ].map(([id, label]) =>
        h(
          "button",
          {
            type: "button",
            role: "tab",
            class: "hd-subtab",
            "aria-selected": String(this.tab === id),
            dataset: { tab: id },
            onclick: () => {
              this.tab = id;
              this.render();
              if (id === "kb") this.parts.kb.load();
            },
          },
          label,
          id === "chats" && waiting ? h("span", { class: "hd-badge hd-waiting" }, String(waiting)) : null,
        ),
      ),
    );
  }
}

async function demoAgents() {
  const response = await fetch("/api/v1/demo/users");
  if (response.status === 404) return null;
  return (await response.json()).filter((user) => user.role === "agent");
}

async function demoToken(agent) {
  const response = await fetch("/api/v1/demo/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user_id: agent.user_id, name: agent.name, account_id: agent.account_id, role: "agent" }),
  });
  return (await response.json()).token;
}

function tokenForm() {
  const input = h("input", { type: "password", name: "token", autocomplete: "off", required: true });
  fill(
    signInBox,
    h(
      "form",
      {
        class: "token-form",
        onsubmit: (event) => {
          event.preventDefault();
          start(input.value.trim()).catch(showError);
        },
      },
      labelled(t("token_label"), input, t("token_hint")),
      h("button", { type: "submit", class: "hd-button hd-primary hd-small" }, t("sign_in")),
    ),
  );
}

function agentPicker(agents) {
  const wanted = new URLSearchParams(window.location.search).get("as") || sessionStorage.getItem(STORAGE_KEY);
  const chosen = agents.find((agent) => agent.user_id === wanted) || agents[0];
  const select = h(
    "select",
    {
      onchange: () => signInAs(agents.find((agent) => agent.user_id === select.value)),
    },
    agents.map((agent) => h("option", { value: agent.user_id, selected: agent === chosen }, agent.name)),
  );
  fill(signInBox, h("span", { class: "demo-tag" }, t("demo_mode")), labelled(t("sign_in_as"), select));
  return chosen;
}

async function signInAs(agent) {
  sessionStorage.setItem(STORAGE_KEY, agent.user_id);
  await start(await demoToken(agent));
}

function showError(error) {
  notice.textContent = t("error_generic", { detail: error.message });
  notice.hidden = false;
}

async function main() {
  renderChrome();
  const agents = await demoAgents();
  if (!agents) {
    tokenForm();
    return;
  }
  await signInAs(agentPicker(agents));
}

main().catch(showError);
