"""History search as a user does it: words typed next to the manual's filters, Search."""

from tests.support.web import Browser, WebAccount, look


def listed(page: Browser) -> list[str]:
    return [row.get_attribute("data-number") or "" for row in page.all(".hd-table tbody tr")]


def test_typing_words_finds_tickets_by_subject_or_message_without_diacritics(
    page: Browser, web_account: WebAccount
) -> None:
    printer = web_account.create_ticket("Wydruk faktur", "Recepcja: problem z drukarką w lobby.")
    web_account.create_ticket("Kalendarz rezerwacji", "Nie widać pokoi.")
    minibar = web_account.create_ticket("Minibar", "Ceny się nie zgadzają.")

    page.sign_in(web_account.token)
    page.open_help("history")
    page.wait(lambda _: len(listed(page)) == 3)

    page.type_into(".hd-search-text", "drukarka")
    page.click(".hd-search-button")
    page.wait(lambda _: listed(page) == [printer])
    look(page, "history-search")
    assert page.find(f'tr[data-number="{printer}"] .hd-author').text == "Anna Testowa"

    # Together with a filter: the status narrows the same search.
    page.type_into(".hd-search-text", "cena")
    page.click(".hd-search-button")
    page.wait(lambda _: listed(page) == [minibar])
    page.select(".hd-filters select[name=status]", "resolved")
    page.click(".hd-search-button")
    page.wait_text(".hd-empty", "Żadne zgłoszenie nie zawiera „cena”")

    # Punctuation alone is no search: the reason, in the user's language.
    page.click(".hd-filter-actions .hd-secondary")
    page.wait(lambda _: len(listed(page)) == 3)
    page.type_into(".hd-search-text", "?!")
    page.click(".hd-search-button")
    page.wait_text(".hd-history .hd-error", "co najmniej jedno słowo")
    assert page.find(".hd-search-text").get_attribute("value") == "?!"
    assert len(listed(page)) == 3
