"""Tickets of the user's account: new ticket, history, preview, replies."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, UploadFile, status

from services.gateway.attachments.forms import refuse_second_file, send_with_upload
from services.gateway.deps import Attachments, CurrentUser, Limiter, Rpc
from services.gateway.openapi import refusal
from services.gateway.ratelimit import Limit
from shared.events import AttachmentRef
from shared.routes import CREATE_TICKET, GET_TICKET, HISTORY_SUBJECTS, POST_REPLY, TICKET_HISTORY
from shared.tickets import (
    IDEMPOTENCY_KEY_MAX,
    MESSAGE_MAX,
    PAGE_MAX,
    PAGE_SIZE_MAX,
    SEARCH_MAX,
    SUBJECT_MAX,
    CalendarDay,
    CreateTicket,
    GetTicket,
    HistoryPage,
    HistoryQuery,
    Message,
    PostReply,
    SubjectsQuery,
    TicketDetail,
)
from shared.vocabulary import Importance, Lang, TicketStatus

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])

UPLOAD_CHECKS = [Depends(refuse_second_file)]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such ticket in your account"},
    422: {"description": "invalid field, or more than one file"},
}
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: refusal("too many in a minute; retry after Retry-After seconds")
}
# A burst of tickets or replies from one person is a stuck client or abuse, not a real need.
TICKETS_PER_MINUTE = Limit("ticket.create", "10/minute", "ticket_rate_limited")
REPLIES_PER_MINUTE = Limit("ticket.reply", "20/minute", "reply_rate_limited")

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description=(
            "The same key from the same person (user of an account) returns the same "
            "result, never a copy."
        ),
    ),
]
AttachmentFile = Annotated[UploadFile | None, File(description="at most one file")]


def add_reply_endpoint(router: APIRouter, who: Any) -> None:
    """`POST .../{number}/replies` for the callers `who` admits (users or agents only).

    One endpoint body for both paths of the contract; only who may call it differs.
    """

    @router.post(
        "/{number}/replies",
        status_code=status.HTTP_201_CREATED,
        dependencies=[*UPLOAD_CHECKS, Depends(REPLIES_PER_MINUTE)],
        responses={
            **ERRORS,
            **RATE_LIMITED,
            403: refusal("a user named a status (status_agents_only)"),
            409: refusal("the ticket is closed, or its thread is full (ticket_thread_full)"),
        },
    )
    async def reply_to_ticket(
        caller: who,
        rpc: Rpc,
        attachments: Attachments,
        limiter: Limiter,
        number: str,
        message: Annotated[str, Form(min_length=1, max_length=MESSAGE_MAX)],
        file: AttachmentFile = None,
        idempotency_key: IdempotencyKeyHeader = None,
        new_status: Annotated[
            TicketStatus | None,
            Form(alias="status", description="support only: the ticket's status after the reply"),
        ] = None,
    ) -> Message:
        # Validated and counted first, then the file is stored: bad input saves nothing.
        command = PostReply(
            caller=caller,
            number=number,
            message=message,
            idempotency_key=idempotency_key,
            status=new_status,
        )
        await limiter.check(REPLIES_PER_MINUTE, caller)

        async def send(attachment: AttachmentRef | None) -> Message:
            command.attachment = attachment
            return await rpc.call(POST_REPLY, command)

        return await send_with_upload(attachments, file, caller, send)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[*UPLOAD_CHECKS, Depends(TICKETS_PER_MINUTE)],
    responses={**ERRORS, **RATE_LIMITED},
)
async def create_ticket(
    caller: CurrentUser,
    rpc: Rpc,
    attachments: Attachments,
    limiter: Limiter,
    subject: Annotated[
        str, Form(min_length=1, max_length=SUBJECT_MAX, description="Komentarz / subject")
    ],
    message: Annotated[
        str, Form(min_length=1, max_length=MESSAGE_MAX, description="Szczegółowy komunikat")
    ],
    importance: Annotated[Importance, Form(description="Ważność")] = "normal",
    file: AttachmentFile = None,
    idempotency_key: IdempotencyKeyHeader = None,
    lang: Annotated[
        Lang | None, Form(description="the language the user writes in (the Help menu's)")
    ] = None,
) -> TicketDetail:
    # Validate the text before storing any file, so bad input leaves nothing behind.
    command = CreateTicket(
        caller=caller,
        subject=subject,
        message=message,
        importance=importance,
        idempotency_key=idempotency_key,
        lang=lang,
    )
    await limiter.check(TICKETS_PER_MINUTE, caller)

    async def send(attachment: AttachmentRef | None) -> TicketDetail:
        command.attachment = attachment
        return await rpc.call(CREATE_TICKET, command)

    return await send_with_upload(attachments, file, caller, send)


@router.get(
    "",
    responses={
        **ERRORS,
        422: refusal("an invalid filter, or a search without a word (search_query_invalid)"),
    },
)
async def ticket_history(
    caller: CurrentUser,
    rpc: Rpc,
    day: Annotated[
        CalendarDay | None, Query(alias="date", description="day of last update")
    ] = None,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    ticket_status: Annotated[TicketStatus | None, Query(alias="status")] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=SEARCH_MAX,
            description=(
                "words in the subject or messages, every one (any case, with or without "
                "Polish diacritics, any inflection)"
            ),
        ),
    ] = None,
    page: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 1,
    page_size: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 20,
) -> HistoryPage:
    query = HistoryQuery(
        caller=caller,
        day=day,
        subject=subject or None,
        status=ticket_status,
        # An emptied search box is no search.
        text=q if q and q.strip() else None,
        page=page,
        page_size=page_size,
    )
    return await rpc.call(TICKET_HISTORY, query)


@router.get("/subjects", responses=ERRORS)
async def history_subjects(caller: CurrentUser, rpc: Rpc) -> list[str]:
    return await rpc.call(HISTORY_SUBJECTS, SubjectsQuery(caller=caller))


@router.get("/{number}", responses=ERRORS)
async def ticket_preview(caller: CurrentUser, rpc: Rpc, number: str) -> TicketDetail:
    return await rpc.call(GET_TICKET, GetTicket(caller=caller, number=number))


add_reply_endpoint(router, CurrentUser)
