"""One validator for one-line texts (subjects, titles, chat names), one for messages."""

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.chat import PreChatForm
from shared.popups import AnnouncementFields
from shared.tickets import MessageBody, Subject

SUBJECT = TypeAdapter(Subject)
MESSAGE = TypeAdapter(MessageBody)
REFUSED = [
    "Faktura\x00",
    "Faktura\x1b[31m",
    "Faktura\x7f",
    "Fak\x85tura",
    "invoice\u202efdp.exe",
    "Fak\u200btura",
    "Fak\u200dtura",
    "\ufeffFaktura",
    "Fak\u2066tura",
    # Line and paragraph separators, a soft hyphen, tag characters (ASCII smuggled
    # invisibly), private use, an unassigned code point and the invisible fillers.
    "Fak\u2028tura",
    "Fak\u2029tura",
    "Fak\u00adtura",
    "Faktura\U000e0041\U000e0042",
    "Fak\ue000tura",
    "Fak\U000e01f0tura",
    "\u3164",
    "Fak\u115ftura",
    "Fak\u1160tura",
    "Fak\uffa0tura",
    "Fak\u2800tura",
    "Fak\u034ftura",
    "Fak\u2061tura",
    "\u200d\U0001f4bb",
]


@pytest.mark.parametrize("text", REFUSED)
def test_a_subject_refuses_invisible_and_control_characters(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        SUBJECT.validate_python(text)
    assert refused.value.errors()[0]["type"] == "text_forbidden_characters"


@pytest.mark.parametrize(
    "text",
    [
        "Zażółć gęślą jaźń \u2013 \u201ecytat\u201d",
        "Faktura #12 (2026)",
        "日本語 ✓",
        "Pokój 12 \U0001f600\U0001f44d\U0001f3fd \u2764\ufe0f \U0001f1f5\U0001f1f1",
        # Emoji joined into one picture (ZWJ sequences) keep their joiner.
        "Anna \U0001f469\u200d\U0001f4bb \U0001f468\U0001f3fb\u200d\U0001f373",
        # An emoji newer than this Python's Unicode tables is unassigned to it, not refused.
        "Nowe \U0001fae8",
    ],
)
def test_a_subject_keeps_every_printable_character(text: str) -> None:
    assert SUBJECT.validate_python(text) == text


@pytest.mark.parametrize("text", REFUSED)
def test_chat_names_and_announcement_titles_refuse_them_too(text: str) -> None:
    with pytest.raises(ValidationError):
        PreChatForm(name=text, phone="+48 600 123 456", question="Jak?")
    with pytest.raises(ValidationError):
        AnnouncementFields(title=text, body="Treść")


def test_a_message_keeps_line_breaks_and_tabs_but_no_other_control() -> None:
    assert MESSAGE.validate_python("Wiersz 1\r\n\tWiersz 2") == "Wiersz 1\r\n\tWiersz 2"
    with pytest.raises(ValidationError):
        MESSAGE.validate_python("Wiersz\x00")
    with pytest.raises(ValidationError):
        MESSAGE.validate_python("Wiersz\x1b[2J")
