"""Support's own view of a ticket, never shown to users: who handles it (its assignee), its
tags, and the directory of agents seen that a ticket can be assigned to."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from shared.people import Caller
from shared.text import OneLine
from shared.vocabulary import Importance

TAG_MAX = 30
# Tags sort tickets into a handful of piles; past this many a label says nothing.
TAGS_PER_TICKET_MAX = 10
# Suggestions offered while an agent types a tag.
TAG_SUGGESTIONS_MAX = 20


def _tag(value: str) -> str:
    """One spelling per tag: lower case, inner runs of spaces as one."""
    return " ".join(value.split()).lower()


# A free label an agent gives a ticket ("faktury", "jpk", "vip").
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TAG_MAX),
    OneLine,
    AfterValidator(_tag),
]
TagChanges = Annotated[list[Tag], Field(max_length=TAGS_PER_TICKET_MAX)]

# The queue's views by assignee: the caller's tickets, nobody's, everyone's.
QueueView = Literal["all", "mine", "unassigned"]
QUEUE_VIEWS: tuple[QueueView, ...] = ("all", "mine", "unassigned")


class Assignee(BaseModel):
    """The agent a ticket is assigned to, as their token named them."""

    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)


class KnownAgent(Assignee):
    """An agent of the directory: recorded from their verified token when they used the desk."""

    seen_at: datetime


class AgentDirectory(BaseModel):
    items: list[KnownAgent]
    # The caller's own id: "assign to me".
    me: str


class AgentsQuery(BaseModel):
    caller: Caller


class TagsQuery(BaseModel):
    caller: Caller
    prefix: str = Field(default="", max_length=TAG_MAX)


class AssigneeChange(BaseModel):
    """A new assignee: an agent of the directory, or nobody (unassigned)."""

    agent_id: str | None = Field(default=None, min_length=1, max_length=200)


class TriageChanges(BaseModel):
    """What one change of support's view did (the event's `changes`)."""

    assignee: Assignee | None = None
    unassigned: bool = False
    importance: Importance | None = None
    tags_added: list[str] = []
    tags_removed: list[str] = []
