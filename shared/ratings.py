"""The contract between the gateway and the tickets service for satisfaction ratings.

A ticket is rated once per resolution (1-5 stars and an optional comment, by a user of its
account); a chat after it ends (stars only). A chat rating carries the account and nothing
else of the chat: no id, no name, no phone, no text (DESIGN.md, "A chat is never stored").
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from shared.people import Author, Caller
from shared.text import MultiLine

STARS_MIN = 1
STARS_MAX = 5
COMMENT_MAX = 2000
# The report's lists: enough to read on one screen, bounded whatever the period holds.
RECENT_COMMENTS_MAX = 20
REPORT_ACCOUNTS_MAX = 100

Stars = Annotated[int, Field(ge=STARS_MIN, le=STARS_MAX, strict=True)]
# Blank means no comment: stripped first, then stored as none.
Comment = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=COMMENT_MAX), MultiLine
]
RatingKind = Literal["ticket", "chat"]
AccountId = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class RatingChoice(BaseModel):
    """What the user picks in the pop-up: stars and, if they like, a few words."""

    rating: Stars
    comment: Comment | None = None


class RateTicket(RatingChoice):
    caller: Caller
    number: str


class TicketRatingQuery(BaseModel):
    caller: Caller
    number: str


class TicketRating(BaseModel):
    """The rating of one resolution of a ticket."""

    number: str
    # Which resolution it rates: 1 for the first time support resolved the ticket, and so on.
    resolution: int
    rating: int
    comment: str | None = None
    rated_by: Author
    rated_at: datetime


class TicketRatingState(BaseModel):
    """Whether the ticket's current resolution may be rated now, and its rating so far."""

    number: str
    rateable: bool
    # Until then the rating may be given or changed; none when the ticket is not resolved.
    rateable_until: datetime | None = None
    rating: TicketRating | None = None


class RateChat(BaseModel):
    """A chat's rating on its way to storage: the account and the stars, nothing else."""

    account_id: AccountId
    rating: Stars


class ChatRating(BaseModel):
    rating: int
    rated_at: datetime


class RatingsReportQuery(BaseModel):
    """Ratings given in [since, until), of one kind or both, of one account or all."""

    caller: Caller
    since: datetime
    until: datetime
    kind: RatingKind | None = None
    account_id: AccountId | None = None


class StarCount(BaseModel):
    rating: int
    count: int


class AccountRatings(BaseModel):
    account_id: str
    count: int
    average: float


class RatingComment(BaseModel):
    number: str
    resolution: int
    account_id: str
    rating: int
    comment: str
    rated_by: Author
    rated_at: datetime


class RatingsReport(BaseModel):
    since: datetime
    until: datetime
    kind: RatingKind | None
    account_id: str | None
    count: int
    # None when nothing was rated in the period.
    average: float | None
    # Every star from 1 to 5, zeros included, so a chart needs no gaps filled.
    distribution: list[StarCount]
    # The accounts with the most ratings first, at most REPORT_ACCOUNTS_MAX of them.
    accounts: list[AccountRatings]
    accounts_total: int
    # The newest comments on tickets in the period, at most RECENT_COMMENTS_MAX.
    recent_comments: list[RatingComment]
