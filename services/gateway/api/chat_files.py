"""Files in live chat: a party sends one into its chat, and either party fetches it.

The file goes over HTTP rather than the chat socket (a socket frame holds a line of text),
is read into memory only, its type decided by content as for tickets, and is handed to the
chat service, which holds it until the chat ends. Nothing of it is stored anywhere.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from services.gateway.attachments.routes import download_headers
from services.gateway.attachments.uploads import SNIFF_BYTES, detect_content_type, safe_filename
from services.gateway.deps import CurrentUser, Limiter, LiveChat
from services.gateway.in_memory_body import InMemoryBody
from services.gateway.openapi import refusal
from services.gateway.ratelimit import Limit
from shared.chat import ChatFileRef, FetchFile, ShareFile
from shared.errors import InvalidRequest
from shared.routes import FETCH_CHAT_FILE, SHARE_CHAT_FILE

router = APIRouter(prefix="/api/v1/chat", tags=["chat"])

# Screenshots are sent one at a time by a person; the chat service caps each chat's files too.
FILES_PER_MINUTE = Limit("chat.file", "20/minute", "chat_file_rate_limited")
NOT_A_PARTY: dict[int | str, dict[str, Any]] = {
    404: refusal(
        "no such open chat of yours, or no such file in it (chat_not_found); its chat "
        "service instance has stopped (chat_ended)"
    )
}
ChatId = Annotated[str, Path(min_length=1, max_length=200)]


@router.post(
    "/{chat_id}/files",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(FILES_PER_MINUTE)],
    responses={
        **NOT_A_PARTY,
        409: refusal("not accepted yet, or the chat has its most files (chat_too_many_files)"),
        413: refusal("larger than HELPDESK_CHAT_FILE_MAX_MB (request_too_large)"),
        415: refusal("a type not accepted, judged by content (attachment_type_not_accepted)"),
        422: refusal("an empty file (attachment_empty)"),
        429: refusal("too many files or lines in a minute"),
        503: refusal("the chat service holds as many files as it may (chat_files_full)"),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The file's bytes as they are (not a form).",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def share_chat_file(
    caller: CurrentUser,
    chat: LiveChat,
    limiter: Limiter,
    chat_id: ChatId,
    content: InMemoryBody,
    filename: Annotated[
        str, Query(min_length=1, max_length=200, description="the file's name on the sender's disk")
    ] = "screenshot.png",
) -> ChatFileRef:
    await limiter.check(FILES_PER_MINUTE, caller)
    if not content:
        raise InvalidRequest("the attached file is empty", "attachment_empty")
    content_type = detect_content_type(content[:SNIFF_BYTES])
    command = ShareFile(
        caller=caller,
        chat_id=chat_id,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        content=content,
    )
    # Files live on the chat service instance that holds the chat; asked as the sockets ask
    # it, an id naming no running instance is a chat that has ended (404), not a 503.
    return await chat.ask(SHARE_CHAT_FILE, command, chat_id)


@router.get(
    "/{chat_id}/files/{file_id}",
    response_class=Response,
    responses={**NOT_A_PARTY, 200: {"content": {"application/octet-stream": {}}}},
)
async def fetch_chat_file(
    caller: CurrentUser, chat: LiveChat, chat_id: ChatId, file_id: ChatId
) -> Response:
    query = FetchFile(caller=caller, chat_id=chat_id, file_id=file_id)
    held = await chat.ask(FETCH_CHAT_FILE, query, chat_id)
    return Response(
        held.content, media_type=held.ref.content_type, headers=download_headers(held.ref)
    )
