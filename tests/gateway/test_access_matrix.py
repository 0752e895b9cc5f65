"""Who may call what: every operation of the OpenAPI document has a row here.

Generated from the route list: an endpoint added without a row fails the test, so nobody
ships a route whose access was never decided.
"""

import asyncio
from typing import Literal

import httpx
import pytest
import websockets

from tests.support.system import Account, HelpDesk, bearer, make_token
from tests.support.tickets import PNG
from tests.support.waiting import eventually

Access = Literal["public", "user", "users_only", "agent"]

# "user": any signed-in user or agent; "users_only": users of hotel accounts only (403 for
# agents: support does not rate its own work); "agent": support agents only (403 for users).
ACCESS: dict[tuple[str, str], Access] = {
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("GET", "/api/v1/help"): "public",
    ("GET", "/api/v1/demo/users"): "public",
    ("POST", "/api/v1/demo/token"): "public",
    ("GET", "/api/v1/kb/chapters"): "user",
    ("GET", "/api/v1/kb/search"): "user",
    ("GET", "/api/v1/kb/articles/{slug}"): "user",
    ("GET", "/api/v1/kb/articles/{slug}/vote"): "user",
    ("PUT", "/api/v1/kb/articles/{slug}/vote"): "user",
    ("POST", "/api/v1/kb/missed-searches"): "user",
    ("POST", "/api/v1/tickets"): "user",
    ("GET", "/api/v1/tickets"): "user",
    ("GET", "/api/v1/tickets/subjects"): "user",
    ("GET", "/api/v1/tickets/{number}"): "user",
    ("POST", "/api/v1/tickets/{number}/replies"): "user",
    ("GET", "/api/v1/tickets/{number}/rating"): "user",
    ("PUT", "/api/v1/tickets/{number}/rating"): "users_only",
    ("GET", "/api/v1/attachments/{attachment_id}"): "user",
    # Either party of a chat (its user or its agent); anyone else hears 404.
    ("POST", "/api/v1/chat/{chat_id}/files"): "user",
    ("GET", "/api/v1/chat/{chat_id}/files/{file_id}"): "user",
    ("GET", "/api/v1/popups"): "user",
    ("POST", "/api/v1/popups/{number}/snooze"): "user",
    ("POST", "/api/v1/popups/{number}/read"): "user",
    ("POST", "/api/v1/popups/{number}/seen"): "user",
    ("DELETE", "/api/v1/popups/{number}"): "user",
    ("GET", "/api/v1/email-copies"): "user",
    ("PUT", "/api/v1/email-copies"): "user",
    ("GET", "/api/v1/agent/system"): "agent",
    ("GET", "/api/v1/agent/tickets"): "agent",
    ("GET", "/api/v1/agent/tickets/{number}"): "agent",
    ("PATCH", "/api/v1/agent/tickets/{number}"): "agent",
    ("GET", "/api/v1/agent/agents"): "agent",
    ("GET", "/api/v1/agent/tags"): "agent",
    ("POST", "/api/v1/agent/tickets/{number}/replies"): "agent",
    ("POST", "/api/v1/agent/announcements"): "agent",
    ("GET", "/api/v1/agent/ratings"): "agent",
    ("GET", "/api/v1/agent/reports/tickets"): "agent",
    ("GET", "/api/v1/agent/reports/tickets.csv"): "agent",
    ("GET", "/api/v1/agent/kb/report"): "agent",
    ("GET", "/api/v1/agent/availability"): "agent",
    ("PUT", "/api/v1/agent/availability"): "agent",
    ("GET", "/api/v1/agent/tickets/{number}/notes"): "agent",
    ("POST", "/api/v1/agent/tickets/{number}/notes"): "agent",
    ("GET", "/api/v1/agent/canned-replies"): "agent",
    ("POST", "/api/v1/agent/canned-replies"): "agent",
    ("PUT", "/api/v1/agent/canned-replies/{reply_id}"): "agent",
    ("DELETE", "/api/v1/agent/canned-replies/{reply_id}"): "agent",
    ("GET", "/api/v1/agent/tickets/{number}/canned-replies/{reply_id}"): "agent",
}
NOT_OWNED = ("/api/v1/kb/", "/api/v1/chat/")
SAMPLE_PATH_VALUES = {
    "{slug}": "no-such-article",
    "{number}": "HD-000000",
    "{attachment_id}": "0" * 24,
    "{chat_id}": "no-such-chat",
    "{file_id}": "no-such-file",
    "{reply_id}": "no-such-reply",
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
    if access == "users_only":
        assert agent.status_code == 403, agent.text
    else:
        assert agent.status_code not in (401, 403), agent.text
    if access == "agent":
        assert user.status_code == 403, user.text
    else:
        assert user.status_code not in (401, 403), user.text
    # Never a server error, whatever the caller: bad input is a 4xx.
    assert max(anonymous.status_code, user.status_code, agent.status_code) < 500


Persona = Literal["owner", "colleague", "other_account", "agent"]
# What each person gets on someone's own resources: the ticket belongs to the owner's
# account (every colleague sees it), the pop-up to the owner alone.
RESOURCE_ACCESS: dict[tuple[str, str], dict[Persona, int]] = {
    ("GET", "/api/v1/tickets/{number}"): {
        "owner": 200,
        "colleague": 200,
        "other_account": 404,
        "agent": 200,
    },
    # Rated before the replies below: a user's reply reopens the resolved ticket.
    ("GET", "/api/v1/tickets/{number}/rating"): {
        "owner": 200,
        "colleague": 200,
        "other_account": 404,
        "agent": 200,
    },
    ("PUT", "/api/v1/tickets/{number}/rating"): {
        "owner": 200,
        "colleague": 200,
        "other_account": 404,
        "agent": 403,
    },
    ("POST", "/api/v1/tickets/{number}/replies"): {
        "owner": 201,
        "colleague": 201,
        "other_account": 404,
        "agent": 201,
    },
    ("GET", "/api/v1/attachments/{attachment_id}"): {
        "owner": 200,
        "colleague": 200,
        "other_account": 404,
        "agent": 200,
    },
    ("POST", "/api/v1/popups/{number}/read"): {
        "owner": 200,
        "colleague": 404,
        "other_account": 404,
        "agent": 404,
    },
    ("POST", "/api/v1/popups/{number}/seen"): {
        "owner": 200,
        "colleague": 404,
        "other_account": 404,
        "agent": 404,
    },
    ("POST", "/api/v1/popups/{number}/snooze"): {
        "owner": 200,
        "colleague": 404,
        "other_account": 404,
        "agent": 404,
    },
    ("DELETE", "/api/v1/popups/{number}"): {
        "owner": 200,
        "colleague": 404,
        "other_account": 404,
        "agent": 404,
    },
}
ALL = {"state": "all"}
SOCKETS: dict[str, Access] = {
    "/api/v1/stream": "user",
    "/api/v1/chat": "user",
    "/api/v1/agent/stream": "agent",
    "/api/v1/agent/chat": "agent",
}


def test_every_resource_route_with_an_owner_has_a_row() -> None:
    # A chat's files belong to its two parties while it lasts, not to an account: who else
    # hears 404 is checked on a live chat in tests/chat/test_chat_files.py.
    owned = {key for key in ACCESS if "{" in key[1] and not key[1].startswith(NOT_OWNED)}
    # The agent-only routes are decided by role alone (see ACCESS): any agent, any ticket.
    agent_only = {key for key in owned if ACCESS[key] == "agent"}
    assert owned - agent_only == set(RESOURCE_ACCESS)


async def test_resources_are_isolated_between_people_and_accounts(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, agent: dict[str, str]
) -> None:
    people: dict[Persona, dict[str, str]] = {
        "owner": account.user("owner"),
        "colleague": account.user("colleague"),
        "other_account": other_account.user("stranger"),
        "agent": agent,
    }
    ticket = (
        await gateway.post(
            "/api/v1/tickets",
            data={"subject": "Macierz", "message": "..."},
            files={"file": ("a.png", PNG, "image/png")},
            headers=people["owner"],
        )
    ).json()
    # Resolved with the answer, so the ticket can be rated.
    await gateway.post(
        f"/api/v1/agent/tickets/{ticket['number']}/replies",
        data={"message": "ok", "status": "resolved"},
        headers=agent,
    )

    async def owners_popup() -> bool:
        listed = await gateway.get(
            "/api/v1/popups", params={"state": "all"}, headers=people["owner"]
        )
        return any(item["ticket_number"] == ticket["number"] for item in listed.json()["items"])

    await eventually(owners_popup, within=15)
    listed = await gateway.get("/api/v1/popups", params=ALL, headers=people["owner"])
    popup = next(i for i in listed.json()["items"] if i["ticket_number"] == ticket["number"])
    values = {
        "{number}": ticket["number"],
        "{attachment_id}": ticket["attachment"]["id"],
    }
    # Pop-up actions go last: Delete would hide the pop-up from the other checks.
    for (method, path), expected in sorted(
        RESOURCE_ACCESS.items(), key=lambda r: r[0][0] == "DELETE"
    ):
        url = path.replace(
            "{number}", popup["number"] if "/popups/" in path else values["{number}"]
        )
        url = url.replace("{attachment_id}", values["{attachment_id}"])
        for persona in ("other_account", "colleague", "agent", "owner"):
            kwargs: dict[str, object] = {"headers": people[persona]}
            if path.endswith("/replies"):
                kwargs["data"] = {"message": f"od {persona}"}
            if path.endswith("/snooze"):
                kwargs["json"] = {"minutes": 5}
            if path.endswith("/rating") and method == "PUT":
                kwargs["json"] = {"rating": 4, "comment": f"od {persona}"}
            response = await gateway.request(method, url, **kwargs)  # type: ignore[arg-type]
            assert response.status_code == expected[persona], (method, path, persona, response.text)


@pytest.mark.parametrize(("path", "access"), sorted(SOCKETS.items()))
async def test_sockets_need_a_valid_token_and_the_right_role(
    system: HelpDesk, account: Account, path: str, access: Access
) -> None:
    base = system.gateway_url.replace("http://", "ws://") + path
    user_token = make_token("user", account.account_id, "anna")
    agent_token = make_token("agent", "support", "ewa")
    assert await close_code(f"{base}?token=forged") == 4401
    assert await close_code(base) == 4401
    assert await close_code(f"{base}?token={agent_token}") is None
    assert await close_code(f"{base}?token={user_token}") == (4403 if access == "agent" else None)


async def close_code(url: str) -> int | None:
    """The code the server closed the socket with, or None if it stayed open."""
    async with websockets.connect(url) as socket:
        try:
            async with asyncio.timeout(2):
                while True:
                    await socket.recv()
        except TimeoutError:
            return None
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
