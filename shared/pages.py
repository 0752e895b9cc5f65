"""The shape of every paged answer (ticket history, agents' queue, pop-ups)."""

from typing import Generic, NamedTuple, TypeVar

from pydantic import BaseModel

ItemT = TypeVar("ItemT", bound=BaseModel)

# Counting every match of a broad filter reads every match; past this many a list says
# "at least" instead (API.md: the history's total is exact up to 10,000; the pager then
# says "1000+" pages at 10 a page and lets the user go on).
TOTAL_LIMIT = 10_000


class Total(NamedTuple):
    """How many items a list has: exact, or a lower bound (TOTAL_LIMIT) when `exact` is false."""

    matches: int
    exact: bool = True


class Page(BaseModel, Generic[ItemT]):
    """One page of a list and the total the list pages through."""

    items: list[ItemT]
    total: int
    total_exact: bool = True
    page: int
    page_size: int
