"""What text a person may type into a one-line field (a subject, a title, a name).

Control characters (NUL, ESC...), bidirectional overrides and zero-width characters are
invisible or rearrange what others see: a subject that shows "invoice.pdf" and holds
"fdp.eciovni", a name that hides an escape sequence for a terminal reading the logs, tag
characters that carry ASCII nobody sees. One-line texts are judged by Unicode category,
not by a list that misses the next trick. Multi-line texts (messages) keep tabs and line
breaks but no other control character.
"""

import unicodedata

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# The stable code of the refusal (the error's `type` in a 422, and its `code`).
FORBIDDEN_CHARACTERS = "text_forbidden_characters"

# Controls, formatting (bidi, zero-width, soft hyphen, tags), line and paragraph
# separators, private use (shows as anything a font wants) and unassigned code points.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"})
# Letters and marks that draw nothing: the Hangul fillers, the Braille blank, the
# combining grapheme joiner, Khmer's inherent vowels. Each makes a name look empty.
INVISIBLE_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
ZERO_WIDTH_JOINER = "\u200d"
# What may follow an emoji inside one picture: the emoji presentation selector and the
# skin tones (categories Mn and Sk), skipped when looking for the emoji a ZWJ joins.
EMOJI_MODIFIERS = frozenset("\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
# Blocks of pictographs: a code point unassigned in this Python's Unicode tables is most
# likely an emoji newer than them (a phone's keyboard is ahead of the server).
PICTOGRAPH_BLOCKS = range(0x1F000, 0x1FB00)
LINE_BREAKS = frozenset("\t\n\r")


def _refuse(what: str) -> PydanticCustomError:
    return PydanticCustomError(FORBIDDEN_CHARACTERS, f"the text contains {what}")


def one_line(text: str) -> str:
    """No control, formatting, separator, private, unassigned or invisible character.

    The one exception is a ZWJ between two emoji (\U0001f469\u200d\U0001f4bb is one picture,
    "woman technologist"): people put them in names and subjects, and there it hides
    nothing. A ZWJ anywhere else is refused like every other zero-width character.
    """
    for index, char in enumerate(text):
        if char == ZERO_WIDTH_JOINER and _joins_emoji(text, index):
            continue
        category = unicodedata.category(char)
        if category == "Cn" and ord(char) in PICTOGRAPH_BLOCKS:
            continue
        if category == "Cc":
            raise _refuse("a control character")
        if category in FORBIDDEN_CATEGORIES or char in INVISIBLE_FILLERS:
            raise _refuse("an invisible or direction-changing character")
    return text


def _joins_emoji(text: str, index: int) -> bool:
    before = text[:index].rstrip("".join(EMOJI_MODIFIERS))
    after = text[index + 1 : index + 2]
    return bool(before) and bool(after) and _is_emoji(before[-1]) and _is_emoji(after)


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or ord(char) in PICTOGRAPH_BLOCKS


def multi_line(text: str) -> str:
    """Tabs and line breaks allowed; no other control character."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in LINE_BREAKS:
            raise _refuse("a control character")
    return text


OneLine = AfterValidator(one_line)
MultiLine = AfterValidator(multi_line)
