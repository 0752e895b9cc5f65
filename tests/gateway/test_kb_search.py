"""Search quality and rules of the knowledge base, on the articles the product ships."""

import pytest

from services.gateway.kb.service import MAX_QUERY_CHARS, InvalidQuery, KnowledgeBase
from shared.analysis import Lang
from shared.settings import Settings


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(Settings().kb_dir)


# What hotel staff type, with and without Polish letters, inflected, or in English.
REALISTIC_QUERIES: list[tuple[str, Lang | None, str]] = [
    ("zgłoszenie załącznik", "pl", "nowe-powiadomienie"),
    ("zgloszenie zalacznik", "pl", "nowe-powiadomienie"),
    ("jak anulować rezerwację", "pl", "zmiana-i-anulowanie-rezerwacji"),
    ("anulowanie rezerwacji", "pl", "zmiana-i-anulowanie-rezerwacji"),
    ("nowa rezerwacja grafik", "pl", "nowa-rezerwacja"),
    ("faktura korygujaca", "pl", "faktura-korygujaca"),
    ("fakturę dla firmy NIP", "pl", "wystawienie-faktury"),
    ("nie pamietam hasla", "pl", "reset-hasla"),
    ("przypomnij pozniej", "pl", "wyskakujace-powiadomienia"),
    ("godziny pracy wsparcia", "pl", "godziny-pracy-wsparcia"),
    ("raportów obłożenia", "pl", "raport-oblozenia"),
    ("overbooking booking.com", "pl", "brak-synchronizacji-dostepnosci"),
    ("link do platnosci online", "pl", "platnosci-online"),
    ("corrective invoice", "en", "corrective-invoice"),
    ("reset password", "en", "resetting-a-password"),
    ("adding users permissions", None, "adding-a-user-and-permissions"),
    ("czy historia czatu jest zapisywana", None, "czat-z-konsultantem"),
]


@pytest.mark.parametrize(("query", "lang", "expected"), REALISTIC_QUERIES)
def test_realistic_query_finds_expected_article_in_top_three(
    kb: KnowledgeBase, query: str, lang: Lang | None, expected: str
) -> None:
    slugs = [hit.slug for hit in kb.search(query, lang, limit=3)]
    assert expected in slugs, f"{query!r} gave {slugs}"


def test_diacritics_and_case_do_not_change_the_results(kb: KnowledgeBase) -> None:
    with_letters = kb.search("Zgłoszenie WAŻNOŚĆ", "pl")
    without = kb.search("zgloszenie waznosc", "pl")
    assert [hit.slug for hit in with_letters] == [hit.slug for hit in without]


def test_an_inflected_form_finds_the_base_form(kb: KnowledgeBase) -> None:
    # The articles say "rezerwacja" in the nominative in few places; the query is genitive.
    hits = kb.search("rezerwacji", "pl", limit=50)
    assert {"nowa-rezerwacja", "zaliczka-do-rezerwacji"} <= {hit.slug for hit in hits}


def test_a_half_typed_subject_already_suggests_articles(kb: KnowledgeBase) -> None:
    slugs = [hit.slug for hit in kb.search("Nie mogę wystawić fak", "pl", limit=3)]
    assert "wystawienie-faktury" in slugs


def test_ordering_is_stable_and_ties_go_by_slug(kb: KnowledgeBase) -> None:
    every = kb.search("rezerwacja płatność", None, limit=50)
    assert kb.search("rezerwacja płatność", None, limit=50) == every
    assert kb.search("rezerwacja płatność", None, limit=10) == every[:10]
    keys = [(-hit.score, hit.slug) for hit in every]
    assert keys == sorted(keys)


def test_lang_filter_returns_only_that_language(kb: KnowledgeBase) -> None:
    assert {hit.lang for hit in kb.search("reservation rezerwacja", "en", limit=50)} == {"en"}
    assert {hit.lang for hit in kb.search("reservation rezerwacja", "pl", limit=50)} == {"pl"}


def test_limit_caps_the_number_of_results(kb: KnowledgeBase) -> None:
    assert len(kb.search("a", None, limit=50)) <= 50
    assert len(kb.search("rezerwacja", "pl", limit=2)) == 2


def test_snippet_is_plain_text_around_the_match_with_offsets(kb: KnowledgeBase) -> None:
    hit = kb.search("Wyślij wiadomość", "pl", limit=1)[0]
    assert "**" not in hit.snippet and "<" not in hit.snippet
    marked = [hit.snippet[start:end].casefold() for start, end in hit.highlights]
    assert "wiadomość" in marked or "wyślij" in marked


def test_markup_in_a_query_is_only_text(kb: KnowledgeBase) -> None:
    hits = kb.search("<script>alert(1)</script> faktura", "pl", limit=3)
    assert hits and all("<script>" not in hit.snippet for hit in hits)


def test_no_match_gives_no_results(kb: KnowledgeBase) -> None:
    assert kb.search("xyzzyqwerty", None) == []


@pytest.mark.parametrize("query", ["", "   ", "?!", "x" * (MAX_QUERY_CHARS + 1)])
def test_empty_or_too_long_query_is_rejected(kb: KnowledgeBase, query: str) -> None:
    with pytest.raises(InvalidQuery):
        kb.search(query, None)
