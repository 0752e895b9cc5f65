"""Who may call what: every operation of the OpenAPI document has a row here.

Generated from the route list: an endpoint added without a row fails the test, so nobody
ships a route whose access was never decided.
"""

from typing import Literal

import httpx
import pytest

from tests.conftest import Account, bearer, make_token

Access = Literal["public", "user", "agent"]

# "user": any signed-in user or agent; "agent": support agents only (403 for users).
ACCESS: dict[tuple[str, str], Access] = {
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("GET", "/api/v1/help"): "public",
    ("GET", "/api/v1/demo/users"): "public",
    ("POST", "/api/v1/demo/token"): "public",
    ("GET", "/api/v1/kb/chapters"): "user",
    ("GET", "/api/v1/kb/search"): "user",
    ("GET", "/api/v1/kb/articles/{slug}"): "user",
    ("POST", "/api/v1/tickets"): "user",
    ("GET", "/api/v1/tickets"): "user",
    ("GET", "/api/v1/tickets/subjects"): "user",
    ("GET", "/api/v1/tickets/{number}"): "user",
    ("POST", "/api/v1/tickets/{number}/replies"): "user",
    ("GET", "/api/v1/attachments/{attachment_id}"): "user",
    ("GET", "/api/v1/popups"): "user",
    ("POST", "/api/v1/popups/{number}/snooze"): "user",
    ("POST", "/api/v1/popups/{number}/read"): "user",
    ("DELETE", "/api/v1/popups/{number}"): "user",
    ("GET", "/api/v1/agent/system"): "agent",
    ("GET", "/api/v1/agent/tickets"): "agent",
    ("PATCH", "/api/v1/agent/tickets/{number}"): "agent",
    ("POST", "/api/v1/agent/tickets/{number}/replies"): "agent",
    ("POST", "/api/v1/agent/announcements"): "agent",
}
SAMPLE_PATH_VALUES = {
    "{slug}": "no-such-article",
    "{number}": "HD-000000",
    "{attachment_id}": "0" * 24,
}


def concrete(path: str) -> str:
    for placeholder, value in SAMPLE_PATH_VALUES.items():
        path = path.replace(placeholder, value)
    return path


async def operations(gateway: httpx.AsyncClient) -> list[tuple[str, str]]:
    document = (await gateway.get("/openapi.json")).json()
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


async def test_every_operation_has_an_access_row(gateway: httpx.AsyncClient) -> None:
    listed = set(await operations(gateway))
    assert listed - set(ACCESS) == set(), "new endpoints need a row in ACCESS"
    assert set(ACCESS) - listed == set(), "rows for endpoints that no longer exist"


@pytest.mark.parametrize(("method", "path"), sorted(ACCESS))
async def test_access_is_enforced(
    gateway: httpx.AsyncClient, account: Account, method: str, path: str
) -> None:
    url = concrete(path)
    access = ACCESS[(method, path)]
    anonymous = await gateway.request(method, url)
    user = await gateway.request(method, url, headers=account.user())
    agent = await gateway.request(method, url, headers=bearer(make_token("agent", "support")))
    if access == "public":
        assert anonymous.status_code not in (401, 403)
        return
    assert anonymous.status_code == 401, anonymous.text
    assert agent.status_code not in (401, 403), agent.text
    if access == "agent":
        assert user.status_code == 403, user.text
    else:
        assert user.status_code not in (401, 403), user.text
    # Never a server error, whatever the caller: bad input is a 4xx.
    assert max(anonymous.status_code, user.status_code, agent.status_code) < 500
