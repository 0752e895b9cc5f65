"""The tickets service's subscribers: decode a command, call the service, reply."""

from faststream.rabbit import RabbitRouter

from services.tickets.service import TicketService
from shared.canned_replies import (
    CannedReplies,
    CannedRepliesQuery,
    CannedReply,
    CannedReplyRef,
    FillCannedReply,
    FilledReply,
    SaveCannedReply,
)
from shared.events import AttachmentRef
from shared.notes import AddNote, InternalNote, NotesQuery, TicketNotes
from shared.ratings import (
    ChatRating,
    RateChat,
    RateTicket,
    RatingsReport,
    RatingsReportQuery,
    TicketRating,
    TicketRatingQuery,
    TicketRatingState,
)
from shared.reports import TicketsReport, TicketsReportQuery
from shared.routes import (
    ADD_NOTE,
    AGENT_DIRECTORY,
    AGENT_QUEUE,
    AGENT_TICKET,
    ATTACHMENT_ACCESS,
    CANNED_REPLIES,
    CREATE_TICKET,
    DELETE_CANNED_REPLY,
    FILL_CANNED_REPLY,
    GET_TICKET,
    HISTORY_SUBJECTS,
    POST_REPLY,
    RATE_CHAT,
    RATE_TICKET,
    RATINGS_REPORT,
    SAVE_CANNED_REPLY,
    TICKET_HISTORY,
    TICKET_NOTES,
    TICKET_RATING,
    TICKET_TAGS,
    TICKETS_REPORT,
    UPDATE_TICKET,
)
from shared.rpc import answers
from shared.tickets import (
    AgentQueueQuery,
    AgentTicketDetail,
    AttachmentQuery,
    CreateTicket,
    GetTicket,
    HistoryPage,
    HistoryQuery,
    Message,
    PostReply,
    QueuePage,
    SubjectsQuery,
    TicketDetail,
    UpdateTicket,
)
from shared.triage import AgentDirectory, AgentsQuery, TagsQuery


def build_router(service: TicketService) -> RabbitRouter:
    router = RabbitRouter()

    @answers(router, CREATE_TICKET)
    async def create_ticket(command: CreateTicket) -> TicketDetail:
        return await service.create(command)

    @answers(router, POST_REPLY)
    async def post_reply(command: PostReply) -> Message:
        return await service.reply(command)

    @answers(router, GET_TICKET)
    async def get_ticket(query: GetTicket) -> TicketDetail:
        return await service.get(query)

    @answers(router, TICKET_HISTORY)
    async def ticket_history(query: HistoryQuery) -> HistoryPage:
        return await service.history(query)

    @answers(router, HISTORY_SUBJECTS)
    async def history_subjects(query: SubjectsQuery) -> list[str]:
        return await service.subjects(query)

    @answers(router, AGENT_QUEUE)
    async def agent_queue(query: AgentQueueQuery) -> QueuePage:
        return await service.queue(query)

    @answers(router, UPDATE_TICKET)
    async def update_ticket(command: UpdateTicket) -> AgentTicketDetail:
        return await service.update(command)

    @answers(router, AGENT_TICKET)
    async def agent_ticket(query: GetTicket) -> AgentTicketDetail:
        return await service.get_for_agent(query)

    @answers(router, AGENT_DIRECTORY)
    async def agent_directory(query: AgentsQuery) -> AgentDirectory:
        return await service.agent_directory(query)

    @answers(router, TICKET_TAGS)
    async def ticket_tags(query: TagsQuery) -> list[str]:
        return await service.tags(query)

    @answers(router, ATTACHMENT_ACCESS)
    async def attachment_access(query: AttachmentQuery) -> AttachmentRef:
        return await service.attachment(query)

    @answers(router, RATE_TICKET)
    async def rate_ticket(command: RateTicket) -> TicketRating:
        return await service.rate(command)

    @answers(router, TICKET_RATING)
    async def ticket_rating(query: TicketRatingQuery) -> TicketRatingState:
        return await service.rating(query)

    @answers(router, RATE_CHAT)
    async def rate_chat(command: RateChat) -> ChatRating:
        return await service.rate_chat(command)

    @answers(router, RATINGS_REPORT)
    async def ratings_report(query: RatingsReportQuery) -> RatingsReport:
        return await service.ratings_report(query)

    @answers(router, TICKETS_REPORT)
    async def tickets_report(query: TicketsReportQuery) -> TicketsReport:
        return await service.tickets_report(query)

    @answers(router, ADD_NOTE)
    async def add_note(command: AddNote) -> InternalNote:
        return await service.notes.add(command)

    @answers(router, TICKET_NOTES)
    async def ticket_notes(query: NotesQuery) -> TicketNotes:
        return await service.notes.of_ticket(query)

    @answers(router, CANNED_REPLIES)
    async def canned_replies(query: CannedRepliesQuery) -> CannedReplies:
        return await service.canned_replies.list(query)

    @answers(router, SAVE_CANNED_REPLY)
    async def save_canned_reply(command: SaveCannedReply) -> CannedReply:
        return await service.canned_replies.save(command)

    @answers(router, DELETE_CANNED_REPLY)
    async def delete_canned_reply(command: CannedReplyRef) -> None:
        await service.canned_replies.delete(command)

    @answers(router, FILL_CANNED_REPLY)
    async def fill_canned_reply(query: FillCannedReply) -> FilledReply:
        return await service.canned_replies.fill(query)

    return router
