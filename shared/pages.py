"""The shape of every paged answer (ticket history, agents' queue, pop-ups)."""

from typing import Generic, TypeVar

from pydantic import BaseModel

ItemT = TypeVar("ItemT", bound=BaseModel)


class Page(BaseModel, Generic[ItemT]):
    """One page of a list and the total the list pages through."""

    items: list[ItemT]
    total: int
    page: int
    page_size: int
