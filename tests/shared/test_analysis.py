"""The terms a stored word and a query word meet by (shared by KB and history search)."""

import pytest

from shared.analysis import TERM_CHARS_MAX, word_terms


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("drukarką", "drukarka"),
        ("drukarką", "DRUKARKE"),
        ("raportów", "raportow"),
        ("raportów", "raport"),
        ("działa", "dziala"),
        ("zgłoszenia", "zgloszenie"),
        ("printers", "printer"),
    ],
)
def test_a_word_is_found_in_another_case_form_and_without_diacritics(
    stored: str, typed: str
) -> None:
    assert word_terms(stored) & word_terms(typed)


@pytest.mark.parametrize(("stored", "typed"), [("faktura", "drukarka"), ("pokój", "pakiet")])
def test_different_words_do_not_meet(stored: str, typed: str) -> None:
    assert not word_terms(stored) & word_terms(typed)


def test_a_very_long_word_is_cut_the_same_way_on_both_sides() -> None:
    token = "a1b2" * 100
    assert all(len(term) <= TERM_CHARS_MAX for term in word_terms(token))
    assert word_terms(token) == word_terms(token.upper())
