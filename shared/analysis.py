"""Text analysis for search (the knowledge base and the ticket history): words with their
offsets, case and diacritic folding, stemming.

Stemming uses `snowballstemmer` (the Snowball project's algorithms, pure Python, no data
files): it has a Polish stemmer since Snowball 3, loads in milliseconds and costs a few
megabytes, where the dictionary-based alternatives we measured (simplemma: 4 s and ~400 MB
for Polish; pystempel with the PoliMorf table: 5 s and ~170 MB) would slow down every
gateway start. Being suffix-based, it also stems words typed without diacritics sensibly
(`zgloszenia` -> `zgloszen`, like `zgłoszenia`).
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import snowballstemmer

Lang = Literal["pl", "en"]
LANGS: tuple[Lang, ...] = ("pl", "en")
_SNOWBALL_NAMES: dict[Lang, str] = {"pl": "polish", "en": "english"}

_WORD = re.compile(r"\w+")
# NFKD splits "ą" into "a" plus a combining ogonek, but "ł" has no decomposition.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "æ": "ae", "đ": "d"})


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text and where it stands in it."""

    start: int
    end: int
    text: str


def words(text: str, start: int = 0, end: int | None = None) -> Iterator[Word]:
    for match in _WORD.finditer(text, start, len(text) if end is None else end):
        yield Word(match.start(), match.end(), match.group())


def tokens(text: str) -> list[str]:
    """The words of `text` without their offsets: what indexing needs, several times faster."""
    return _WORD.findall(text)


def fold(text: str) -> str:
    """Lower case without diacritics, so that `Zgłoszenie` and `zgloszenie` compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Analyzer:
    """Turns a word of one language into its index term: stemmed, then folded.

    The stemmer sees the word with its diacritics (they carry inflection: `-ów`, `-ę`, `-ć`)
    and folding comes after, so a folded query still meets the folded stem.
    """

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        stemmer = snowballstemmer.stemmer(_SNOWBALL_NAMES[lang])

        # The same few thousand word forms recur across articles and keystrokes; a bounded
        # cache keeps indexing and snippets cheap without letting odd queries grow it forever.
        @lru_cache(maxsize=200_000)
        def term(word: str) -> str:
            return fold(stemmer.stemWord(word.casefold()))

        self.term = term


# Longer "words" are hashes, links and keys run together: cut to this, consistently on
# both sides of a search, they still find themselves.
TERM_CHARS_MAX = 64


@lru_cache(maxsize=1)
def _analyzers() -> tuple[Analyzer, Analyzer]:
    return Analyzer("pl"), Analyzer("en")


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> frozenset[str]:
    """The terms one word of stored text is found by, and a query word looks for (any of
    them): the Polish stem of the word as written and as folded, and the English stem.

    Both sides use the same set, so a stored word and a query word meet when any of their
    terms do: `drukarką` and `drukarka` share `drukark`, `raportów` (stemmed `raport`,
    folded `raportow`) is found by `raportow` typed without diacritics, and `printers` by
    `printer` through the English stem. Stemming the written form alone would not do:
    Snowball stems `działa` to `dz` but `dziala` to `dzial`.
    """
    polish, english = _analyzers()
    folded = fold(word)
    terms = {polish.term(word), polish.term(folded), english.term(folded)}
    return frozenset(term[:TERM_CHARS_MAX] for term in terms if term)
