"""`/api/v1/kb/...`: the knowledge base's chapters, articles and search (read-only)."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.gateway.deps import CurrentUser, KnowledgeBase
from services.gateway.kb.content import Article
from services.gateway.kb.service import MAX_LIMIT, MAX_QUERY_CHARS, Chapter, SearchHit
from shared.analysis import Lang

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge base"])


class ChapterList(BaseModel):
    lang: Lang
    chapters: list[Chapter]


class SearchResults(BaseModel):
    items: list[SearchHit]


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


@router.get("/articles/{slug}")
async def article(slug: str, caller: CurrentUser, kb: KnowledgeBase) -> Article:
    return kb.article(slug)
