// FAQ: the knowledge base's chapters, search as you type, and an article's text.
import { debounce, h, fill, highlighted } from "../lib/dom.js";
import { lang, t } from "../lib/i18n.js";
import { LatestOnly, STALE } from "../lib/latest.js";
import { renderMarkdown } from "../lib/markdown.js";
import { HelpfulVote } from "./helpful.js";

// Short enough to feel instant, long enough not to search on every keystroke of a word.
const SEARCH_DELAY_MS = 200;
// A search with no results that stays on screen this long (or is sent with Enter) is what
// the user looked for, not a word half typed: only then is it reported as a content gap.
const SETTLED_MS = 1500;

export class FaqSection {
  constructor(desk) {
    this.desk = desk;
    this.root = h("div", { class: "hd-section hd-faq" });
    this.query = "";
    this.results = null;
    this.chapters = null;
    this.chaptersLang = null;
    this.resultsLang = null;
    this.article = null;
    this.error = null;
    this.searches = new LatestOnly();
    this.search = debounce(() => this.runSearch(), SEARCH_DELAY_MS);
    this.vote = null;
    // Each query is reported once per page: repeating it adds nothing to the report.
    this.reported = new Set();
    this.settleTimer = null;
    // Built once: re-creating the search box (when chapters or results arrive) would take
    // the focus, and the text being typed, away from the user.
    this.searchInput = h("input", {
      type: "search",
      class: "hd-search-input",
      autocomplete: "off",
      "data-autofocus": true,
      oninput: (event) => {
        this.query = event.target.value;
        this.search();
      },
    });
    this.content = h("div", { class: "hd-faq-content", "aria-live": "polite" });
    fill(
      this.root,
      h(
        "form",
        {
          class: "hd-search",
          role: "search",
          onsubmit: (event) => (event.preventDefault(), this.runSearch({ settled: true })),
        },
        this.searchInput,
      ),
      this.content,
    );
  }

  /** Open one article, e.g. from a suggestion in the New ticket form. */
  enter(slug) {
    this.openArticle(slug);
  }

  shown() {
    if (this.chaptersLang !== lang()) this.loadChapters();
  }

  async loadChapters() {
    this.chaptersLang = lang();
    try {
      this.chapters = (await this.desk.api.get("/api/v1/kb/chapters", { lang: lang() })).chapters;
      this.error = null;
    } catch (error) {
      this.chaptersLang = null;
      this.error = this.desk.describe(error);
    }
    this.renderContent();
  }

  /** Search for what is typed; the results replace an open article unless `keepArticle`. */
  async runSearch({ keepArticle = false, settled = false, asked = true } = {}) {
    const query = this.query.trim();
    clearTimeout(this.settleTimer);
    if (query.length < 2) {
      this.searches.forget();
      this.results = null;
      this.renderContent();
      return;
    }
    try {
      const found = await this.searches.run(() => this.desk.api.get("/api/v1/kb/search", { q: query, lang: lang(), limit: 8 }));
      if (found === STALE) return;
      this.results = found.items;
      this.resultsLang = lang();
      this.error = null;
    } catch (error) {
      this.error = this.desk.describe(error);
    }
    if (!keepArticle) this.article = null;
    this.renderContent();
    // `asked`: the user's own search, not the same one run again in another language.
    if (asked && this.results && !this.results.length) {
      if (settled) this.reportMissed(query);
      else this.settleTimer = setTimeout(() => this.reportMissed(query), SETTLED_MS);
    }
  }

  /** Tell support that this search found nothing, if it is still what is on screen. */
  async reportMissed(query) {
    const key = `${lang()}:${query.toLowerCase()}`;
    const onScreen = query === this.query.trim() && this.resultsLang === lang() && this.results?.length === 0;
    if (!onScreen || this.reported.has(key)) return;
    this.reported.add(key);
    try {
      await this.desk.api.post("/api/v1/kb/missed-searches", { q: query, lang: lang() });
    } catch {
      // The report is support's bookkeeping; the user loses nothing when it fails.
      this.reported.delete(key);
    }
  }

  async openArticle(slug, { focus = true } = {}) {
    try {
      this.article = await this.desk.api.get(`/api/v1/kb/articles/${encodeURIComponent(slug)}`);
      this.vote = new HelpfulVote(this.desk, this.article.slug);
      this.error = null;
    } catch (error) {
      this.error = this.desk.describe(error);
    }
    this.renderContent();
    if (focus) this.root.querySelector(".hd-article h3")?.focus();
  }

  render() {
    this.searchInput.placeholder = t("search_placeholder");
    this.searchInput.setAttribute("aria-label", t("search_kb"));
    // A language switch while reading: show the article's translation when there is one.
    const translated = this.article?.lang !== lang() && this.article?.translations?.[lang()];
    if (translated) this.openArticle(translated, { focus: false });
    // Results in the previous language are stale: ask again in the new one, behind the
    // open article if there is one. (Only then: searching again on every render closed
    // the article a result had just opened.)
    if (this.results && this.resultsLang !== lang()) this.runSearch({ keepArticle: true, asked: false });
    this.vote?.render();
    this.renderContent();
  }

  renderContent() {
    if (this.error) {
      fill(this.content, h("p", { class: "hd-error", role: "alert" }, this.error));
    } else if (this.article) {
      fill(this.content, this.articleView());
    } else if (this.results) {
      fill(this.content, this.resultsView());
    } else {
      fill(this.content, this.chaptersView());
    }
  }

  resultsView() {
    const query = this.query.trim();
    if (!this.results.length) {
      return [h("p", { class: "hd-empty" }, t("no_results", { q: query })), this.stillNeedHelp()];
    }
    return [
      h("h3", { class: "hd-subtle" }, t("results_for", { q: query })),
      h(
        "ul",
        { class: "hd-results" },
        this.results.map((item) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "hd-result", onclick: () => this.openArticle(item.slug) },
              h("span", { class: "hd-result-title" }, item.title),
              h("span", { class: "hd-result-snippet" }, highlighted(item.snippet, item.highlights)),
            ),
          ),
        ),
      ),
    ];
  }

  chaptersView() {
    if (!this.chapters) return h("p", { class: "hd-muted" }, t("loading"));
    return [
      h(
        "div",
        { class: "hd-chapters" },
        this.chapters.map((chapter) =>
          h(
            "details",
            { class: "hd-chapter" },
            h(
              "summary",
              {},
              h("span", {}, chapter.title),
              h("span", { class: "hd-count" }, t("articles_count", { n: chapter.articles.length })),
            ),
            h(
              "ul",
              {},
              chapter.articles.map((article) =>
                h(
                  "li",
                  {},
                  h(
                    "button",
                    { type: "button", class: "hd-link-button", onclick: () => this.openArticle(article.slug) },
                    article.title,
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
      this.externalLink(),
    ];
  }

  articleView() {
    return h(
      "article",
      { class: "hd-article" },
      h(
        "button",
        {
          type: "button",
          class: "hd-back",
          onclick: () => {
            this.article = null;
            this.renderContent();
            this.searchInput.focus();
          },
        },
        `← ${t("back_to_faq")}`,
      ),
      h("h3", { tabindex: "-1" }, this.article.title),
      h("div", { class: "hd-article-body" }, renderMarkdown(this.article.body_markdown)),
      this.vote.root,
      this.relatedView(),
      this.stillNeedHelp(),
    );
  }

  relatedView() {
    const related = this.article.related || [];
    if (!related.length) return null;
    return h(
      "nav",
      { class: "hd-related", "aria-label": t("kb_related") },
      h("h4", {}, t("kb_related")),
      h(
        "ul",
        {},
        related.map((ref) =>
          h(
            "li",
            {},
            h("button", { type: "button", class: "hd-link-button", onclick: () => this.openArticle(ref.slug) }, ref.title),
          ),
        ),
      ),
    );
  }

  stillNeedHelp() {
    return h(
      "div",
      { class: "hd-cta" },
      h("span", {}, t("still_need_help")),
      h("button", { type: "button", class: "hd-button hd-secondary", onclick: () => this.desk.show("ticket") }, t("write_to_us")),
    );
  }

  externalLink() {
    return h(
      "p",
      { class: "hd-kb-link" },
      h("a", { href: this.desk.info.kb_url, target: "_blank", rel: "noopener noreferrer", class: "hd-external" }, `${t("open_kb")} ↗`),
    );
  }
}
