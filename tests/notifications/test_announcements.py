"""Announcements: to one user, every user of an account, or everyone, also users seen later.

Connected pages hear of one at once (`announcement.published`); it becomes a person's pop-up
when their pop-ups are read, once, and that pop-up reaches each of their sockets.
"""

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from motor.motor_asyncio import AsyncIOMotorDatabase

from tests.support.popups import eventually_listed, popups, titled
from tests.support.sockets import ChatPeer, OpenStream, stays_quiet
from tests.support.system import Account


async def announce(
    gateway: httpx.AsyncClient, agent: dict[str, str], **target: str
) -> dict[str, Any]:
    title = f"Przerwa techniczna {uuid.uuid4().hex[:6]}"
    body = {"title": title, "body": "W nocy system będzie niedostępny.", **target}
    response = await gateway.post("/api/v1/agent/announcements", json=body, headers=agent)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def listed(title: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda items: any(item["title"] == title for item in items)


def titles(items: list[dict[str, Any]], title: str) -> list[str]:
    """The items with this title (announcements to everyone from other tests are listed too)."""
    return [item["title"] for item in items if item["title"] == title]


async def created_titles(tab: ChatPeer, sent: list[str]) -> list[str]:
    """The titles of the `popup.created` frames of `sent` a tab gets until it has each."""
    got: list[str] = []
    while set(got) != set(sent):
        frame = await tab.expect(
            "popup.created", where=lambda frame: frame["data"]["title"] in sent
        )
        got.append(frame["data"]["title"])
    await stays_quiet(tab, "popup.created", lambda frame: frame["data"]["title"] in sent)
    return got


async def test_an_announcement_to_an_account_reaches_its_users_now_and_later_and_no_others(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    agent: dict[str, str],
    open_stream: OpenStream,
) -> None:
    anna_tab = await open_stream(account.account_id, "anna")
    outsider_tab = await open_stream(other_account.account_id, "anna")
    sent = await announce(gateway, agent, account_id=account.account_id)
    title = sent["title"]
    # Live, without a reload: the page hears of it, reads its pop-ups, and there it is.
    heard = (await anna_tab.expect("announcement.published", where=titled(title)))["data"]
    assert (heard["id"], heard["account_id"], heard["user_id"]) == (
        sent["id"],
        account.account_id,
        None,
    )
    assert titles(await popups(gateway, account.user("anna")), title) == [title]
    popup = (await anna_tab.expect("popup.created", where=titled(title)))["data"]
    assert (popup["title"], popup["ticket_number"]) == (title, None)
    await stays_quiet(outsider_tab, "announcement.published", titled(title))
    # Someone of that account who signs in only now still gets it, once.
    newcomer = account.user("zofia")
    assert titles(await popups(gateway, newcomer), title) == [title]
    assert titles(await popups(gateway, newcomer, state="all"), title) == [title]
    assert titles(await popups(gateway, other_account.user("anna"), state="all"), title) == []


async def test_an_announcement_to_one_user_reaches_only_that_user(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    anna_tab = await open_stream(account.account_id, "anna")
    colleague_tab = await open_stream(account.account_id, "piotr")
    # Known to the help desk: Anna has signed in to the Help menu (read her pop-ups).
    await popups(gateway, account.user("anna"))
    title = (await announce(gateway, agent, account_id=account.account_id, user_id="anna"))["title"]
    await anna_tab.expect("announcement.published", where=titled(title))
    assert titles(await popups(gateway, account.user("anna")), title) == [title]
    await anna_tab.expect("popup.created", where=titled(title))
    await stays_quiet(colleague_tab, "announcement.published", titled(title))
    assert titles(await popups(gateway, account.user("piotr"), state="all"), title) == []


async def test_an_announcement_to_everyone_reaches_connected_and_later_users_of_any_account(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    agent: dict[str, str],
    open_stream: OpenStream,
) -> None:
    tabs = [
        await open_stream(account.account_id, "anna"),
        await open_stream(other_account.account_id, "jan"),
    ]
    title = (await announce(gateway, agent))["title"]
    for tab in tabs:
        await tab.expect("announcement.published", where=titled(title))
    late = Account(f"hotel-{uuid.uuid4().hex[:10]}").user("ola")
    await eventually_listed(gateway, late, listed(title))


async def test_a_user_away_when_it_was_sent_gets_it_at_the_next_page_load(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    title = (await announce(gateway, agent, account_id=account.account_id))["title"]
    marek = account.user("marek")
    assert titles(await popups(gateway, marek), title) == [title]
    assert titles(await popups(gateway, marek, state="all"), title) == [title]


async def test_tabs_reading_at_once_make_one_popup_of_each_announcement_for_every_tab(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    open_stream: OpenStream,
    database: AsyncIOMotorDatabase[Any],
) -> None:
    sent = [(await announce(gateway, agent, account_id=account.account_id))["title"] for _ in "abc"]
    tabs = [await open_stream(account.account_id, "anna") for _tab in range(2)]
    anna = account.user("anna")
    # Both tabs read twice at once (each page load reads, and reads again as its socket opens).
    for answer in await asyncio.gather(*(popups(gateway, anna) for _read in range(4))):
        assert [titles(answer, title) for title in sent] == [[title] for title in sent]
    stored = (
        await database["popups"]
        .find({"account_id": account.account_id, "user_id": "anna", "title": {"$in": sent}})
        .to_list(None)
    )
    assert sorted(popup["title"] for popup in stored) == sorted(sent)
    assert len({popup["number"] for popup in stored}) == len(sent)
    # Each pop-up reaches every tab once, to be shown and acted on as any other.
    for tab in tabs:
        assert sorted(await created_titles(tab, sent)) == sorted(sent)


async def test_only_agents_announce_and_a_title_is_needed(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    body = {"title": "Hej", "body": "Tekst"}
    refused = await gateway.post("/api/v1/agent/announcements", json=body, headers=account.user())
    assert refused.status_code == 403
    empty = await gateway.post(
        "/api/v1/agent/announcements", json={"title": " ", "body": "x"}, headers=agent
    )
    assert empty.status_code == 422


async def test_an_announcement_to_a_user_must_name_the_users_account(
    gateway: httpx.AsyncClient, agent: dict[str, str]
) -> None:
    # User ids are unique only within a hotel: "anna" alone would reach every hotel's Anna.
    body = {"title": "Hej", "body": "Tekst", "user_id": "anna"}
    refused = await gateway.post("/api/v1/agent/announcements", json=body, headers=agent)
    assert refused.status_code == 422
    assert refused.json()["code"] == "announcement_user_needs_account"
