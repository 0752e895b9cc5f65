"""Canned replies' placeholders: which are refused when saved, and how one is filled."""

import pytest
from pydantic import ValidationError

from shared.canned_replies import PLACEHOLDER_UNKNOWN, CannedReplyDraft, fill_placeholders


def draft(pl: str, en: str | None = None) -> CannedReplyDraft:
    return CannedReplyDraft.model_validate({"title": "Powitanie", "text": {"pl": pl, "en": en}})


def test_known_placeholders_are_kept_as_written_until_filled() -> None:
    saved = draft("Dzień dobry {{user_name}}, zgłoszenie {{ ticket_number }}.")
    assert saved.text.pl == "Dzień dobry {{user_name}}, zgłoszenie {{ ticket_number }}."
    assert saved.text.en is None


@pytest.mark.parametrize(
    ("pl", "en"),
    [
        ("Dzień dobry {{usr_name}}", None),
        ("Dzień dobry", "Hello {{name}}"),
        ("Zgłoszenie {{}}", None),
        ("{{ user_name }} {{Ticket_Number}}", None),
    ],
)
def test_an_unknown_placeholder_in_either_text_is_refused_by_its_name(
    pl: str, en: str | None
) -> None:
    with pytest.raises(ValidationError) as refused:
        draft(pl, en)
    [problem] = refused.value.errors()
    assert problem["type"] == PLACEHOLDER_UNKNOWN
    assert "{{user_name}}" in problem["msg"]


def test_filling_puts_each_value_in_its_place_and_leaves_other_text_alone() -> None:
    text = (
        "Dzień dobry {{user_name}}! {{ticket_number}} ({{ ticket_subject }}) - {{agent_name}} {x}"
    )
    values = {
        "user_name": "Anna",
        "ticket_number": "HD-000042",
        "ticket_subject": "Faktura",
        "agent_name": "Ewa",
    }
    assert fill_placeholders(text, values) == "Dzień dobry Anna! HD-000042 (Faktura) - Ewa {x}"


def test_the_english_text_goes_to_english_readers_when_there_is_one() -> None:
    both = draft("Dzień dobry", "Hello").text
    polish_only = draft("Dzień dobry").text
    assert both.for_reader("en") == ("en", "Hello")
    assert both.for_reader("pl") == both.for_reader(None) == ("pl", "Dzień dobry")
    assert polish_only.for_reader("en") == ("pl", "Dzień dobry")


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again() -> None:
    filled = fill_placeholders(
        "{{user_name}} / {{agent_name}}", {"user_name": "{{agent_name}}", "agent_name": "Ewa"}
    )
    assert filled == "{{agent_name}} / Ewa"
