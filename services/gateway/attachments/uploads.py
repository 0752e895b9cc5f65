"""Uploads through the gateway: type decided by content, safe names, the size limit.

The files themselves go to the attachment store (`shared.attachments`), streamed in once;
only their id travels on the bus.
"""

import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass

import puremagic
from fastapi import UploadFile

from shared.attachments import AttachmentStore
from shared.errors import InvalidRequest, NotFound, TooLarge, UnsupportedType
from shared.events import AttachmentRef
from shared.people import Caller

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


class AttachmentUploads:
    """The gateway's side of the attachment store: checked uploads in, downloads out."""

    def __init__(self, store: AttachmentStore, max_bytes: int) -> None:
        self.store = store
        self.max_bytes = max_bytes

    async def save(self, upload: UploadFile, caller: Caller) -> AttachmentRef:
        head = await upload.read(SNIFF_BYTES)
        if not head:
            raise InvalidRequest("the attached file is empty", "attachment_empty")
        content_type = detect_content_type(head)
        filename = safe_filename(upload.filename, content_type)
        return await self.store.save(
            self._limited(head, upload), filename, content_type, caller.account_id, caller.id
        )

    async def _limited(self, head: bytes, upload: UploadFile) -> AsyncIterator[bytes]:
        """The upload's bytes, refused past the limit while streaming (no Content-Length
        needs to be trusted)."""
        size = 0
        chunk = head
        while chunk:
            size += len(chunk)
            if size > self.max_bytes:
                raise TooLarge(
                    f"the attachment is larger than {self.max_bytes // (1024 * 1024)} MB",
                    "attachment_too_large",
                )
            yield chunk
            chunk = await upload.read(COPY_CHUNK)

    async def discard(self, ref: AttachmentRef) -> None:
        """Remove an upload whose ticket or reply was refused: nothing stays behind."""
        await self.store.delete(ref.id)

    async def open(self, ref: AttachmentRef) -> Download:
        chunks = await self.store.download(ref.id)
        if chunks is None:
            raise NotFound("attachment not found", "attachment_not_found")
        return Download(ref=ref, chunks=chunks)
