"""The tickets store's typed records and their documents: the field names and BSON dates
the code before them wrote, and documents written before a field existed still read."""

from datetime import UTC, datetime, timedelta
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase

from services.tickets.creation import new_ticket
from services.tickets.domain import SlaPolicy
from services.tickets.models import StoredMessage, StoredTicket
from services.tickets.search import SEARCH_VERSION
from services.tickets.store import (
    SEARCH_TERMS,
    SEARCH_VERSION_FIELD,
    TicketStore,
    ticket_document,
)
from shared.events import ReplyPosted, ReplyPostedPayload
from shared.people import Author, Caller
from shared.settings import DEFAULT_SLA_HOURS
from shared.support_hours import SupportCalendar
from shared.tickets import CreateTicket

AT = datetime(2026, 11, 30, 9, 15, 0, 123000, tzinfo=UTC)
ANNA = {"role": "user", "id": "anna", "name": "Anna"}
EWA = Caller(role="agent", id="ewa", name="Ewa", account_id="support")
SLA = SlaPolicy(
    {level: timedelta(hours=hours) for level, hours in DEFAULT_SLA_HOURS.items()},
    SupportCalendar.from_settings("always", "Europe/Warsaw", "none"),
)


def stored_before(number: str, **fields: Any) -> dict[str, Any]:
    """A ticket document as the code before typed records wrote it (service.new_ticket)."""
    return {
        "_id": number,
        "number": number,
        "account_id": "hotel-records",
        "author": ANNA,
        "subject": "Faktura",
        "importance": "normal",
        "status": "new",
        "created_at": AT,
        "updated_at": AT,
        "sla_due_at": AT + timedelta(hours=8),
        "messages": [
            {
                "id": "m1",
                "author": ANNA,
                "body": "Nie mogę wystawić faktury.",
                "attachment": {
                    "id": "f1",
                    "filename": "ekran.png",
                    "content_type": "image/png",
                    "size": 3,
                },
                "created_at": AT,
                "idem": "person:key-1",
            }
        ],
        "last_support_reply_at": None,
        "creation_key": "person:key-1",
        "version": 1,
        "resolutions": 0,
        "resolved_at": None,
        "outbox": [],
        "outbox_pending": False,
        **fields,
    }


def without_outbox(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if not key.startswith("outbox")}


# What the code now adds to the document: the terms the history search finds it by, and
# support's own view (who handles it, its tags), the times the tickets report reads and
# the language the user wrote in (for canned replies), none on a ticket stored before.
ADDED_FIELDS = {
    SEARCH_TERMS,
    SEARCH_VERSION_FIELD,
    "assignee",
    "tags",
    "closed_at",
    "first_response_due_at",
    "lang",
}


def without_added(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key not in ADDED_FIELDS}


def test_a_ticket_document_of_the_code_before_reads_and_maps_back_to_the_same_fields() -> None:
    document = stored_before("HD-000001")

    ticket = StoredTicket.model_validate(document)

    assert ticket.messages[0].attachment is not None
    assert ticket.messages[0].attachment.filename == "ekran.png"
    stored = ticket_document(ticket)
    assert without_added(stored) == without_outbox(document)
    assert (stored["closed_at"], stored["first_response_due_at"]) == (None, None)
    assert stored[SEARCH_VERSION_FIELD] == SEARCH_VERSION
    assert (stored["assignee"], stored["tags"]) == (None, [])
    assert {"hd", "000001", "faktur", "wystaw"} <= set(stored[SEARCH_TERMS])


def test_a_new_ticket_has_the_fields_and_dates_the_code_before_stored() -> None:
    command = CreateTicket(
        caller=Caller(**ANNA, account_id="hotel-records"),
        subject="Faktura",
        message="Nie mogę wystawić faktury.",
        importance="normal",
    )

    ticket, event = new_ticket(command, "HD-000002", AT, SLA, creation_key="person:key-2")
    document = ticket_document(ticket)

    assert document.keys() == without_outbox(stored_before("HD-000002")).keys() | ADDED_FIELDS
    # The first-response target as set at creation; the SLA clock moves on from it.
    assert document["first_response_due_at"] == document["sla_due_at"]
    assert document["closed_at"] is None
    assert document["_id"] == document["number"] == event.payload.number == "HD-000002"
    assert document["messages"][0].keys() == stored_before("x")["messages"][0].keys()
    # Dates stay datetimes, so BSON stores dates (never text).
    assert isinstance(document["sla_due_at"], datetime)
    assert document["created_at"] == document["messages"][0]["created_at"] == AT
    assert (document["version"], document["messages"][0]["idem"]) == (1, "person:key-2")


def test_a_ticket_stored_before_keys_and_support_replies_were_kept_reads() -> None:
    document = stored_before("HD-000003")
    for field in ("creation_key", "last_support_reply_at", "sla_due_at"):
        del document[field]
    del document["messages"][0]["idem"]
    del document["messages"][0]["attachment"]
    # And before resolutions were counted: never resolved, nothing to rate.
    for field in ("resolutions", "resolved_at"):
        del document[field]

    ticket = StoredTicket.model_validate(document)

    assert (ticket.resolutions, ticket.resolved_at) == (0, None)

    assert (ticket.creation_key, ticket.last_support_reply_at, ticket.sla_due_at) == (
        None,
        None,
        None,
    )
    assert (ticket.messages[0].idem, ticket.messages[0].attachment) == (None, None)
    assert ticket.messages[0].view().body == "Nie mogę wystawić faktury."


async def test_a_reply_sets_and_pushes_only_its_own_fields(
    own_database: AsyncIOMotorDatabase[Any],
) -> None:
    store = TicketStore(own_database)
    # Stored before creation keys; and a field no record knows, which a change keeps.
    old = stored_before("HD-000004", legacy_note="kept")
    del old["creation_key"]
    await store.tickets.insert_one(old)
    ticket = await store.get("HD-000004")
    assert ticket is not None
    reply = StoredMessage.written(EWA, "Już działa.", None, AT + timedelta(hours=1), "ewa:k")
    replied = ticket.model_copy(
        update={
            "status": "in_progress",
            "updated_at": reply.created_at,
            "last_support_reply_at": reply.created_at,
            "messages": [*ticket.messages, reply],
        }
    )
    event = ReplyPosted(
        payload=ReplyPostedPayload(
            ticket_number=ticket.number,
            account_id=ticket.account_id,
            ticket_owner_id=ticket.author.id,
            ticket_subject=ticket.subject,
            message_id=reply.id,
            author=Author(role="agent", id="ewa", name="Ewa"),
            body=reply.body,
            status="in_progress",
        )
    )

    written = await store.append_reply(replied, event)

    assert written is not None and written.version == 2
    after = await store.tickets.find_one({"_id": "HD-000004"})
    assert after["messages"][1] == reply.model_dump()
    assert isinstance(after["messages"][1]["created_at"], datetime)
    assert (after["status"], after["last_support_reply_at"]) == ("in_progress", reply.created_at)
    assert (after["legacy_note"], "creation_key" in after) == ("kept", False)
    assert [entry["type"] for entry in after["outbox"]] == ["reply.posted"]
    # Decided from version 1, which is gone now: the store refuses, the caller decides again.
    assert await store.append_reply(replied, event) is None


async def test_a_key_reservation_reads_as_the_code_before_wrote_it(
    own_database: AsyncIOMotorDatabase[Any],
) -> None:
    store = TicketStore(own_database)
    await store.creation_keys.insert_one({"_id": "p:k", "number": None, "reserved_at": AT})

    reservation = await store.key_reservation("p:k")

    assert reservation is not None
    assert (reservation.key, reservation.number, reservation.reserved_at) == ("p:k", None, AT)
    assert await store.take_over_key(reservation, AT + timedelta(minutes=1))
    assert not await store.take_over_key(reservation, AT + timedelta(minutes=2))
