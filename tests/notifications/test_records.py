"""The notifications store's typed records and their documents: the field names and BSON
dates the code before them wrote, and pop-ups stored before `seen` existed still read."""

from datetime import UTC, datetime, timedelta
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase

from services.notifications import domain
from services.notifications.models import StoredAnnouncement, StoredPopup
from services.notifications.store import PopupStore, announcement_document, popup_document
from shared.events import PopupRead, PopupReminded, PopupSnoozed

AT = datetime(2026, 11, 30, 9, 15, 0, 123000, tzinfo=UTC)


def stored_before(key: str, **fields: Any) -> dict[str, Any]:
    """A pop-up document as the code before typed records wrote it (service._new_popup)."""
    return {
        "_id": key,
        "number": "P-000001",
        "account_id": "hotel-records",
        "user_id": "anna",
        "title": "Odpowiedź w zgłoszeniu HD-000001: Faktura",
        "body": "Już działa.",
        "ticket_number": "HD-000001",
        "ticket_status": None,
        "announcement_id": None,
        "created_at": AT,
        "read": False,
        "read_at": None,
        "seen": False,
        "snoozed_until": None,
        "visible_at": AT,
        "remind_pending": False,
        "deleted": False,
        "deleted_at": None,
        "version": 1,
        "outbox": [],
        "outbox_pending": False,
        **fields,
    }


def without_outbox(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if not key.startswith("outbox")}


def test_a_popup_document_of_the_code_before_reads_and_maps_back_to_the_same_fields() -> None:
    document = stored_before("event:1")

    popup = StoredPopup.model_validate({**document, "key": document["_id"]})

    assert popup_document(popup) == without_outbox(document)


def test_a_new_popup_has_the_fields_the_code_before_stored() -> None:
    popup = StoredPopup(
        key="event:2",
        number="P-000002",
        account_id="hotel-records",
        user_id="anna",
        title="t",
        body="b",
        created_at=AT,
        visible_at=AT,
    )

    document = popup_document(popup)

    assert document.keys() == without_outbox(stored_before("x")).keys()
    assert (document["read"], document["seen"], document["version"]) == (False, False, 1)
    assert isinstance(document["visible_at"], datetime)


def test_a_popup_stored_before_seen_existed_reads_as_not_closed() -> None:
    document = stored_before("event:3")
    del document["seen"]
    # And before pop-ups told the status they announce.
    del document["ticket_status"]

    popup = StoredPopup.model_validate({**document, "key": document["_id"]})

    assert popup.ticket_status is None
    assert popup.seen is False
    assert popup.item().seen is False
    assert popup.view().account_id == "hotel-records"


def test_an_announcement_document_of_the_code_before_reads_and_maps_back() -> None:
    document = {
        "_id": "a1",
        "title": "Przerwa techniczna",
        "body": "W nocy z soboty na niedzielę.",
        "user_id": None,
        "account_id": "hotel-records",
        "created_at": AT,
        "sent_by": {"role": "agent", "id": "ewa", "name": "Ewa"},
    }

    announcement = StoredAnnouncement.model_validate({**document, "announcement_id": "a1"})

    assert announcement.reaches("hotel-records", "anna")
    assert announcement_document(announcement) == document


async def test_changes_of_a_popup_stored_before_seen_write_only_their_own_fields(
    own_database: AsyncIOMotorDatabase[Any],
) -> None:
    store = PopupStore(own_database)
    old = stored_before("event:4")
    del old["seen"]
    await store.popups.insert_one(old)
    popup = await store.by_key("event:4")
    assert popup is not None

    read = domain.read(popup, AT + timedelta(minutes=1))
    assert read is not None
    assert await store.mark_read(read, PopupRead(payload=read.view())) is not None
    after_read = await store.popups.find_one({"_id": "event:4"})
    # Still without `seen`, as the code before left it: the active list never shows it.
    assert (after_read["read"], "seen" in after_read) == (True, False)
    assert after_read["read_at"] == AT + timedelta(minutes=1)

    popup = await store.by_key("event:4")
    assert popup is not None
    due = AT + timedelta(minutes=2)
    snoozed = domain.snoozed(popup, due)
    assert await store.snooze(snoozed, PopupSnoozed(payload=snoozed.view())) is not None
    snoozed_popup = await store.by_key("event:4")
    assert snoozed_popup is not None
    reminded = domain.reminded(snoozed_popup, due)
    assert reminded is not None
    written = await store.remind(reminded, PopupReminded(payload=reminded.view()))

    assert written is not None and written.version == 4
    after = await store.popups.find_one({"_id": "event:4"})
    # A reminder pops up again: `seen: false` is written now.
    assert (after["seen"], after["remind_pending"], after["snoozed_until"]) == (False, False, None)
    assert after["visible_at"] == due
    assert [e["type"] for e in after["outbox"]] == ["popup.read", "popup.snoozed", "popup.reminded"]
