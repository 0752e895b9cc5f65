"""The attachment store (GridFS): uploads streamed in once, type decided by content.

Claim-check: the gateway streams the one file of a ticket or reply into GridFS and only
its id travels on the bus; the tickets service links it to the ticket.
"""

import functools
import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import puremagic
from bson import ObjectId
from bson.errors import InvalidId
from fastapi import UploadFile
from gridfs.errors import NoFile
from motor.motor_asyncio import AsyncIOMotorDatabase, AsyncIOMotorGridFSBucket

from shared.errors import InvalidRequest, NotFound, TooLarge, UnsupportedType
from shared.events import AttachmentRef
from shared.people import Caller

BUCKET = "attachments"
SNIFF_BYTES = 8192
COPY_CHUNK = 1024 * 1024
FILENAME_MAX = 120

# What users attach to a help-desk ticket: screenshots, short screen recordings,
# documents, logs and archives of them. Anything else (executables, scripts, HTML that a
# browser might render) is refused. Office files are zip containers and count as archives.
ALLOWED_TYPES: dict[str, str] = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "text/plain": ".txt",
}
TEXT_EXTENSIONS = {".txt", ".log", ".csv"}


def detect_content_type(head: bytes) -> str:
    """The file's type from its first bytes, never from its name or the client's header.

    puremagic is a maintained, pure-Python signature database (no libmagic to install);
    plain text has no signature, so UTF-8 without control bytes counts as text.
    """
    try:
        detected = puremagic.from_string(head, mime=True)
    except puremagic.PureError:
        detected = ""
    if detected in ALLOWED_TYPES:
        return detected
    if not detected and _looks_like_text(head):
        return "text/plain"
    raise UnsupportedType(
        "this file type is not accepted; attach an image, a short video, a PDF, "
        "a text or log file, or a zip archive",
        "attachment_type_not_accepted",
    )


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sniff window is still text.
        if error.start < len(head) - 4:
            return False
        text = head[: error.start].decode("utf-8")
    return not any(ord(char) < 32 and char not in "\t\r\n\f" for char in text)


def safe_filename(original: str | None, content_type: str) -> str:
    """A name safe to store and to send back in Content-Disposition, ending as its type."""
    name = unicodedata.normalize("NFKC", (original or "").replace("\\", "/").split("/")[-1])
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" ._")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    expected = ALLOWED_TYPES[content_type]
    extension = f".{extension.lower()}" if extension else ""
    if not (content_type == "text/plain" and extension in TEXT_EXTENSIONS):
        extension = expected
    stem = (stem or "attachment")[: FILENAME_MAX - len(extension)]
    return f"{stem}{extension}"


@dataclass
class Download:
    ref: AttachmentRef
    chunks: AsyncIterator[bytes]


class AttachmentStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any], max_bytes: int) -> None:
        self.database = database
        self.max_bytes = max_bytes

    @functools.cached_property
    def bucket(self) -> AsyncIOMotorGridFSBucket:
        # Built on first use: motor's bucket binds the event loop running at construction,
        # and the app is built before uvicorn starts its loop.
        return AsyncIOMotorGridFSBucket(self.database, bucket_name=BUCKET)

    async def save(self, upload: UploadFile, caller: Caller) -> AttachmentRef:
        head = await upload.read(SNIFF_BYTES)
        if not head:
            raise InvalidRequest("the attached file is empty", "attachment_empty")
        content_type = detect_content_type(head)
        filename = safe_filename(upload.filename, content_type)
        stream = self.bucket.open_upload_stream(
            filename,
            metadata={
                "content_type": content_type,
                "account_id": caller.account_id,
                "uploaded_by": caller.id,
                # Epoch milliseconds, for the orphan purge: NX-27017 stores GridFS's own
                # uploadDate as text and refuses a date inside file metadata.
                "uploaded_at_ms": int(datetime.now(UTC).timestamp() * 1000),
            },
        )
        size = 0
        chunk = head
        try:
            while chunk:
                size += len(chunk)
                if size > self.max_bytes:
                    raise TooLarge(
                        f"the attachment is larger than {self.max_bytes // (1024 * 1024)} MB",
                        "attachment_too_large",
                    )
                await stream.write(chunk)
                chunk = await upload.read(COPY_CHUNK)
        except BaseException:
            # Nothing half-saved: the chunks written so far go. Deleted directly because
            # GridFS's abort() fails on NX-27017 before the file document exists.
            await self.database[f"{BUCKET}.chunks"].delete_many({"files_id": stream._id})
            raise
        await stream.close()
        return AttachmentRef(
            id=str(stream._id), filename=filename, content_type=content_type, size=size
        )

    async def discard(self, ref: AttachmentRef) -> None:
        """Remove an upload whose ticket or reply was refused: nothing stays behind."""
        file_id = ObjectId(ref.id)
        await self.database[f"{BUCKET}.chunks"].delete_many({"files_id": file_id})
        await self.database[f"{BUCKET}.files"].delete_one({"_id": file_id})

    async def open(self, ref: AttachmentRef) -> Download:
        try:
            stream = await self.bucket.open_download_stream(ObjectId(ref.id))
        except (InvalidId, NoFile):
            raise NotFound("attachment not found", "attachment_not_found") from None

        async def chunks() -> AsyncIterator[bytes]:
            while data := await stream.readchunk():
                yield data

        return Download(ref=ref, chunks=chunks())
