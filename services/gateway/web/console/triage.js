// Support's own view of a ticket in the console: who handles it (assign, "assign to me",
// unassign), its importance ("Ważność", the priority) and its tags, with suggestions of the
// tags already in use. Users never see the assignee or the tags.
import { debounce, h, labelled } from "../lib/dom.js";
import { IMPORTANCES, t } from "../lib/i18n.js";

// Suggestions follow typing, one request per pause.
const SUGGEST_DELAY_MS = 200;

export function assigneeName(assignee) {
  return assignee ? assignee.name : t("unassigned");
}

/** The ticket's tags as chips, each with a button that takes it off (`remove`). */
export function tagChips(tags, remove) {
  if (!tags?.length) return null;
  return h(
    "ul",
    { class: "tag-list", "aria-label": t("tags") },
    tags.map((tag) =>
      h("li", { class: "tag", dataset: { tag } }, tag, h("button", { type: "button", class: "tag-remove", "aria-label": t("tag_remove", { tag }), onclick: () => remove(tag) }, "×")),
    ),
  );
}

/** A queue row's tags: text inside the row's button (no controls there). */
export function tagLabels(tags) {
  if (!tags?.length) return null;
  return h("span", { class: "tag-list" }, h("span", { class: "hd-visually-hidden" }, `${t("tags")}: `), tags.map((tag) => h("span", { class: "tag" }, tag)));
}

/** A list of the tags in use starting with what `input` holds, refreshed as the agent types. */
export function tagSuggestions(api, input) {
  const list = h("datalist", { id: `${input.name}-suggestions` });
  input.setAttribute("list", list.id);
  const refresh = debounce(async () => {
    try {
      const tags = await api.get("/api/v1/agent/tags", { prefix: input.value.trim().toLowerCase() });
      list.replaceChildren(...tags.map((tag) => h("option", { value: tag })));
    } catch {
      // Only suggestions: without them the agent still types the whole tag.
    }
  }, SUGGEST_DELAY_MS);
  input.addEventListener("input", refresh);
  input.addEventListener("focus", refresh);
  return list;
}

/** The agents seen as <option>s, the caller marked; `selected` is an agent id. */
export function agentOptions(directory, selected) {
  return directory.items.map((agent) =>
    h("option", { value: agent.id, selected: agent.id === selected }, agent.id === directory.me ? t("agent_me", { name: agent.name }) : agent.name),
  );
}

/** Assignee, importance and tags of `ticket`; each change is one PATCH through `patch`. */
export function triageForms(api, ticket, directory, patch) {
  const assignee = ticket.assignee;
  const agents = h("select", { name: "assignee" }, h("option", { value: "" }, t("unassigned")), agentOptions(directory, assignee?.id));
  const importance = h(
    "select",
    { name: "importance" },
    IMPORTANCES.map((value) => h("option", { value, selected: value === ticket.importance }, t(`importance_${value}`))),
  );
  const tag = h("input", { type: "text", name: "tag", maxlength: "30", autocomplete: "off" });
  const submit = (change) => (event) => {
    event.preventDefault();
    const body = change();
    if (body) patch(body);
  };
  const button = (text, onclick, className = "hd-secondary") => h("button", { type: "button", class: `hd-button ${className} hd-small`, onclick }, text);
  return h(
    "section",
    { class: "triage", "aria-label": t("triage") },
    h("p", { class: "assignee-line" }, `${t("assignee")}: `, h("strong", { class: "assignee-name" }, assigneeName(assignee))),
    h(
      "form",
      { class: "inline-form assign-form", onsubmit: submit(() => ({ assignee_id: agents.value || null })) },
      labelled(t("assign_to"), agents),
      h("button", { type: "submit", class: "hd-button hd-secondary hd-small" }, t("assign")),
      assignee?.id === directory.me ? null : button(t("assign_to_me"), () => patch({ assignee_id: directory.me }), "hd-primary"),
      assignee ? button(t("unassign"), () => patch({ assignee_id: null })) : null,
    ),
    h(
      "form",
      { class: "inline-form importance-form", onsubmit: submit(() => ({ importance: importance.value })) },
      labelled(t("change_importance"), importance),
      h("button", { type: "submit", class: "hd-button hd-secondary hd-small" }, t("save")),
    ),
    tagChips(ticket.tags, (removed) => patch({ remove_tags: [removed] })),
    h(
      "form",
      { class: "inline-form tag-form", onsubmit: submit(() => (tag.value.trim() ? { add_tags: [tag.value.trim()] } : null)) },
      labelled(t("add_tag"), tag),
      tagSuggestions(api, tag),
      h("button", { type: "submit", class: "hd-button hd-secondary hd-small" }, t("add")),
    ),
  );
}
