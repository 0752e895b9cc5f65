"""The contract between the gateway and the tickets service for canned replies.

Agents keep one shared list of ready answers, each with a Polish and an English text that
may name placeholders (`{{user_name}}`...). A text naming any other placeholder is refused
when it is saved, so a reply never reaches a user with `{{usr_name}}` in it.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic_core import PydanticCustomError

from shared.people import Author, Caller
from shared.text import MultiLine, OneLine
from shared.vocabulary import Lang

TITLE_MAX = 120
# The texts go into the reply box, whose limit is a reply's (shared/tickets.py MESSAGE_MAX);
# a ready answer is a paragraph or a few, and this leaves room to write around it.
TEXT_MAX = 5000
# One shared list, read whole by the console's picker: past a few hundred it is no longer
# a list anyone picks from.
CANNED_REPLIES_MAX = 500
PLACEHOLDER_UNKNOWN = "canned_reply_placeholder_unknown"

# What a placeholder stands for, filled for the ticket the reply goes to.
Placeholder = Literal["user_name", "ticket_number", "ticket_subject", "agent_name"]
PLACEHOLDERS: tuple[Placeholder, ...] = get_args(Placeholder)
# `{{ name }}`, spaces inside the braces allowed; any text between double braces is a
# placeholder, so a typo is caught rather than sent.
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def _known_placeholders(text: str) -> str:
    unknown = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    if unknown:
        known = ", ".join(f"{{{{{name}}}}}" for name in PLACEHOLDERS)
        raise PydanticCustomError(
            PLACEHOLDER_UNKNOWN,
            "unknown placeholder {name}; known: {known}",
            {"name": f"{{{{{unknown[0]}}}}}", "known": known},
        )
    return text


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """The text with each placeholder replaced by its value for one ticket (every one
    saved was checked to be known; any other is left as written)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


CannedText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX),
    MultiLine,
    AfterValidator(_known_placeholders),
]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX), OneLine
]


class CannedTexts(BaseModel):
    pl: CannedText
    # None: English-speaking users get the Polish text, as the product does everywhere.
    en: CannedText | None = None

    def for_reader(self, lang: Lang | None) -> tuple[Lang, str]:
        """The text for a reader of `lang` (None: not known), and its language: English
        when they read it and there is one, else Polish, the product's first language."""
        if lang == "en" and self.en:
            return "en", self.en
        return "pl", self.pl


class CannedReplyDraft(BaseModel):
    """What an agent saves in the console's list."""

    title: Title
    text: CannedTexts


class SaveCannedReply(BaseModel):
    caller: Caller
    # None: a new one.
    id: str | None = None
    draft: CannedReplyDraft


class CannedReplyRef(BaseModel):
    caller: Caller
    id: str


class CannedRepliesQuery(BaseModel):
    caller: Caller


class FillCannedReply(BaseModel):
    caller: Caller
    id: str
    ticket_number: str


class CannedReply(CannedReplyDraft):
    id: str
    updated_at: datetime
    updated_by: Author


class CannedReplies(BaseModel):
    """The whole shared list, by title."""

    items: list[CannedReply]


class FilledReply(BaseModel):
    """A canned reply's text for one ticket: in its user's language, placeholders filled."""

    id: str
    title: str
    lang: Lang
    text: str
