"""Ranked keyword search over the articles of one language.

Ranking is BM25 from `bm25s`: it precomputes each term's BM25 weight per document into a
sparse matrix at build time, so a query only adds up a few matrix columns with numpy; that
keeps a query over 10,000 articles well under a millisecond, which each keystroke of the
New ticket form can afford (see docs/performance.md). `rank-bm25` rescans every document in
Python on every query. What bm25s does not do, this module adds on top: Polish folding and
stemming (text.py), prefix completion of the word being typed, and ranking with a stable
tie-break.
"""

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import bm25s
import numpy as np

from services.gateway.kb.content import Article
from services.gateway.kb.snippet import Snippet, make_snippet, plain_text
from shared.analysis import Analyzer, Lang, fold, tokens, words

# A title word says more about an article than a body word; repeating title and tag terms
# is the usual way to weight fields with a single-field BM25.
TITLE_WEIGHT = 3
TAG_WEIGHT = 2
# A completion of a half-typed word may be a different word (`rez` -> `rezygnacja`), so it
# counts a little less than a word that matches as typed.
COMPLETION_WEIGHT = 0.8
MIN_PREFIX_CHARS = 3
MAX_COMPLETIONS = 40
# An inflected form absent from the articles (`platnosciami`) still finds its word once a
# few letters of its ending are dropped (`platnosci`).
MAX_TRIMMED_CHARS = 3


@dataclass(frozen=True, slots=True)
class Match:
    """A ranked article; its snippet is made only if it is shown. A search in both
    languages ranks twice the hits it returns, and the snippet (a pass over the article's
    text) was most of a query's time over 10,000 articles."""

    article: Article
    score: float
    text: str
    terms: frozenset[str]
    term_of: Callable[[str], str]

    @property
    def snippet(self) -> Snippet:
        return make_snippet(self.text, self.term_of, self.terms)


class LanguageIndex:
    """The articles of one language, indexed for ranked search; immutable once built."""

    def __init__(self, lang: Lang, articles: Iterable[Article]) -> None:
        self.lang = lang
        self.analyzer = Analyzer(lang)
        # Slug order makes equal scores come out in a stable, predictable order.
        self._articles = sorted(articles, key=lambda article: article.slug)
        self._texts = [plain_text(article.body_markdown) for article in self._articles]
        written: set[str] = set()
        self._bm25 = bm25s.BM25()
        self._bm25.index(
            [self._document_terms(i, written) for i in range(len(self._articles))],
            show_progress=False,
        )
        self._vocab: dict[str, int] = self._bm25.vocab_dict
        self._terms_by_form = self._word_forms(written)
        self._forms = sorted(self._terms_by_form)

    def __len__(self) -> int:
        return len(self._articles)

    def search(self, query: str, limit: int) -> list[Match]:
        """Best articles first; each query word adds the best score among its terms."""
        wanted = self._query_terms(query)
        if not wanted or not self._articles:
            return []
        total = np.zeros(len(self._articles), dtype=np.float32)
        for weights in wanted:
            best = np.zeros_like(total)
            for term, weight in weights.items():
                scores = self._bm25.get_scores_from_ids([self._vocab[term]])
                np.maximum(best, scores * weight, out=best)
            total += best
        ranked = _top(total, limit)
        terms = frozenset(term for weights in wanted for term in weights)
        return [
            Match(
                article=self._articles[i],
                score=round(float(total[i]), 4),
                text=self._texts[i],
                terms=terms,
                term_of=self.analyzer.term,
            )
            for i in ranked
            if total[i] > 0
        ]

    def _document_terms(self, i: int, written: set[str]) -> list[str]:
        """The article's terms, title and tags repeated; adds the words as written to `written`."""
        article, text = self._articles[i], self._texts[i]
        title, body = tokens(article.title), tokens(text)
        tags = [token for tag in article.tags for token in tokens(tag)]
        written.update(title, tags, body)
        term = self.analyzer.term
        return (
            [term(t) for t in title] * TITLE_WEIGHT
            + [term(t) for t in tags] * TAG_WEIGHT
            + [term(t) for t in body]
        )

    def _word_forms(self, written: set[str]) -> dict[str, set[str]]:
        """Each folded word form of the articles -> the terms its written forms stem to.

        Stemming `raportow` (typed without diacritics) does not give the stem of `raportów`;
        this map does, for every form that occurs in the articles.
        """
        forms: dict[str, set[str]] = {}
        for word in written:
            forms.setdefault(fold(word), set()).add(self.analyzer.term(word))
        return forms

    def _query_terms(self, query: str) -> list[dict[str, float]]:
        """For each query word, the index terms it stands for, with their weights."""
        query_words = list(words(query))
        # Without a trailing space the last word may be half typed (suggestions while typing).
        typing = bool(query) and not query[-1].isspace()
        wanted: list[dict[str, float]] = []
        for position, word in enumerate(query_words):
            folded = fold(word.text)
            exact = {self.analyzer.term(word.text), *self._terms_by_form.get(folded, ())}
            weights = {term: 1.0 for term in sorted(exact) if term in self._vocab}
            if (typing and position == len(query_words) - 1) or not weights:
                for term in self._completions(folded, trim=not weights):
                    weights.setdefault(term, COMPLETION_WEIGHT)
            if weights:
                wanted.append(weights)
        return wanted

    def _completions(self, folded: str, trim: bool) -> list[str]:
        shortest = max(MIN_PREFIX_CHARS, len(folded) - MAX_TRIMMED_CHARS) if trim else len(folded)
        for length in range(len(folded), shortest - 1, -1):
            prefix = folded[:length]
            if len(prefix) < MIN_PREFIX_CHARS:
                break
            start = bisect.bisect_left(self._forms, prefix)
            terms: set[str] = set()
            for form in self._forms[start : start + MAX_COMPLETIONS]:
                if not form.startswith(prefix):
                    break
                terms.update(self._terms_by_form[form])
            if terms:
                return sorted(t for t in terms if t in self._vocab)
        return []


def _top(scores: np.ndarray, limit: int) -> np.ndarray:
    """Indexes of the `limit` best scores, best first, equal scores in index (slug) order.

    Only the candidates at or above the limit-th best score are sorted, not every article:
    a full sort was a fifth of a query's time over 10,000 articles."""
    if limit < len(scores):
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        candidates = np.flatnonzero(scores >= threshold)
    else:
        candidates = np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:limit]
