"""The knowledge base as the gateway uses it: chapters, articles by slug, and search."""

from pathlib import Path

from pydantic import BaseModel

from services.gateway.kb.content import Article, Library, load_library
from services.gateway.kb.search import LanguageIndex, Match
from services.gateway.kb.text import LANGS, Lang, words
from shared.errors import InvalidRequest, NotFound

# Long enough for a ticket subject or a pasted error message; longer is not a search.
MAX_QUERY_CHARS = 200
MAX_LIMIT = 50
# Related articles at the end of an article: enough to offer a next step, few enough to read.
RELATED_MAX = 5
RELATED_MIN = 3


class ArticleNotFound(NotFound):
    pass


class InvalidQuery(InvalidRequest):
    pass


class ArticleRef(BaseModel):
    slug: str
    title: str


class Chapter(BaseModel):
    id: str
    title: str
    articles: list[ArticleRef]


class ArticleView(Article):
    """An article as a reader gets it: with the related articles to offer after it."""

    related: list[ArticleRef]


class SearchHit(BaseModel):
    slug: str
    title: str
    chapter: str
    lang: Lang
    score: float
    snippet: str
    # [start, end) character offsets of the matching words in `snippet`.
    highlights: list[tuple[int, int]]

    @classmethod
    def of(cls, match: Match) -> "SearchHit":
        article, snippet = match.article, match.snippet
        return cls(
            slug=article.slug,
            title=article.title,
            chapter=article.chapter,
            lang=article.lang,
            score=match.score,
            snippet=snippet.text,
            highlights=snippet.highlights,
        )


class KnowledgeBase:
    """Read-only: built once when the gateway starts, then only queried."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._indexes = {
            lang: LanguageIndex(lang, (a for a in library.articles.values() if a.lang == lang))
            for lang in LANGS
        }
        # The content never changes while the gateway runs: each list is ranked once.
        self._related: dict[str, list[ArticleRef]] = {}

    @classmethod
    def load(cls, kb_dir: Path) -> "KnowledgeBase":
        return cls(load_library(kb_dir))

    def __len__(self) -> int:
        return len(self._library.articles)

    def chapters(self, lang: Lang) -> list[Chapter]:
        """Chapters in their set order; a chapter with no article in `lang` is left out."""
        chapters = []
        for spec in self._library.chapters:
            refs = [
                ArticleRef(slug=slug, title=self._library.articles[slug].title)
                for entry in spec.articles
                if (slug := entry.slugs().get(lang)) is not None
            ]
            if refs:
                chapters.append(Chapter(id=spec.id, title=spec.title[lang], articles=refs))
        return chapters

    def articles(self) -> list[Article]:
        """Every article, both languages, by slug."""
        return [self._library.articles[slug] for slug in sorted(self._library.articles)]

    def article(self, slug: str) -> Article:
        try:
            return self._library.articles[slug]
        except KeyError:
            raise ArticleNotFound(f"no article {slug!r} in the knowledge base") from None

    def view(self, slug: str) -> ArticleView:
        article = self.article(slug)
        return ArticleView(**article.model_dump(), related=self.related(article))

    def related(self, article: Article) -> list[ArticleRef]:
        """Up to RELATED_MAX articles of its language ranked by the search itself for the
        article's title and tags (BM25 weighs title words highest); topped up from its own
        chapter, in chapter order, when the search finds fewer than RELATED_MIN."""
        if (known := self._related.get(article.slug)) is not None:
            return known
        # A trailing space: whole words, not the last one completed as if being typed.
        query = " ".join([article.title, *article.tags]) + " "
        matches = self._indexes[article.lang].search(query, RELATED_MAX + 1)
        picked = [m.article.slug for m in matches if m.article.slug != article.slug]
        picked = picked[:RELATED_MAX]
        if len(picked) < RELATED_MIN:
            picked += [
                slug
                for slug in self._chapter_slugs(article.chapter, article.lang)
                if slug != article.slug and slug not in picked
            ][: RELATED_MIN - len(picked)]
        refs = [ArticleRef(slug=s, title=self._library.articles[s].title) for s in picked]
        self._related[article.slug] = refs
        return refs

    def _chapter_slugs(self, chapter_id: str, lang: Lang) -> list[str]:
        spec = next(spec for spec in self._library.chapters if spec.id == chapter_id)
        return [slug for entry in spec.articles if (slug := entry.slugs().get(lang)) is not None]

    def search(self, query: str, lang: Lang | None = None, limit: int = 10) -> list[SearchHit]:
        """Best matches first; with no `lang`, both languages' results ranked together."""
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidQuery(f"the search text is longer than {MAX_QUERY_CHARS} characters")
        if next(words(query), None) is None:
            raise InvalidQuery("the search text has no words to look for")
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidQuery(f"limit must be between 1 and {MAX_LIMIT}")
        langs = LANGS if lang is None else (lang,)
        matches = [m for each in langs for m in self._indexes[each].search(query, limit)]
        matches.sort(key=lambda match: (-match.score, match.article.slug))
        return [SearchHit.of(match) for match in matches[:limit]]
