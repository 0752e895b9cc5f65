"""`/api/v1/agent/kb/report`: how the knowledge base serves its readers, for agents."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.gateway.deps import CurrentAgent, KnowledgeBase, Rpc
from services.gateway.kb.service import KnowledgeBase as KnowledgeBaseIndex
from services.gateway.kb.text import Lang
from shared.knowledge import (
    REPORT_WEEKS_MAX,
    ArticleVotes,
    KbReport,
    MissedSearch,
    OpenedBeforeTicket,
    ReportQuery,
)
from shared.routes import KB_REPORT

router = APIRouter(prefix="/api/v1/agent/kb", tags=["agent"])


class ArticleFeedback(ArticleVotes):
    title: str
    lang: Lang


class ArticleBeforeTicket(OpenedBeforeTicket):
    # The slug itself for an article no longer in the knowledge base.
    title: str


class KnowledgeReport(BaseModel):
    # ISO weeks covered, newest first, in the support time zone (`2026-W49`).
    weeks: list[str]
    # Every article, with its votes: the least helpful of those voted on first.
    articles: list[ArticleFeedback]
    # Searches that found nothing, per week, most people first.
    missed_searches: list[MissedSearch]
    # Articles read in the half hour before their reader wrote a ticket, per week.
    opened_before_ticket: list[ArticleBeforeTicket]


@router.get("/report", responses={503: {"description": "a service is unavailable; retry"}})
async def knowledge_report(
    agent: CurrentAgent,
    kb: KnowledgeBase,
    rpc: Rpc,
    weeks: Annotated[int, Query(ge=1, le=REPORT_WEEKS_MAX)] = 8,
) -> KnowledgeReport:
    """Helpful votes per article, searches without results and articles opened before a
    ticket, counted per ISO week over the last `weeks` weeks."""
    report = await rpc.call(KB_REPORT, ReportQuery(caller=agent, weeks=weeks))
    return with_titles(report, kb)


def with_titles(report: KbReport, kb: KnowledgeBaseIndex) -> KnowledgeReport:
    votes = {row.slug: row for row in report.votes}
    every = kb.articles()
    articles = [
        ArticleFeedback(
            slug=article.slug,
            title=article.title,
            lang=article.lang,
            helpful=votes[article.slug].helpful if article.slug in votes else 0,
            not_helpful=votes[article.slug].not_helpful if article.slug in votes else 0,
        )
        for article in every
    ]
    articles.sort(key=_least_helpful_first)
    titles = {article.slug: article.title for article in every}
    before = [
        ArticleBeforeTicket(**row.model_dump(), title=titles.get(row.slug, row.slug))
        for row in report.opened_before_ticket
    ]
    return KnowledgeReport(
        weeks=report.weeks,
        articles=articles,
        missed_searches=report.missed_searches,
        opened_before_ticket=before,
    )


def _least_helpful_first(row: ArticleFeedback) -> tuple[bool, float, int, str]:
    ratio = row.helpful_ratio
    return (ratio is None, ratio if ratio is not None else 0.0, -row.votes, row.slug)
