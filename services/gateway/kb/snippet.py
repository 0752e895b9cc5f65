"""Plain-text snippets of an article around the words that matched a query."""

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet

from pydantic import BaseModel

from shared.analysis import words

SNIPPET_CHARS = 180
_LEAD_CHARS = 50
_ELLIPSIS = "…"

# Markdown markup that would show as noise in a plain-text snippet; the words stay.
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LINE_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_INLINE_MARKUP = re.compile(r"(\*\*|__|\*|`+|~~)")
_SPACE = re.compile(r"\s+")


class Snippet(BaseModel):
    """Plain text (never HTML) with the matching words as [start, end) character offsets."""

    text: str
    highlights: list[tuple[int, int]]


def plain_text(markdown: str) -> str:
    text = _IMAGE.sub(r"\1", markdown)
    text = _LINK.sub(r"\1", text)
    text = _LINE_MARKUP.sub("", text)
    text = _INLINE_MARKUP.sub("", text)
    return _SPACE.sub(" ", text).strip()


def make_snippet(text: str, term_of: Callable[[str], str], terms: AbstractSet[str]) -> Snippet:
    """A window of `text` that starts a little before its first word whose term is in `terms`."""
    first = next((word.start for word in words(text) if term_of(word.text) in terms), 0)
    start = min(first, _word_start_at_or_after(text, max(0, first - _LEAD_CHARS)))
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        # Cut at the last space inside the window rather than in the middle of a word.
        end = text.rfind(" ", start, end + 1)
        end = end if end > start else start + SNIPPET_CHARS
    prefix = _ELLIPSIS if start > 0 else ""
    suffix = _ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    highlights = [
        (word.start + shift, word.end + shift)
        for word in words(text, start, end)
        if term_of(word.text) in terms
    ]
    return Snippet(text=prefix + text[start:end] + suffix, highlights=highlights)


def _word_start_at_or_after(text: str, position: int) -> int:
    if position == 0 or text[position - 1] == " ":
        return position
    space = text.find(" ", position)
    return space + 1 if space != -1 else position
