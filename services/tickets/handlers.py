"""The tickets service's subscribers: decode a command, call the service, reply."""

from faststream.rabbit import RabbitRouter

from services.tickets.service import TicketService
from shared.events import AttachmentRef
from shared.rpc import rpc_endpoint
from shared.tickets import (
    AgentQueueQuery,
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
from shared.topology import rpc_queue


def build_router(service: TicketService) -> RabbitRouter:
    router = RabbitRouter()

    @router.subscriber(rpc_queue("tickets", "create"))
    @rpc_endpoint
    async def create_ticket(command: CreateTicket) -> TicketDetail:
        return await service.create(command)

    @router.subscriber(rpc_queue("tickets", "reply"))
    @rpc_endpoint
    async def post_reply(command: PostReply) -> Message:
        return await service.reply(command)

    @router.subscriber(rpc_queue("tickets", "get"))
    @rpc_endpoint
    async def get_ticket(query: GetTicket) -> TicketDetail:
        return await service.get(query)

    @router.subscriber(rpc_queue("tickets", "history"))
    @rpc_endpoint
    async def ticket_history(query: HistoryQuery) -> HistoryPage:
        return await service.history(query)

    @router.subscriber(rpc_queue("tickets", "subjects"))
    @rpc_endpoint
    async def history_subjects(query: SubjectsQuery) -> list[str]:
        return await service.subjects(query)

    @router.subscriber(rpc_queue("tickets", "queue"))
    @rpc_endpoint
    async def agent_queue(query: AgentQueueQuery) -> QueuePage:
        return await service.queue(query)

    @router.subscriber(rpc_queue("tickets", "update"))
    @rpc_endpoint
    async def update_ticket(command: UpdateTicket) -> TicketDetail:
        return await service.update(command)

    @router.subscriber(rpc_queue("tickets", "attachment"))
    @rpc_endpoint
    async def attachment_access(query: AttachmentQuery) -> AttachmentRef:
        return await service.attachment(query)

    return router
