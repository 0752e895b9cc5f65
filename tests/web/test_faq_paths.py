"""FAQ as a hotel user walks it: browse chapters, search, open a result, the external link."""

from selenium.webdriver.common.keys import Keys

from tests.support.web import (
    Browser,
    WebAccount,
    active,
    contrast_on_white,
    look,
    press_key,
    tab_to,
    type_slowly,
)


def test_a_search_result_opens_and_stays_open(page: Browser, web_account: WebAccount) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    page.find(".hd-search-input").send_keys("zaliczka")
    title = page.wait_text(".hd-result-title", "(?i)zaliczk")
    page.click(".hd-result")
    look(page, "faq-result-opened")
    # Still the article a second later: the result list does not come back over it.
    assert page.find(".hd-article h3").text == title
    assert not page.all(".hd-results")
    assert "zaliczk" in page.find(".hd-article-body").text.lower()
    page.press("Wróć do listy")
    look(page)
    assert page.find(".hd-search-input").get_attribute("value") == "zaliczka"


def test_a_suggestion_in_the_new_ticket_form_opens_after_a_faq_search(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    page.find(".hd-search-input").send_keys("rezerwacja")
    page.find(".hd-result")
    page.click('.hd-tab[data-section="ticket"]')
    page.find("input[name=subject]").send_keys("Jak pobrać zaliczkę")
    suggestion = page.find(".hd-suggestions button")
    wanted = suggestion.text
    suggestion.click()
    look(page, "faq-suggestion-opened")
    assert page.find(".hd-article h3").text in wanted
    assert not page.all(".hd-results")


def test_browsing_a_chapter_opens_an_article_and_the_full_knowledge_base_is_linked(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    page.click(".hd-chapter summary")
    article = page.find(".hd-chapter[open] li button")
    title = article.text
    article.click()
    look(page, "faq-browsed-article")
    assert page.find(".hd-article h3").text == title
    page.press("Wróć do listy")
    link = page.find(".hd-kb-link a")
    assert link.get_attribute("href") == web_account.get("/api/v1/help")["kb_url"]
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in (link.get_attribute("rel") or "")
    handles = set(page.driver.window_handles)
    link.click()
    page.wait(lambda driver: len(driver.window_handles) == len(handles) + 1)
    [opened] = set(page.driver.window_handles) - handles
    page.driver.switch_to.window(opened)
    page.driver.close()
    page.switch_to(page.driver.window_handles[0])


def test_first_opening_of_faq_keeps_the_typing_in_the_search_box(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help()
    page.click('.hd-tab[data-section="faq"]')
    # Typing starts at once, before the chapters have loaded, and goes on after.
    type_slowly(page, "fak")
    page.find(".hd-chapter")
    look(page)
    type_slowly(page, "tura")
    look(page, "faq-first-open-typing")
    search = page.find(".hd-search-input")
    assert search.get_attribute("value") == "faktura"
    assert active(page) == search
    page.wait_text(".hd-result-title", "(?i)faktur")


def test_the_focus_ring_stands_out_on_white(page: Browser, web_account: WebAccount) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    page.find(".hd-chapter")
    # The search box has focus; then the keyboard walks on to a button.
    search = tab_to(page, ".hd-search-input")
    ring = search.value_of_css_property("outline-color")
    assert search.value_of_css_property("outline-style") != "none"
    assert contrast_on_white(ring) >= 3, ring
    press_key(page, Keys.TAB)
    button = tab_to(page, "button, summary")
    look(page, "focus-ring")
    ring = button.value_of_css_property("outline-color")
    assert button.value_of_css_property("outline-style") != "none"
    assert contrast_on_white(ring) >= 3, ring


def test_switching_the_language_keeps_the_article_open_in_the_other_language(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    page.find(".hd-search-input").send_keys("zaliczka")
    page.wait_text(".hd-result-title", "(?i)zaliczk")
    page.click(".hd-result")
    page.wait_text(".hd-article h3", "(?i)zaliczk")
    page.click(".hd-lang")
    look(page, "faq-article-english")
    assert "deposit" in page.find(".hd-article h3").text.lower()
    assert page.find(".hd-title").text == "Help"
    assert page.find(".hd-search-input").get_attribute("placeholder").startswith("e.g.")
    page.press("Back to the list")
    # The search ran again in English (where the Polish word may find nothing).
    page.wait_text(".hd-faq-content", "(Results for|Nothing found for) “zaliczka”")
    page.click(".hd-lang")
    page.wait_text(".hd-faq-content h3", "Wyniki dla")
    assert page.find(".hd-title").text == "Pomoc"
