"""Which searches without results are kept as content gaps, and how they are written."""

import pytest

from services.gateway.kb.gaps import normalise, refusal
from shared.knowledge import GAP_QUERY_MAX


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Drukarka", "drukarka"),
        ("  „VAT?” ", "vat"),
        ("Zgłoszenie\t  FAKTURY ", "zgloszenie faktury"),
        ("faktura 2024", "faktura 2024"),
    ],
)
def test_a_gap_is_kept_folded_single_spaced_and_trimmed(typed: str, kept: str) -> None:
    assert refusal(typed) is None
    assert normalise(typed) == kept


def test_a_long_query_is_cut_at_a_word_boundary() -> None:
    kept = normalise("drukarka " * 30)
    assert len(kept) <= GAP_QUERY_MAX
    assert kept.endswith("drukarka")


@pytest.mark.parametrize(
    "typed",
    [
        "+48 600 123 456",
        "tel 600-123-456",
        "anna@hotel.pl",
        "https://hotel.pl/reset?t=abc",
        "www.hotel.pl",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
        "klucz a8f3k2m9x7q1w5e6r4t0",
        "x" * 32,
    ],
)
def test_what_looks_like_personal_data_or_a_secret_is_never_kept(typed: str) -> None:
    assert refusal(typed) == "personal_data"
