"""`GET /api/v1/attachments/{id}`: the file, as a download, for its account and agents."""

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from services.gateway.deps import Attachments, CurrentUser, Rpc
from shared.chat import ChatFileRef
from shared.events import AttachmentRef
from shared.routes import ATTACHMENT_ACCESS
from shared.tickets import AttachmentQuery

router = APIRouter(prefix="/api/v1/attachments", tags=["tickets"])


@router.get(
    "/{attachment_id}",
    response_class=StreamingResponse,
    responses={404: {"description": "no such attachment in your account"}},
)
async def download_attachment(
    caller: CurrentUser, rpc: Rpc, attachments: Attachments, attachment_id: str
) -> StreamingResponse:
    query = AttachmentQuery(caller=caller, attachment_id=attachment_id)
    ref = await rpc.call(ATTACHMENT_ACCESS, query)
    download = await attachments.open(ref)
    return StreamingResponse(
        download.chunks, media_type=ref.content_type, headers=download_headers(ref)
    )


def download_headers(ref: AttachmentRef | ChatFileRef) -> dict[str, str]:
    """Headers of a file sent to a browser: a ticket's attachment or a chat's file."""
    return {
        # Always a download, never rendered in the help desk's origin.
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(ref.filename)}",
        "Content-Length": str(ref.size),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
