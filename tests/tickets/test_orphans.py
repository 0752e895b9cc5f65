"""Uploads that no ticket links are removed later; linked ones never are."""

import io
from datetime import timedelta
from typing import Any

from bson import ObjectId
from starlette.datastructures import UploadFile

from services.gateway.attachments.uploads import AttachmentUploads
from shared.attachments import AttachmentStore
from shared.events import AttachmentRef
from shared.people import Caller
from shared.tickets import CreateTicket
from tests.support.tickets import ticket_service

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
ANNA = Caller(role="user", id="anna", name="Anna", account_id="hotel-orphans")


async def upload(database: Any) -> AttachmentRef:
    uploads = AttachmentUploads(AttachmentStore(database), max_bytes=1024 * 1024)
    return await uploads.save(UploadFile(io.BytesIO(PNG), filename="zrzut.png"), ANNA)


async def exists(database: Any, attachment_id: str) -> bool:
    file = await database["attachments.files"].find_one({"_id": ObjectId(attachment_id)})
    return file is not None


async def test_unlinked_uploads_are_purged_after_the_grace_and_linked_ones_stay(
    database: Any,
) -> None:
    service = ticket_service(database)
    abandoned = await upload(database)
    attached = await upload(database)
    await service.create(
        CreateTicket(caller=ANNA, subject="S", message="M", importance="low", attachment=attached)
    )
    # Within the grace (an hour) nothing goes: the user may still be sending the form.
    await service.purge_orphan_attachments()
    assert await exists(database, abandoned.id)

    await service.purge_orphan_attachments(grace=timedelta(0))

    assert not await exists(database, abandoned.id)
    leftover = database["attachments.chunks"].find({"files_id": ObjectId(abandoned.id)})
    assert [chunk async for chunk in leftover] == []
    assert await exists(database, attached.id)


async def test_claims_kept_apart_by_an_older_version_become_the_files_own_at_start(
    database: Any,
) -> None:
    claimed = await upload(database)
    await database["attachment_links"].insert_one({"_id": claimed.id, "number": "HD-900001"})

    await AttachmentStore(database).ensure_indexes()

    file = await AttachmentStore(database).file(claimed.id)
    assert file is not None and file.ticket_number == "HD-900001"
    assert "attachment_links" not in await database.list_collection_names()
