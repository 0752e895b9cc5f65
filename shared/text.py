"""What text a person may type into a one-line field (a subject, a title, a name).

Control characters (NUL, ESC...), bidirectional overrides and zero-width characters are
invisible or rearrange what others see: a subject that shows "invoice.pdf" and holds
"fdp.eciovni", a name that hides an escape sequence for a terminal reading the logs.
Multi-line texts (messages) keep tabs and line breaks but no other control character.
"""

import unicodedata

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# The stable code of the refusal (the error's `type` in a 422, and its `code`).
FORBIDDEN_CHARACTERS = "text_forbidden_characters"

# Bidi embeddings, overrides, isolates and marks; zero-width spaces, joiners and the BOM.
INVISIBLE = frozenset(
    "\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
LINE_BREAKS = frozenset("\t\n\r")


def _refuse(what: str) -> PydanticCustomError:
    return PydanticCustomError(FORBIDDEN_CHARACTERS, f"the text contains {what}")


def one_line(text: str) -> str:
    """No control, bidi-override or zero-width character at all."""
    for char in text:
        if unicodedata.category(char) == "Cc":
            raise _refuse("a control character")
        if char in INVISIBLE:
            raise _refuse("an invisible or direction-changing character")
    return text


def multi_line(text: str) -> str:
    """Tabs and line breaks allowed; no other control character."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in LINE_BREAKS:
            raise _refuse("a control character")
    return text


OneLine = AfterValidator(one_line)
MultiLine = AfterValidator(multi_line)
