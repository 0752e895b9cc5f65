"""Data written before per-person keys named the account still counts after the upgrade.

Before, read marks were keyed `sha256(user id)[:24]` and Idempotency-Keys `<user id>:<key>`;
a ticket belongs to one account, so such a key on a ticket of account A is A's user's.
"""

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from shared.people import person_key
from tests.support.system import Account
from tests.support.tickets import new_ticket


def legacy_reader_key(user_id: str) -> str:
    return hashlib.sha256(user_id.encode()).hexdigest()[:24]


async def unread(gateway: httpx.AsyncClient, headers: dict[str, str]) -> bool:
    history = (await gateway.get("/api/v1/tickets", headers=headers)).json()
    value: bool = history["items"][0]["unread"]
    return value


async def test_a_read_mark_of_the_old_shape_still_marks_the_ticket_read(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], database: Any
) -> None:
    user_id = f"anna-{uuid.uuid4().hex[:8]}"
    anna = account.user(user_id)
    number = await new_ticket(gateway, anna)
    answered = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies", data={"message": "Już"}, headers=agent
    )
    assert answered.status_code == 201, answered.text
    legacy = legacy_reader_key(user_id)
    reads = database["ticket_reads"]
    mark = {"number": number, "reader": legacy, "at": datetime.now(UTC)}
    await reads.insert_one({"_id": f"{number}:{legacy}", **mark})

    assert await unread(gateway, anna) is False
    ticket = (await gateway.get(f"/api/v1/tickets/{number}", headers=anna)).json()
    assert ticket["unread"] is False
    # The mark now also exists under the new key.
    new_key = person_key(account.account_id, user_id)
    assert await reads.find_one({"_id": f"{number}:{new_key}"}) is not None


async def test_an_idempotency_key_of_the_old_shape_returns_its_ticket_to_its_account_only(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, database: Any
) -> None:
    user_id = f"anna-{uuid.uuid4().hex[:8]}"
    anna = account.user(user_id)
    number = await new_ticket(gateway, anna)
    key = uuid.uuid4().hex
    await database["ticket_creation_keys"].insert_one(
        {"_id": f"{user_id}:{key}", "number": number, "reserved_at": datetime.now(UTC)}
    )
    form = {"subject": "Channel manager", "message": "Brak synchronizacji cen."}

    retried = await gateway.post(
        "/api/v1/tickets", data=form, headers={**anna, "Idempotency-Key": key}
    )
    assert retried.status_code == 201, retried.text
    assert retried.json()["number"] == number
    # The same user id in another hotel is another person: its own new ticket.
    namesake = other_account.user(user_id)
    theirs = await gateway.post(
        "/api/v1/tickets", data=form, headers={**namesake, "Idempotency-Key": key}
    )
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["number"] != number


async def test_a_reply_idempotency_key_of_the_old_shape_is_not_posted_twice(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    user_id = f"anna-{uuid.uuid4().hex[:8]}"
    anna = account.user(user_id)
    number = await new_ticket(gateway, anna)
    key = uuid.uuid4().hex
    first = await gateway.post(
        f"/api/v1/tickets/{number}/replies", data={"message": "Raz"}, headers=anna
    )
    assert first.status_code == 201, first.text
    tickets = database["tickets"]
    await tickets.update_one(
        {"_id": number, "messages.id": first.json()["id"]},
        {"$set": {"messages.$.idem": f"{user_id}:{key}"}},
    )

    again = await gateway.post(
        f"/api/v1/tickets/{number}/replies",
        data={"message": "Raz"},
        headers={**anna, "Idempotency-Key": key},
    )
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    ticket = (await gateway.get(f"/api/v1/tickets/{number}", headers=anna)).json()
    assert [m["body"] for m in ticket["messages"]] == ["Brak synchronizacji cen.", "Raz"]
