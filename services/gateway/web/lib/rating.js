// The satisfaction rating a user gives: 1 to 5 stars and, for a resolved ticket, a comment
// if they like. The stars are radio buttons underneath, so Tab, the arrow keys and Space
// work as in any form and a screen reader says "4 of 5"; the form is built once and only
// its state changes afterwards, so the focus never jumps while the user rates.
import { h, uid } from "./dom.js";
import { refusal } from "./api.js";
import { t } from "./i18n.js";

export const STARS = [1, 2, 3, 4, 5];
const COMMENT_MAX = 2000;

export class RatingForm {
  /**
   * `send({rating, comment?})` stores the rating (a promise of what was stored); `initial`
   * is a rating given before (it can be changed); `once`: a rating, once sent, is final.
   */
  constructor({ legend, withComment = false, once = false, initial = null, send }) {
    this.send = send;
    this.once = once;
    this.saved = initial;
    const name = uid("hd-rating");
    this.stars = STARS.map((rating) => {
      const input = h("input", {
        type: "radio",
        name,
        id: `${name}-${rating}`,
        value: String(rating),
        class: "hd-visually-hidden",
        checked: initial?.rating === rating,
        dataset: { rating: String(rating) },
        onchange: () => this.showStars(),
      });
      const label = h(
        "label",
        { for: input.id, title: t("rating_star", { n: rating }) },
        h("span", { "aria-hidden": "true" }, "★"),
        h("span", { class: "hd-visually-hidden" }, t("rating_star", { n: rating })),
      );
      return [input, label];
    });
    this.comment = withComment
      ? h("textarea", { id: uid(), name: "comment", rows: "2", maxlength: String(COMMENT_MAX) })
      : null;
    if (this.comment) this.comment.value = initial?.comment || "";
    this.button = h("button", { type: "submit", class: "hd-button hd-secondary hd-small hd-rating-send" });
    this.status = h("p", { class: "hd-rating-status", role: "status" });
    this.node = h(
      "form",
      { class: "hd-rating", onsubmit: (event) => this.submit(event) },
      h("fieldset", { class: "hd-stars" }, h("legend", {}, legend), this.stars.flat()),
      this.comment
        ? h("div", { class: "hd-field" }, h("label", { for: this.comment.id }, t("rating_comment")), this.comment)
        : null,
      h("div", { class: "hd-rating-actions" }, this.button, this.status),
    );
    this.showStars();
    this.showState();
  }

  chosen() {
    const checked = this.stars.find(([input]) => input.checked);
    return checked ? Number(checked[0].value) : null;
  }

  showStars() {
    const chosen = this.chosen() || 0;
    for (const [input, label] of this.stars) label.classList.toggle("hd-on", Number(input.value) <= chosen);
  }

  showState(error = null) {
    const final = this.once && this.saved;
    this.button.textContent = this.saved ? t("rating_change") : t("rating_send");
    this.button.hidden = Boolean(final);
    for (const [input] of this.stars) input.disabled = Boolean(final);
    if (this.comment) this.comment.disabled = Boolean(final);
    this.status.classList.toggle("hd-error", Boolean(error));
    this.status.setAttribute("role", error ? "alert" : "status");
    this.status.textContent = error || (this.saved ? t("rating_thanks", { n: this.saved.rating }) : "");
  }

  async submit(event) {
    event.preventDefault();
    const rating = this.chosen();
    if (!rating) {
      this.showState(t("rating_pick_stars"));
      this.stars[0][0].focus();
      return;
    }
    const choice = { rating };
    if (this.comment) choice.comment = this.comment.value.trim() || null;
    this.button.disabled = true;
    try {
      this.saved = await this.send(choice);
      this.showState();
    } catch (error) {
      this.showState(refusal(error));
    } finally {
      this.button.disabled = false;
    }
  }
}

/**
 * The rating of a ticket's resolution, where the user meets the ticket (its pop-up, its
 * preview): an element that fills itself with the form if the resolution may be rated now
 * (by this user), and stays empty otherwise or when the question cannot be asked.
 */
export function ticketRating(api, number) {
  const node = h("div", { class: "hd-ticket-rating" });
  const path = `/api/v1/tickets/${encodeURIComponent(number)}/rating`;
  api.get(path).then(
    (state) => {
      if (!state.rateable) return;
      const form = new RatingForm({
        legend: t("rating_ticket_question"),
        withComment: true,
        initial: state.rating,
        send: (choice) => api.request("PUT", path, { json: choice }),
      });
      node.append(form.node);
    },
    // Not offered this time (offline, an older gateway): the rest works as ever.
    () => {},
  );
  return node;
}

/** A rating shown, not asked for: "★★★★☆ 4/5". */
export function starsText(rating) {
  return `${"★".repeat(rating)}${"☆".repeat(STARS.length - rating)} ${rating}/${STARS.length}`;
}
