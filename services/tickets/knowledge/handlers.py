"""The tickets service's subscribers for the knowledge base's feedback."""

from faststream import AckPolicy
from faststream.rabbit import RabbitRouter

from services.tickets.knowledge.service import KnowledgeFeedback
from shared.events import TicketCreated
from shared.knowledge import (
    ArticleOpened,
    CastVote,
    KbReport,
    ReportQuery,
    SearchMissed,
    Vote,
    VoteQuery,
)
from shared.routes import KB_ARTICLE_OPENED, KB_REPORT, KB_SEARCH_MISSED, KB_VOTE, KB_VOTE_OF
from shared.rpc import answers
from shared.topology import EVENTS_EXCHANGE, event_queue


def build_router(feedback: KnowledgeFeedback) -> RabbitRouter:
    router = RabbitRouter()

    # Acked once the links are written; a failure requeues the event (bounded by the
    # queue's delivery limit), and a redelivery adds no link twice.
    @router.subscriber(
        event_queue("tickets", TicketCreated),
        EVENTS_EXCHANGE,
        ack_policy=AckPolicy.NACK_ON_ERROR,
    )
    async def on_ticket_created(event: TicketCreated) -> None:
        await feedback.on_ticket_created(event)

    @answers(router, KB_VOTE)
    async def vote(command: CastVote) -> Vote:
        return await feedback.vote(command)

    @answers(router, KB_VOTE_OF)
    async def vote_of(query: VoteQuery) -> Vote:
        return await feedback.vote_of(query)

    @answers(router, KB_ARTICLE_OPENED)
    async def article_opened(command: ArticleOpened) -> None:
        await feedback.article_opened(command)

    @answers(router, KB_SEARCH_MISSED)
    async def search_missed(command: SearchMissed) -> bool:
        return await feedback.search_missed(command)

    @answers(router, KB_REPORT)
    async def report(query: ReportQuery) -> KbReport:
        return await feedback.report(query)

    return router
