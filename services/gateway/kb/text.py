"""Text analysis for search: words with their offsets, case and diacritic folding, stemming.

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
