"""A create that died half-way (killed, or cancelled by a broker outage) never blocks its key."""

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.people import Caller
from shared.tickets import CreateTicket
from tests.support.tickets import ticket_service

ANNA = Caller(role="user", id="anna-recovery", name="Anna", account_id="hotel-recovery")


def command(key: str) -> CreateTicket:
    return CreateTicket(
        caller=ANNA, subject="Po awarii", message="...", importance="low", idempotency_key=key
    )


async def test_a_retry_takes_over_a_reservation_whose_request_died(database: Any) -> None:
    service = ticket_service(database)
    key = f"{ANNA.id}:died-before-saving"
    # What a request leaves when it dies after reserving its key and before saving.
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    await database["ticket_creation_keys"].insert_one(
        {"_id": key, "number": None, "reserved_at": long_ago}
    )

    retried = await service.create(command("died-before-saving"))
    again = await service.create(command("died-before-saving"))

    assert again.number == retried.number
    tickets = [t async for t in database["tickets"].find({"account_id": ANNA.account_id})]
    assert [ticket["number"] for ticket in tickets] == [retried.number]


async def test_a_retry_finds_the_ticket_a_dead_request_saved_but_did_not_record(
    database: Any,
) -> None:
    service = ticket_service(database)
    first = await service.create(command("died-after-saving"))
    # The request died between saving the ticket and recording it on the key.
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    key = f"{ANNA.id}:died-after-saving"
    await database["ticket_creation_keys"].replace_one(
        {"_id": key}, {"_id": key, "number": None, "reserved_at": long_ago}
    )

    retried = await service.create(command("died-after-saving"))

    assert retried.number == first.number
