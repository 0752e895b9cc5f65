"""Multipart uploads of the one attachment a ticket or a reply may carry."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request, UploadFile
from starlette.datastructures import UploadFile as FormFile

from services.gateway.attachments.uploads import AttachmentUploads
from shared.errors import ErrorKind, HelpdeskError, InvalidRequest
from shared.events import AttachmentRef
from shared.people import Caller

Result = TypeVar("Result")
# Without an answer the service may have linked the file before the reply was lost; the
# orphan purge removes it later if not. Every other error is a refusal: nothing was kept.
UNDECIDED: frozenset[ErrorKind] = frozenset({"unavailable", "internal"})


async def refuse_second_file(request: Request) -> None:
    """A ticket or a reply carries at most one file; FastAPI alone would drop the rest."""
    form = await request.form()
    if sum(isinstance(value, FormFile) for _, value in form.multi_items()) > 1:
        raise InvalidRequest("attach at most one file", code="attachment_one_file_only")


def chosen_file(file: UploadFile | None) -> UploadFile | None:
    """Browsers send an empty, nameless part when no file was chosen: that is no file."""
    if file is None or (not file.filename and not file.size):
        return None
    return file


async def send_with_upload(
    attachments: AttachmentUploads,
    file: UploadFile | None,
    caller: Caller,
    send: Callable[[AttachmentRef | None], Awaitable[Result]],
) -> Result:
    """Store the chosen file, then `send` the command naming it; a refused command
    (no such ticket, closed, full, not allowed...) leaves no file behind."""
    upload = chosen_file(file)
    stored = await attachments.save(upload, caller) if upload else None
    try:
        return await send(stored)
    except HelpdeskError as error:
        if stored is not None and error.kind not in UNDECIDED:
            await attachments.discard(stored)
        raise
