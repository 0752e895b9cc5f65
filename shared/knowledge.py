"""The contract between the gateway and the tickets service about the knowledge base's use:
helpful votes, articles opened, searches that found nothing, and the agents' report."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, computed_field

from shared.people import Caller

ArticleSlug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=100)
]
KbLang = Literal["pl", "en"]
# A gap is a few words someone looked for; the gateway folds and trims it to this before
# it leaves, so a pasted paragraph never becomes a row of the report.
GAP_QUERY_MAX = 100
# The report looks back this many ISO weeks at most: a half-year of trends.
REPORT_WEEKS_MAX = 26
# Rows per week in the report: the most frequent ones; the long tail is noise.
REPORT_ROWS_PER_WEEK = 50


class CastVote(BaseModel):
    """'Was this helpful?' answered (or the answer changed) by the caller."""

    caller: Caller
    slug: ArticleSlug
    helpful: bool


class VoteQuery(BaseModel):
    caller: Caller
    slug: ArticleSlug


class Vote(BaseModel):
    """The caller's answer for one article; None when they have not answered yet."""

    slug: str
    helpful: bool | None
    # False for a support agent: their answers are not kept (they do not measure content).
    counted: bool = True


class ArticleOpened(BaseModel):
    """The caller read an article: remembered to link it to a ticket they write soon after."""

    caller: Caller
    slug: ArticleSlug


class SearchMissed(BaseModel):
    """A search that found no article; `query` already normalised and screened."""

    caller: Caller
    query: Annotated[str, StringConstraints(min_length=1, max_length=GAP_QUERY_MAX)]
    lang: KbLang


class ReportQuery(BaseModel):
    caller: Caller
    weeks: Annotated[int, Field(ge=1, le=REPORT_WEEKS_MAX)] = 8


class ArticleVotes(BaseModel):
    slug: str
    helpful: int
    not_helpful: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @computed_field  # type: ignore[prop-decorator]
    @property
    def helpful_ratio(self) -> float | None:
        """Share of 'yes' among the votes, 0..1; None without votes."""
        return round(self.helpful / self.votes, 3) if self.votes else None


class MissedSearch(BaseModel):
    """A query that found nothing in one ISO week: how many searches, by how many people."""

    week: str
    query: str
    lang: KbLang
    searches: int
    people: int


class OpenedBeforeTicket(BaseModel):
    """An article opened by people who still wrote a ticket soon after, in one ISO week."""

    week: str
    slug: str
    tickets: int


class KbReport(BaseModel):
    # The ISO weeks covered, newest first (`2026-W49`), in the support time zone.
    weeks: list[str]
    votes: list[ArticleVotes]
    missed_searches: list[MissedSearch]
    opened_before_ticket: list[OpenedBeforeTicket]
