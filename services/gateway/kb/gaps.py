"""Which searches without results may be kept as content gaps, and in what form.

A query is kept folded (lower case, no diacritics: `Drukarka` and `drukarka` are one gap),
with its spacing collapsed and the punctuation around it trimmed, cut to GAP_QUERY_MAX at
a word boundary. People paste anything into a search box, and the report is read by every
agent, so a query is never kept when it holds what looks like:

- an e-mail address (an `@` between characters),
- a phone number or any other long number: six digits or more in the query, however
  spaced (`+48 600 123 456`, `600-123-456`; an invoice number is lost with them),
- a link (`http://`, `https://`, `www.`), which may carry a token in its query string,
- a token or key: a word of 20+ characters mixing letters and digits, any word of 32+
  characters, or a JWT (`eyJ…` parts joined by dots).
"""

import re
from typing import Literal

from services.gateway.kb.text import fold
from shared.knowledge import GAP_QUERY_MAX

Refusal = Literal["personal_data"]

_SPACE = re.compile(r"\s+")
# Quotes, dashes and punctuation around the words (what is left of `„drukarka?”`).
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_EMAIL = re.compile(r"\S@\S")
_DIGIT = re.compile(r"\d")
PHONE_DIGITS = 6
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_WORD = re.compile(r"[^\s]+")
MIXED_TOKEN_CHARS = 20
LONG_WORD_CHARS = 32
_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+")


def normalise(query: str) -> str:
    """The query as a gap is kept: folded, single-spaced, trimmed, at most GAP_QUERY_MAX."""
    text = _EDGES.sub("", _SPACE.sub(" ", fold(query)))
    if len(text) > GAP_QUERY_MAX:
        cut = text.rfind(" ", 0, GAP_QUERY_MAX + 1)
        text = text[: cut if cut > 0 else GAP_QUERY_MAX].rstrip()
    return text


def refusal(query: str) -> Refusal | None:
    """Why the query must not be kept (see the module's docstring); None if it may be.

    Judged on the query as typed, before folding, so a JWT's case still shows."""
    if _EMAIL.search(query) or _LINK.search(query) or _JWT.search(query):
        return "personal_data"
    if len(_DIGIT.findall(query)) >= PHONE_DIGITS:
        return "personal_data"
    for word in _WORD.findall(query):
        mixed = any(char.isdigit() for char in word) and any(char.isalpha() for char in word)
        if len(word) >= LONG_WORD_CHARS or (mixed and len(word) >= MIXED_TOKEN_CHARS):
            return "personal_data"
    return None
