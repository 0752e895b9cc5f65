"""Loading the articles: the shipped content is consistent, and broken content stops the start."""

from pathlib import Path

import pytest

from services.gateway.kb.content import ContentError, load_library, parse_article
from shared.settings import Settings

CHAPTERS = """
chapters:
  - id: reports
    title: {pl: Raporty, en: Reports}
    articles:
      - {pl: raport, en: report}
"""
ARTICLE = "---\ntitle: {title}\nchapter: reports\nlanguage: {lang}\ntags: [raport]\n---\nText.\n"


def write_content(root: Path, chapters: str = CHAPTERS) -> Path:
    (root / "pl").mkdir()
    (root / "en").mkdir()
    (root / "chapters.yaml").write_text(chapters, encoding="utf-8")
    (root / "pl" / "raport.md").write_text(ARTICLE.format(title="Raport", lang="pl"))
    (root / "en" / "report.md").write_text(ARTICLE.format(title="Report", lang="en"))
    return root


def test_shipped_content_has_both_languages_for_every_article() -> None:
    library = load_library(Settings().kb_dir)
    assert len(library.articles) >= 30
    for article in library.articles.values():
        assert len(article.translations) == 1, article.slug
        assert library.articles[next(iter(article.translations.values()))].lang != article.lang


def test_articles_are_linked_to_their_translations(tmp_path: Path) -> None:
    library = load_library(write_content(tmp_path))
    assert library.articles["raport"].translations == {"en": "report"}
    assert library.articles["report"].title == "Report"


def test_an_article_missing_from_chapters_is_refused(tmp_path: Path) -> None:
    root = write_content(tmp_path)
    (root / "pl" / "zagubiony.md").write_text(ARTICLE.format(title="Zagubiony", lang="pl"))
    with pytest.raises(ContentError, match=r"zagubiony\.md is not listed"):
        load_library(root)


def test_a_listed_article_without_a_file_is_refused(tmp_path: Path) -> None:
    root = write_content(tmp_path)
    (root / "en" / "report.md").unlink()
    with pytest.raises(ContentError, match="report"):
        load_library(root)


def test_an_article_in_the_wrong_language_folder_is_refused(tmp_path: Path) -> None:
    root = write_content(tmp_path)
    (root / "en" / "report.md").write_text(ARTICLE.format(title="Report", lang="pl"))
    with pytest.raises(ContentError, match="front matter says pl"):
        load_library(root)


@pytest.mark.parametrize(
    "source",
    [
        "no front matter",
        "---\ntitle: T\nchapter: reports\nlanguage: pl\n",
        "---\ntitle: T\nchapter: reports\nlanguage: de\n---\nText",
        "---\ntitle: T\nchapter: reports\nlanguage: pl\nauthor: x\n---\nText",
        "---\ntitle: T\nchapter: reports\nlanguage: pl\n---\n   ",
    ],
)
def test_bad_front_matter_or_empty_body_is_refused(source: str) -> None:
    with pytest.raises(ContentError):
        parse_article("raport", source)
