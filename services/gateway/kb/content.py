"""Loads the articles (Markdown with YAML front matter) and the chapter order, and checks them.

Front matter is split off by hand and parsed with PyYAML's safe loader: the format is two
`---` lines, and a front-matter library would add a dependency for those few lines.
"""

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from shared.analysis import LANGS, Lang

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=100)]

_FENCE = "---"
# libyaml's loader when PyYAML was built with it (its wheels are): ~10x faster at start.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(Exception):
    """The shipped content is inconsistent; the gateway refuses to start with it."""


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    chapter: Slug
    language: Lang
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=50)]] = []


class Article(BaseModel):
    slug: Slug
    title: str
    chapter: str
    lang: Lang
    tags: list[str]
    body_markdown: str
    # The same article in the other languages, by language: {"en": "new-ticket"}.
    translations: dict[Lang, str] = {}


class ChapterEntry(BaseModel):
    """One article of a chapter, named by its slug in each language it is written in."""

    model_config = ConfigDict(extra="forbid")

    pl: Slug | None = None
    en: Slug | None = None

    def slugs(self) -> dict[Lang, str]:
        return {lang: slug for lang in LANGS if (slug := getattr(self, lang)) is not None}


class ChapterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    title: dict[Lang, str]
    articles: list[ChapterEntry]


class ChapterFile(BaseModel):
    """`chapters.yaml`: chapters, and the articles of each, in the order users see them."""

    chapters: list[ChapterSpec]


class Library(BaseModel):
    """Every article by slug, and the chapters that order them."""

    chapters: list[ChapterSpec]
    articles: dict[str, Article]


def parse_article(slug: str, source: str) -> Article:
    """An article from its file's text; raises ContentError naming what is wrong."""
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        raise ContentError(f"{slug}: the file must start with a '---' front matter block")
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == _FENCE)
    except StopIteration:
        raise ContentError(f"{slug}: the front matter block is not closed by '---'") from None
    try:
        meta = FrontMatter.model_validate(_load_yaml("".join(lines[1:close])) or {})
    except (yaml.YAMLError, ValidationError) as error:
        raise ContentError(f"{slug}: bad front matter: {error}") from None
    body = "".join(lines[close + 1 :]).strip()
    if not body:
        raise ContentError(f"{slug}: the article has no text")
    return Article(
        slug=slug,
        title=meta.title,
        chapter=meta.chapter,
        lang=meta.language,
        tags=meta.tags,
        body_markdown=body,
    )


def load_library(kb_dir: Path) -> Library:
    """Reads `<kb_dir>/chapters.yaml` and `<kb_dir>/<lang>/<slug>.md`, and checks they agree."""
    try:
        spec = ChapterFile.model_validate(
            _load_yaml((kb_dir / "chapters.yaml").read_text(encoding="utf-8"))
        )
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ContentError(f"cannot read {kb_dir / 'chapters.yaml'}: {error}") from None
    articles: dict[str, Article] = {}
    for chapter in spec.chapters:
        for entry in chapter.articles:
            slugs = entry.slugs()
            for lang, slug in slugs.items():
                if lang not in chapter.title:
                    raise ContentError(f"chapter {chapter.id} has no {lang} title")
                article = _read_article(kb_dir, lang, slug)
                if article.chapter != chapter.id:
                    raise ContentError(f"{slug}: front matter says chapter {article.chapter!r}")
                if slug in articles:
                    raise ContentError(f"{slug}: listed twice in chapters.yaml")
                translations = {other: s for other, s in slugs.items() if other != lang}
                articles[slug] = article.model_copy(update={"translations": translations})
    _check_nothing_unlisted(kb_dir, articles)
    return Library(chapters=spec.chapters, articles=articles)


def _load_yaml(text: str) -> object:
    # Always a safe loader (C or Python): articles are data, never Python objects.
    return yaml.load(text, Loader=_YamlLoader)


def _read_article(kb_dir: Path, lang: Lang, slug: str) -> Article:
    path = kb_dir / lang / f"{slug}.md"
    try:
        article = parse_article(slug, path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ContentError(f"{slug}: listed in chapters.yaml but unreadable: {error}") from None
    if article.lang != lang:
        raise ContentError(f"{slug}: in folder {lang}/ but front matter says {article.lang}")
    return article


def _check_nothing_unlisted(kb_dir: Path, articles: dict[str, Article]) -> None:
    # An article missing from chapters.yaml would be searchable but absent from every chapter.
    for lang in LANGS:
        for path in sorted((kb_dir / lang).glob("*.md")):
            if path.stem not in articles:
                raise ContentError(f"{lang}/{path.name} is not listed in chapters.yaml")
