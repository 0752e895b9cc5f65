"""Support's view of a ticket, the rules: a new assignee, importance and tags. No I/O."""

from dataclasses import dataclass, field
from typing import Any

from services.tickets.models import TicketSummary
from shared.errors import InvalidRequest
from shared.triage import TAGS_PER_TICKET_MAX, Assignee, TriageChanges
from shared.vocabulary import Importance


@dataclass(frozen=True)
class Triage:
    """What support asked for; `assign` says whether the assignee changes (to `assignee`,
    None: to nobody)."""

    importance: Importance | None = None
    assign: bool = False
    assignee: Assignee | None = None
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)


def decide(ticket: TicketSummary, wanted: Triage) -> tuple[dict[str, Any], TriageChanges] | None:
    """The ticket's new fields and what changed; None when nothing would."""
    fields: dict[str, Any] = {}
    changes = TriageChanges()
    if wanted.importance and wanted.importance != ticket.importance:
        fields["importance"] = changes.importance = wanted.importance
    if wanted.assign and _id(wanted.assignee) != _id(ticket.assignee):
        fields["assignee"] = changes.assignee = wanted.assignee
        changes.unassigned = wanted.assignee is None
    tags = tags_after(ticket.tags, wanted.add_tags, wanted.remove_tags)
    if tags != ticket.tags:
        fields["tags"] = tags
        changes.tags_added = [tag for tag in tags if tag not in ticket.tags]
        changes.tags_removed = [tag for tag in ticket.tags if tag not in tags]
    return (fields, changes) if fields else None


def tags_after(current: list[str], add: list[str], remove: list[str]) -> list[str]:
    """The ticket's tags, in the order they were given, once these are added and removed."""
    if both := set(add) & set(remove):
        raise InvalidRequest(
            f"a tag cannot be added and removed at once: {', '.join(sorted(both))}",
            "tags_conflicting",
        )
    kept = [tag for tag in current if tag not in remove]
    tags = [*kept, *(tag for tag in dict.fromkeys(add) if tag not in kept)]
    if len(tags) > TAGS_PER_TICKET_MAX:
        raise InvalidRequest(
            f"a ticket has at most {TAGS_PER_TICKET_MAX} tags; remove one first",
            "tags_too_many",
        )
    return tags


def _id(assignee: Assignee | None) -> str | None:
    return assignee.id if assignee else None
