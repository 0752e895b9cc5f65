"""Every answer says nosniff; pages carry a CSP fit for the web client and no framing."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.gateway.api.pages import WEB_DIR
from tests.support.gateway import in_process_gateway


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=in_process_gateway(demo=True))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


def directives(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    pairs = (part.strip().partition(" ") for part in policy.split(";") if part.strip())
    return {name: value for name, _, value in pairs}


@pytest.mark.parametrize("page", ["/", "/console"])
async def test_pages_cannot_be_framed_by_other_origins_and_run_only_their_own_code(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = directives(response)
    assert policy["frame-ancestors"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/help", "/api/v1/tickets", "/static/help.js", "/healthz", "/api/v1/nowhere"],
)
async def test_every_answer_says_nosniff_and_api_answers_render_nothing(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    if path.startswith("/api/"):
        assert directives(response)["default-src"] == "'none'"
        assert directives(response)["frame-ancestors"] == "'none'"


async def test_a_refusal_before_the_body_carries_the_headers_too(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/v1/tickets", data={"subject": "x", "message": "y"})
    assert response.status_code == 401
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("page", sorted(WEB_DIR.rglob("*.html")), ids=lambda path: str(path.name))
def test_the_web_client_has_no_inline_script_or_style(page: Path) -> None:
    # The CSP forbids inline code: a page that had some would silently stop working.
    html = page.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
