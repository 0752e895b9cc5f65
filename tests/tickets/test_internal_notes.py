"""Internal notes: agents write and read them on a ticket; no user ever reaches one.

The privacy test writes a note with a canary text of its own and then looks for it
everywhere a user can look: every GET route of the OpenAPI document a user may call, the
history search, the answers of the user's own actions, the pop-up stream socket, the
e-mail copy of support's answer, every event on the bus, and the stored ticket.
"""

import asyncio
import json
import uuid
from typing import Any

import httpx
import websockets
from motor.motor_asyncio import AsyncIOMotorDatabase

from shared.notes import NOTE_MAX
from tests.support.events import EventLog, ticket_events_settled
from tests.support.mailpit import Mailbox
from tests.support.popups import eventually_listed, popups
from tests.support.system import Account, HelpDesk, bearer, make_token
from tests.support.tickets import new_ticket

# What a user-callable path names, when it is not the test's ticket or pop-up.
OTHER_PATH_VALUES = {
    "{slug}": "no-such-article",
    "{attachment_id}": "0" * 24,
    "{chat_id}": "no-such-chat",
    "{file_id}": "no-such-file",
}


# What `note.added` may carry: never the text, the account or the ticket's owner.
NOTE_ADDED_FIELDS = {"ticket_number", "note_id", "author"}


def stream_url(system: HelpDesk, token: str, agent: bool = False) -> str:
    path = "/api/v1/agent/stream" if agent else "/api/v1/stream"
    return system.gateway_url.replace("http://", "ws://") + f"{path}?token={token}"


async def note_added(socket: Any, note_id: str, within: float = 10) -> Any:
    """The `note.added` frame of this note (other notes' and tests' frames come too)."""
    async with asyncio.timeout(within):
        while True:
            frame = json.loads(await socket.recv())
            if frame["type"] == "note.added" and frame["data"]["note_id"] == note_id:
                return frame


def notes_url(number: str) -> str:
    return f"/api/v1/agent/tickets/{number}/notes"


async def write_note(
    gateway: httpx.AsyncClient, number: str, agent: dict[str, str], body: str
) -> dict[str, Any]:
    response = await gateway.post(notes_url(number), json={"body": body}, headers=agent)
    assert response.status_code == 201, response.text
    note: dict[str, Any] = response.json()
    return note


async def test_agents_write_notes_and_read_them_oldest_first(
    system: HelpDesk, gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    number = await new_ticket(gateway, account.user("anna"))
    first = await write_note(gateway, number, agent, "  Klient dzwonił, prosi o telefon.  ")
    other_agent = bearer(make_token("agent", "support", "marek", "Marek"))
    agents_stream = stream_url(system, make_token("agent", "support", "ewa"), agent=True)
    async with websockets.connect(agents_stream) as console:
        second = await write_note(gateway, number, other_agent, "Oddzwoniłem.\nSprawa w toku.")
        # The other consoles hear that there is a note, and read it through the API.
        told = await note_added(console, second["id"])
    assert told["data"] == {
        "ticket_number": number,
        "note_id": second["id"],
        "author": {"role": "agent", "id": "marek", "name": "Marek"},
    }

    assert first["body"] == "Klient dzwonił, prosi o telefon."
    assert first["ticket_number"] == number and first["author"]["role"] == "agent"
    listed = (await gateway.get(notes_url(number), headers=agent)).json()["items"]
    assert [(n["id"], n["author"]["name"], n["body"]) for n in listed] == [
        (first["id"], first["author"]["name"], first["body"]),
        (second["id"], "Marek", "Oddzwoniłem.\nSprawa w toku."),
    ]


async def test_bad_notes_are_refused_and_nothing_is_saved(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    number = await new_ticket(gateway, account.user("anna"))
    for body in ("   ", "x" * (NOTE_MAX + 1), "sterujący \x1b[31m znak"):
        refused = await gateway.post(notes_url(number), json={"body": body}, headers=agent)
        assert refused.status_code == 422, refused.text
    missing = await gateway.post(notes_url("HD-999999"), json={"body": "?"}, headers=agent)
    assert (missing.status_code, missing.json()["code"]) == (404, "ticket_not_found")
    assert (await gateway.get(notes_url(number), headers=agent)).json()["items"] == []


async def test_users_cannot_read_or_write_notes_even_on_their_own_ticket(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    await write_note(gateway, number, agent, "Tylko dla wsparcia")
    for response in (
        await gateway.get(notes_url(number), headers=anna),
        await gateway.post(notes_url(number), json={"body": "moja notatka"}, headers=anna),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "agent_only")


async def test_a_note_reaches_no_user_anywhere(
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    event_log: EventLog,
    mailbox: Mailbox,
    database: AsyncIOMotorDatabase[Any],
) -> None:
    canary = f"kanarek{uuid.uuid4().hex[:12]}"
    address = f"anna-{uuid.uuid4().hex[:12]}@hotel-baltyk.example"
    anna = account.user("anna", email=address)
    colleague = account.user("piotr", "Piotr Nowak")
    turned = await gateway.put("/api/v1/email-copies", json={"enabled": True}, headers=anna)
    assert turned.status_code == 200, turned.text
    number = await new_ticket(gateway, anna, subject="Raport nocny")
    token = make_token("user", account.account_id, "anna")
    async with websockets.connect(stream_url(system, token)) as stream:
        # Notes before and after support's answer (which resolves the ticket), so the
        # answer's pop-up, e-mail and events are made while the ticket has notes.
        await write_note(gateway, number, agent, f"Przed odpowiedzią: {canary}")
        answered = await gateway.post(
            f"/api/v1/agent/tickets/{number}/replies",
            data={"message": "Raport jest już dostępny.", "status": "resolved"},
            headers=agent,
        )
        assert answered.status_code == 201, answered.text
        await write_note(gateway, number, agent, f"Po odpowiedzi: {canary}")
        [popup] = await eventually_listed(gateway, anna, bool, ticket_number=number)
        [mail] = await mailbox.wait_for(address)
        await ticket_events_settled(event_log, database, number)
        frames = await frames_until_quiet(stream)
    # One pop-up, the answer's: the notes before and after it made none.
    assert len(await popups(gateway, anna, state="all", ticket_number=number)) == 1

    reached = await everything_a_user_reads(gateway, (anna, colleague), number, popup["number"])
    reached["e-mail copy"] = json.dumps(await mailbox.message(mail["ID"]), ensure_ascii=False)
    reached["stream socket"] = json.dumps(frames, ensure_ascii=False)
    reached["events on the bus"] = json.dumps(event_log.events, ensure_ascii=False)
    ticket = await database["tickets"].find_one({"_id": number})
    reached["stored ticket (searched, published)"] = json.dumps(ticket, default=str)
    assert any(frame["type"] == "popup.created" for frame in frames), frames
    assert not [frame for frame in frames if frame["type"] == "note.added"]
    # The bus says a note was written, for the agents' consoles, and nothing of what it says.
    told = event_log.of_type("note.added", ticket_number=number)
    assert len(told) == 2 and all(set(e["payload"]) == NOTE_ADDED_FIELDS for e in told)
    assert [where for where, text in reached.items() if canary in text.lower()] == []
    searched = await gateway.get("/api/v1/tickets", params={"q": canary}, headers=anna)
    assert searched.json()["total"] == 0, searched.text
    # The canary is there to be found: agents see it.
    notes = (await gateway.get(notes_url(number), headers=agent)).text
    assert notes.count(canary) == 2


async def frames_until_quiet(stream: Any, quiet: float = 1.5) -> list[dict[str, Any]]:
    """Every frame the socket got until none came for `quiet` seconds."""
    frames: list[dict[str, Any]] = []
    while True:
        try:
            async with asyncio.timeout(quiet):
                frames.append(json.loads(await stream.recv()))
        except TimeoutError:
            return frames


async def everything_a_user_reads(
    gateway: httpx.AsyncClient,
    users: tuple[dict[str, str], ...],
    number: str,
    popup_number: str,
) -> dict[str, str]:
    """The answers of every route a user may call, by route, for each of `users`."""
    document = (await gateway.get("/openapi.json")).json()
    gets = [
        path
        for path, item in document["paths"].items()
        if "get" in item and not path.startswith("/api/v1/agent/")
    ]
    assert {"/api/v1/tickets", "/api/v1/tickets/{number}", "/api/v1/popups"} <= set(gets)
    reached: dict[str, str] = {}
    for who, user in enumerate(users):
        for path in gets:
            url = path.replace("{number}", number)
            for placeholder, value in OTHER_PATH_VALUES.items():
                url = url.replace(placeholder, value)
            reached[f"user {who}: GET {path}"] = (await gateway.get(url, headers=user)).text
        searches = {
            "history search for the canary's ticket": {"q": number},
            "history, every status": {"page_size": 100},
        }
        for name, params in searches.items():
            found = await gateway.get("/api/v1/tickets", params=params, headers=user)
            reached[f"user {who}: {name}"] = found.text
        reached[f"user {who}: pop-up history"] = (
            await gateway.get("/api/v1/popups", params={"state": "all"}, headers=user)
        ).text
    anna = users[0]
    actions = {
        "rating": ("PUT", f"/api/v1/tickets/{number}/rating", {"json": {"rating": 5}}),
        "pop-up preview": ("POST", f"/api/v1/popups/{popup_number}/read", {}),
        "user's reply": ("POST", f"/api/v1/tickets/{number}/replies", {"data": {"message": "ok"}}),
    }
    for name, (method, url, kwargs) in actions.items():
        response = await gateway.request(method, url, headers=anna, **kwargs)  # type: ignore[arg-type]
        assert response.status_code < 300, (name, response.text)
        reached[name] = response.text
    reached["ticket after the user's reply"] = (
        await gateway.get(f"/api/v1/tickets/{number}", headers=anna)
    ).text
    return reached
