"""The `/api/v1/kb/...` endpoints: in-process for the contract, once through the real gateway."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.gateway import IN_PROCESS_SECRET, in_process_gateway
from tests.support.system import bearer, make_token


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=in_process_gateway())
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        client.headers.update(bearer(make_token(secret=IN_PROCESS_SECRET)))
        yield client


@pytest.mark.parametrize(
    "path",
    ["/api/v1/kb/chapters", "/api/v1/kb/search?q=faktura", "/api/v1/kb/articles/reset-hasla"],
)
async def test_every_kb_endpoint_needs_a_token(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers={"Authorization": ""})
    assert response.status_code == 401


async def test_chapters_come_in_the_set_order_with_their_articles(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/api/v1/kb/chapters")).json()
    assert body["lang"] == "pl"
    ids = [chapter["id"] for chapter in body["chapters"]]
    assert ids[:2] == ["help-menu", "support"]
    first = body["chapters"][0]
    assert first["title"] == "Menu Pomoc"
    assert first["articles"][0] == {
        "slug": "jak-korzystac-z-menu-pomoc",
        "title": "Jak korzystać z menu Pomoc",
    }


async def test_chapters_in_english(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/kb/chapters", params={"lang": "en"})).json()
    assert body["chapters"][0]["title"] == "The Help menu"
    assert body["chapters"][0]["articles"][0]["slug"] == "using-the-help-menu"


async def test_search_returns_ranked_items_with_snippets(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/kb/search", params={"q": "zgloszenie zalacznik"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["slug"] == "nowe-powiadomienie"
    assert set(items[0]) >= {"slug", "title", "chapter", "snippet", "score", "lang", "highlights"}
    assert items[0]["chapter"] == "help-menu"


async def test_new_ticket_form_gets_three_suggestions(client: httpx.AsyncClient) -> None:
    params = {"q": "Nie moge zresetowac has", "lang": "pl", "limit": "3"}
    items = (await client.get("/api/v1/kb/search", params=params)).json()["items"]
    assert len(items) <= 3
    assert items[0]["slug"] == "reset-hasla"


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 201},
        {"q": "faktura", "limit": "0"},
        {"q": "faktura", "limit": "51"},
        {"q": "faktura", "lang": "de"},
    ],
)
async def test_bad_search_parameters_get_422(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get("/api/v1/kb/search", params=params)
    assert response.status_code == 422
    assert response.json()["detail"]


async def test_article_has_its_markdown_and_translation(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/kb/articles/reset-hasla")).json()
    assert body["title"].startswith("Nie pamiętam hasła")
    assert body["lang"] == "pl"
    assert body["chapter"] == "users"
    assert "hasło" in body["tags"]
    assert body["body_markdown"].startswith("**Samodzielny reset hasła**")
    assert body["translations"] == {"en": "resetting-a-password"}


async def test_unknown_article_slug_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/kb/articles/no-such-article")
    assert response.status_code == 404
    assert "no-such-article" in response.json()["detail"]


async def test_the_running_gateway_serves_the_knowledge_base(
    gateway: httpx.AsyncClient,
) -> None:
    headers = bearer(make_token(role="agent"))
    search = await gateway.get(
        "/api/v1/kb/search", params={"q": "faktura korygujaca", "limit": 3}, headers=headers
    )
    assert search.status_code == 200
    slug = search.json()["items"][0]["slug"]
    assert slug == "faktura-korygujaca"
    article = await gateway.get(f"/api/v1/kb/articles/{slug}", headers=headers)
    assert article.json()["translations"] == {"en": "corrective-invoice"}
