"""KB feedback as people use it: a user answers 'Was this helpful?', follows a related
article, searches for what is not there; an agent reads the knowledge base report."""

import httpx

from tests.support.web import Browser, WebAccount, look, open_console


def open_article_by_search(page: Browser, words: str) -> str:
    page.find(".hd-search-input").send_keys(words)
    page.find(".hd-result")
    page.click(".hd-result")
    return page.find(".hd-article h3").text


def pressed(page: Browser) -> str:
    return page.find(".hd-helpful button[aria-pressed=true]").text


def test_a_user_answers_tak_sees_the_thanks_and_can_change_the_answer(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    open_article_by_search(page, "zaliczka")
    assert page.find(".hd-helpful").text.startswith("Czy ten artykuł był pomocny?")
    assert not page.all(".hd-helpful button[aria-pressed=true]")

    page.press("Tak", ".hd-helpful")
    page.wait_text(".hd-helpful-thanks", "Dziękujemy za opinię")
    look(page, "kb-helpful-thanks")
    assert pressed(page) == "Tak"

    # Back later: the answer given is shown, and another one replaces it.
    page.press("Wróć do listy")
    page.click(".hd-result")
    page.wait(lambda _: pressed(page) == "Tak")
    page.press("Nie", ".hd-helpful")
    page.wait(lambda _: pressed(page) == "Nie")
    slug = "zaliczka-do-rezerwacji"
    assert web_account.get(f"/api/v1/kb/articles/{slug}/vote") == {
        "slug": slug,
        "helpful": False,
        "counted": True,
    }


def test_related_articles_end_an_article_and_open_when_clicked(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    open_article_by_search(page, "wystawienie faktury")
    page.find(".hd-related")
    links = page.all(".hd-related li button")
    assert 3 <= len(links) <= 5
    assert page.find(".hd-related h4").text == "Powiązane artykuły"
    wanted = links[0].text
    assert wanted != page.find(".hd-article h3").text
    links[0].click()
    page.wait_text(".hd-article h3", f"^{wanted}$")
    look(page, "kb-related-opened")
    # The article opened from the list ends with related articles of its own.
    assert page.all(".hd-related li button")
    # In English, the question and the list speak English and lead to English articles.
    page.click(".hd-lang")
    page.wait_text(".hd-helpful", "^Was this article helpful?")
    page.wait_text(".hd-related h4", "^Related articles$")
    assert page.find(".hd-helpful button[data-helpful=true]").text == "Yes"
    page.click(".hd-lang")
    page.wait_text(".hd-related h4", "^Powiązane artykuły$")


def test_a_search_for_drukarka_shows_in_the_agents_knowledge_base_view(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    page.find(".hd-search-input").send_keys("drukarka")
    page.wait_text(".hd-empty", "drukarka")

    def reported(_: object) -> bool:
        # The Help menu reports the search once it has stayed without results a moment.
        response = httpx.get(
            f"{web_account.gateway_url}/api/v1/agent/kb/report", headers=agent_headers
        )
        return any(row["query"] == "drukarka" for row in response.json()["missed_searches"])

    page.wait(reported)
    open_console(page)
    page.press("Baza wiedzy", ".hd-subtabs")
    row = page.wait_text(".kb-missed li", "drukarka")
    assert row.endswith("os.")
    assert page.find(".kb-missed h4").text.startswith("Tydzień ")
    look(page, "console-kb-report")
