"""Multipart uploads of the one attachment a ticket or a reply may carry."""

from fastapi import Request, UploadFile
from starlette.datastructures import UploadFile as FormFile

from services.gateway.deps import AppSettings
from shared.errors import InvalidRequest, TooLarge

# Room for the form's text fields and multipart boundaries around the file itself.
FORM_OVERHEAD_BYTES = 256 * 1024


async def limit_upload_size(request: Request, settings: AppSettings) -> None:
    """Refuse an oversized body from its Content-Length, before reading any of it."""
    declared = request.headers.get("content-length")
    limit = settings.max_attachment_mb * 1024 * 1024 + FORM_OVERHEAD_BYTES
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the attachment is larger than {settings.max_attachment_mb} MB")


async def refuse_second_file(request: Request) -> None:
    """A ticket or a reply carries at most one file; FastAPI alone would drop the rest."""
    form = await request.form()
    if sum(isinstance(value, FormFile) for _, value in form.multi_items()) > 1:
        raise InvalidRequest("attach at most one file")


def chosen_file(file: UploadFile | None) -> UploadFile | None:
    """Browsers send an empty, nameless part when no file was chosen: that is no file."""
    if file is None or (not file.filename and not file.size):
        return None
    return file
