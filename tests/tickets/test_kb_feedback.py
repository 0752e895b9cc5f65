"""The tickets service's keeping of KB feedback, on its own database (no broker): the link
from a ticket to the articles its author had just read, redeliveries, and the report."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from motor.motor_asyncio import AsyncIOMotorDatabase

from services.tickets.knowledge.service import KnowledgeFeedback
from services.tickets.knowledge.store import KnowledgeStore
from shared.events import TicketCreated, TicketCreatedPayload
from shared.knowledge import ArticleOpened, CastVote, ReportQuery, SearchMissed
from shared.people import Caller

WARSAW = ZoneInfo("Europe/Warsaw")
AGENT = Caller(role="agent", id="ewa", name="Ewa", account_id="support")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def feedback(own_database: AsyncIOMotorDatabase[Any], clock: Clock) -> KnowledgeFeedback:
    store = KnowledgeStore(own_database)
    await store.ensure_indexes()
    return KnowledgeFeedback(store, WARSAW, clock)


def ticket_created(author: Caller, at: datetime) -> TicketCreated:
    return TicketCreated(
        occurred_at=at,
        payload=TicketCreatedPayload(
            number=f"HD-{uuid.uuid4().hex[:8]}",
            account_id=author.account_id,
            author=author.as_author(),
            subject="Nie działa",
            importance="normal",
            status="new",
            sla_due_at=at + timedelta(hours=8),
            attachment=None,
        ),
    )


async def links_of(feedback: KnowledgeFeedback, number: str) -> list[str]:
    rows = feedback.store.before_ticket.find({"_id": {"$regex": f"^{number}:"}})
    return sorted([row["slug"] async for row in rows])


async def test_a_ticket_links_the_articles_read_in_the_half_hour_before_it_once(
    feedback: KnowledgeFeedback, clock: Clock, anna: Caller
) -> None:
    for slug, minutes_before in (("read-in-the-morning", 31), ("read-just-now", 5)):
        clock.now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC) - timedelta(minutes=minutes_before)
        await feedback.article_opened(ArticleOpened(caller=anna, slug=slug))
    event = ticket_created(anna, datetime(2026, 12, 2, 10, 0, tzinfo=UTC))

    await feedback.on_ticket_created(event)
    # The same event delivered again (a redelivery after a lost ack) adds nothing.
    await feedback.on_ticket_created(event)

    assert await links_of(feedback, event.payload.number) == ["read-just-now"]
    report = await feedback.report(ReportQuery(caller=AGENT, weeks=1))
    rows = [row for row in report.opened_before_ticket if row.slug == "read-just-now"]
    assert [(row.week, row.tickets) for row in rows] == [("2026-W49", 1)]


async def test_only_the_author_s_own_readings_count_never_an_agent_s(
    feedback: KnowledgeFeedback, clock: Clock, anna: Caller
) -> None:
    namesake = anna.model_copy(update={"account_id": f"other-{uuid.uuid4().hex[:6]}"})
    await feedback.article_opened(ArticleOpened(caller=namesake, slug="read-by-a-namesake"))
    await feedback.article_opened(ArticleOpened(caller=AGENT, slug="read-by-support"))

    by_anna = ticket_created(anna, clock.now + timedelta(minutes=1))
    by_agent = ticket_created(AGENT, clock.now + timedelta(minutes=1))
    await feedback.on_ticket_created(by_anna)
    await feedback.on_ticket_created(by_agent)

    assert await links_of(feedback, by_anna.payload.number) == []
    assert await links_of(feedback, by_agent.payload.number) == []


async def test_the_report_counts_votes_per_article_and_gaps_per_week(
    feedback: KnowledgeFeedback, clock: Clock, anna: Caller
) -> None:
    slug = f"article-{uuid.uuid4().hex[:6]}"
    piotr = anna.model_copy(update={"id": "piotr"})
    await feedback.vote(CastVote(caller=anna, slug=slug, helpful=True))
    await feedback.vote(CastVote(caller=anna, slug=slug, helpful=False))
    await feedback.vote(CastVote(caller=piotr, slug=slug, helpful=True))
    await feedback.vote(CastVote(caller=AGENT, slug=slug, helpful=False))
    query = f"drukarka {uuid.uuid4().hex[:4]}"
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # the week before
    await feedback.search_missed(SearchMissed(caller=anna, query=query, lang="pl"))
    clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    for caller in (anna, anna, piotr, AGENT):
        await feedback.search_missed(SearchMissed(caller=caller, query=query, lang="pl"))

    report = await feedback.report(ReportQuery(caller=AGENT, weeks=2))

    assert report.weeks == ["2026-W49", "2026-W48"]
    [votes] = [row for row in report.votes if row.slug == slug]
    assert (votes.helpful, votes.not_helpful, votes.votes, votes.helpful_ratio) == (1, 1, 2, 0.5)
    assert [
        (row.week, row.searches, row.people) for row in report.missed_searches if row.query == query
    ] == [("2026-W49", 3, 2), ("2026-W48", 1, 1)]
