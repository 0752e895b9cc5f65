"""`/api/v1/kb/...`: the knowledge base's chapters, articles and search, and what readers
tell about it: helpful or not, and searches that found nothing."""

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from services.gateway.deps import CurrentUser, KnowledgeBase, Limiter, Rpc
from services.gateway.kb import gaps
from services.gateway.kb.content import Slug
from services.gateway.kb.service import MAX_LIMIT, MAX_QUERY_CHARS, ArticleView, Chapter, SearchHit
from services.gateway.ratelimit import Limit
from shared.analysis import Lang
from shared.errors import InvalidRequest, Unavailable
from shared.knowledge import ArticleOpened, CastVote, SearchMissed, Vote, VoteQuery
from shared.routes import KB_ARTICLE_OPENED, KB_SEARCH_MISSED, KB_VOTE, KB_VOTE_OF

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge base"])
logger = logging.getLogger("helpdesk.gateway.kb")

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such article"},
    422: {"description": "invalid field"},
    503: {"description": "a service is unavailable; retry"},
}
# A person searching for real reports a few misses a minute; more is a script filling
# the agents' report.
MISSES_PER_MINUTE = Limit("kb.missed", "30/minute", "kb_missed_rate_limited")


class ChapterList(BaseModel):
    lang: Lang
    chapters: list[Chapter]


class SearchResults(BaseModel):
    items: list[SearchHit]


class VoteChoice(BaseModel):
    helpful: bool = Field(description="true: 'Yes, it helped'; false: 'No'")


class MissedSearchReport(BaseModel):
    q: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="the search as typed")
    lang: Lang


class MissedSearchOutcome(BaseModel):
    recorded: bool
    # The query as kept in the report (folded, trimmed), when it was kept.
    query: str | None = None
    # Why not: the search does find articles, the text looks like personal data, or the
    # caller is a support agent (their searches do not measure the content).
    reason: Literal["has_results", "personal_data", "not_counted"] | None = None


@router.get("/chapters")
async def chapters(caller: CurrentUser, kb: KnowledgeBase, lang: Lang = "pl") -> ChapterList:
    return ChapterList(lang=lang, chapters=kb.chapters(lang))


@router.get("/search")
async def search(
    caller: CurrentUser,
    kb: KnowledgeBase,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
    lang: Lang | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
) -> SearchResults:
    """Ranked articles for `q`; the New ticket form asks for `limit=3` as the user types."""
    return SearchResults(items=kb.search(q, lang, limit))


@router.get("/articles/{slug}", responses=ERRORS)
async def article(slug: str, caller: CurrentUser, kb: KnowledgeBase, rpc: Rpc) -> ArticleView:
    """One article, with 3-5 related ones. A user's reading is remembered for half an hour,
    so a ticket they write soon after counts as 'opened before a ticket' in the report."""
    view = kb.view(slug)
    try:
        await rpc.call(KB_ARTICLE_OPENED, ArticleOpened(caller=caller, slug=view.slug))
    except Unavailable:
        # Reading must not depend on the report's bookkeeping.
        logger.warning("article reading not recorded", extra={"reason": "unavailable"})
    return view


@router.get("/articles/{slug}/vote", responses=ERRORS)
async def my_vote(slug: Slug, caller: CurrentUser, kb: KnowledgeBase, rpc: Rpc) -> Vote:
    """The caller's answer to 'Was this helpful?' for the article; `helpful` null if none."""
    kb.article(slug)
    return await rpc.call(KB_VOTE_OF, VoteQuery(caller=caller, slug=slug))


@router.put("/articles/{slug}/vote", responses=ERRORS)
async def vote(
    slug: Slug, choice: VoteChoice, caller: CurrentUser, kb: KnowledgeBase, rpc: Rpc
) -> Vote:
    """Answer 'Was this helpful?'; answering again changes the answer (one per person and
    article). Agents' answers are not counted: they do not measure the content."""
    kb.article(slug)
    return await rpc.call(KB_VOTE, CastVote(caller=caller, slug=slug, helpful=choice.helpful))


@router.post(
    "/missed-searches",
    responses={**ERRORS, 429: {"description": "too many in a minute"}},
    dependencies=[Depends(MISSES_PER_MINUTE)],
)
async def missed_search(
    report: MissedSearchReport, caller: CurrentUser, kb: KnowledgeBase, rpc: Rpc, limiter: Limiter
) -> MissedSearchOutcome:
    """A search the user settled on found nothing: kept, folded, for the agents' content
    gaps report. The gateway searches again and keeps only a query that still finds no
    article in `lang` and holds nothing like an e-mail, a phone number, a link or a token."""
    await limiter.check(MISSES_PER_MINUTE, caller)
    if gaps.refusal(report.q):
        return MissedSearchOutcome(recorded=False, reason="personal_data")
    if kb.search(report.q, report.lang, limit=1):
        return MissedSearchOutcome(recorded=False, reason="has_results")
    query = gaps.normalise(report.q)
    if not query:
        # Only underscores or punctuation: nothing a gap could name.
        raise InvalidRequest("the search text has no words to keep")
    missed = SearchMissed(caller=caller, query=query, lang=report.lang)
    if not await rpc.call(KB_SEARCH_MISSED, missed):
        return MissedSearchOutcome(recorded=False, reason="not_counted")
    return MissedSearchOutcome(recorded=True, query=query)
