"""The attachment store: the one owner of the GridFS bucket of uploads and their claims.

Claim-check: the gateway streams a ticket's or a reply's one file in here and only its id
travels on the bus; the tickets service checks it, claims it for a ticket (the file's
`metadata.ticket_number`, set once) and purges uploads nobody claimed.
"""

import functools
import logging
from collections.abc import AsyncIterable, AsyncIterator
from datetime import datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from gridfs.errors import NoFile
from motor.motor_asyncio import AsyncIOMotorDatabase, AsyncIOMotorGridFSBucket
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel

from shared.database import database_answers, declare_indexes
from shared.events import AttachmentRef

BUCKET = "attachments"
CLAIM = "metadata.ticket_number"
# Where claims lived before they were a field of the file (read once at start, then dropped).
LEGACY_LINKS = "attachment_links"

logger = logging.getLogger(__name__)


class StoredFile(BaseModel):
    """An upload as stored: what it is, whose account sent it, which ticket claimed it."""

    id: str
    filename: str
    content_type: str
    size: int
    account_id: str
    uploaded_at: datetime
    ticket_number: str | None = None

    @property
    def ref(self) -> AttachmentRef:
        return AttachmentRef(
            id=self.id, filename=self.filename, content_type=self.content_type, size=self.size
        )


class AttachmentStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.database = database
        self.files = database[f"{BUCKET}.files"]
        self.chunks = database[f"{BUCKET}.chunks"]

    @functools.cached_property
    def bucket(self) -> AsyncIOMotorGridFSBucket:
        # Built on first use: motor's bucket binds the event loop running at construction,
        # and the gateway's app is built before uvicorn starts its loop.
        return AsyncIOMotorGridFSBucket(self.database, bucket_name=BUCKET)

    async def ensure_indexes(self) -> None:
        """GridFS's own indexes, and the purge's: unclaimed uploads by age."""
        await declare_indexes(
            self.files,
            [
                IndexModel([("filename", ASCENDING), ("uploadDate", ASCENDING)]),
                IndexModel([(CLAIM, ASCENDING), ("uploadDate", ASCENDING)]),
            ],
        )
        await declare_indexes(
            self.chunks, [IndexModel([("files_id", ASCENDING), ("n", ASCENDING)], unique=True)]
        )
        await self._adopt_legacy_links()

    async def _adopt_legacy_links(self) -> None:
        legacy = self.database[LEGACY_LINKS]
        async for link in legacy.find({}):
            await self.claim(link["_id"], link["number"])
        await legacy.drop()

    async def answers(self) -> bool:
        return await database_answers(self.database)

    async def save(
        self,
        chunks: AsyncIterable[bytes],
        filename: str,
        content_type: str,
        account_id: str,
        uploaded_by: str,
    ) -> AttachmentRef:
        """Stream `chunks` into one file; if they fail half-way, nothing stays saved."""
        stream = self.bucket.open_upload_stream(
            filename,
            metadata={
                "content_type": content_type,
                "account_id": account_id,
                "uploaded_by": uploaded_by,
            },
        )
        size = 0
        try:
            async for chunk in chunks:
                size += len(chunk)
                await stream.write(chunk)
        except BaseException:
            await stream.abort()
            raise
        await stream.close()
        return AttachmentRef(
            id=str(stream._id), filename=filename, content_type=content_type, size=size
        )

    async def download(self, attachment_id: str) -> AsyncIterator[bytes] | None:
        """The file's bytes, chunk by chunk; None if there is no such file."""
        try:
            stream = await self.bucket.open_download_stream(ObjectId(attachment_id))
        except (InvalidId, NoFile):
            return None

        async def chunks() -> AsyncIterator[bytes]:
            while data := await stream.readchunk():
                yield data

        return chunks()

    async def file(self, attachment_id: str) -> StoredFile | None:
        try:
            file_id = ObjectId(attachment_id)
        except InvalidId:
            return None
        document = await self.files.find_one({"_id": file_id})
        return _stored(document) if document else None

    async def claim(self, attachment_id: str, number: str) -> bool:
        """Claim an upload for a ticket; False if another ticket claimed it first."""
        result = await self.files.update_one(
            {"_id": ObjectId(attachment_id), CLAIM: None}, {"$set": {CLAIM: number}}
        )
        if result.modified_count == 1:
            return True
        file = await self.file(attachment_id)
        return file is not None and file.ticket_number == number

    async def unclaimed(self, uploaded_before: datetime) -> list[str]:
        """Uploads no ticket claimed, older than `uploaded_before`."""
        cursor = self.files.find({CLAIM: None, "uploadDate": {"$lt": uploaded_before}}, {"_id": 1})
        return [str(document["_id"]) async for document in cursor]

    async def delete(self, attachment_id: str) -> None:
        try:
            await self.bucket.delete(ObjectId(attachment_id))
        except NoFile:
            logger.info("attachment already deleted", extra={"attachment": attachment_id})


def _stored(document: dict[str, Any]) -> StoredFile:
    metadata = document.get("metadata") or {}
    return StoredFile(
        id=str(document["_id"]),
        filename=document["filename"],
        content_type=metadata["content_type"],
        size=document["length"],
        account_id=metadata["account_id"],
        uploaded_at=document["uploadDate"],
        ticket_number=metadata.get("ticket_number"),
    )
