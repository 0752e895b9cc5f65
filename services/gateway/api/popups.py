"""The user's pop-ups (active list, history, Remind later, Preview, close, Delete) and
announcements."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, status

from services.gateway.deps import CurrentAgent, CurrentUser, Rpc
from shared.events import Popup
from shared.popups import (
    Announce,
    Announcement,
    AnnouncementFields,
    ListPopups,
    PopupAction,
    PopupPage,
    PopupState,
    SnoozeChoice,
    Snoozed,
    SnoozePopup,
)
from shared.routes import ANNOUNCE, DELETE_POPUP, LIST_POPUPS, POPUP_SEEN, READ_POPUP, SNOOZE_POPUP
from shared.tickets import PAGE_MAX, PAGE_SIZE_MAX

router = APIRouter(prefix="/api/v1/popups", tags=["popups"])
announcements = APIRouter(prefix="/api/v1/agent/announcements", tags=["agent"])

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such pop-up of yours"},
    422: {"description": "invalid field"},
    503: {"description": "a service is unavailable; retry"},
}


@router.get("", responses=ERRORS)
async def list_popups(
    caller: CurrentUser,
    rpc: Rpc,
    state: Annotated[
        PopupState,
        Query(description="active: to pop up now (new or a reminder due); all: history"),
    ] = "active",
    ticket_number: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 1,
    page_size: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 20,
) -> PopupPage:
    query = ListPopups(
        caller=caller,
        state=state,
        ticket_number=ticket_number or None,
        page=page,
        page_size=page_size,
    )
    return await rpc.call(LIST_POPUPS, query)


@router.post("/{number}/snooze", responses={**ERRORS, 409: {"description": "deleted"}})
async def snooze_popup(
    caller: CurrentUser,
    rpc: Rpc,
    number: str,
    choice: Annotated[SnoozeChoice | None, Body(description="minutes (1-10080) or until")] = None,
) -> Snoozed:
    """Remind later (Przypomnij później): it leaves the active list and comes back then."""
    command = SnoozePopup(caller=caller, number=number, choice=choice or SnoozeChoice())
    return await rpc.call(SNOOZE_POPUP, command)


@router.post("/{number}/read", responses=ERRORS)
async def read_popup(caller: CurrentUser, rpc: Rpc, number: str) -> Popup:
    """Preview (Podgląd): open it; it is marked read."""
    return await rpc.call(READ_POPUP, PopupAction(caller=caller, number=number))


@router.post("/{number}/seen", responses=ERRORS)
async def popup_seen(caller: CurrentUser, rpc: Rpc, number: str) -> Popup:
    """Closed (its close button, Esc): it pops up no more until a reminder; stays unread."""
    command = PopupAction(caller=caller, number=number)
    return await rpc.call(POPUP_SEEN, command)


@router.delete("/{number}", responses=ERRORS)
async def delete_popup(caller: CurrentUser, rpc: Rpc, number: str) -> Popup:
    """Delete (Usuń): hidden from the active list, kept in history."""
    command = PopupAction(caller=caller, number=number)
    return await rpc.call(DELETE_POPUP, command)


@announcements.post("", status_code=status.HTTP_201_CREATED, responses=ERRORS)
async def announce(agent: CurrentAgent, rpc: Rpc, fields: AnnouncementFields) -> Announcement:
    """A pop-up for one user, every user of an account, or (neither given) everyone."""
    command = Announce(caller=agent, **fields.model_dump())
    return await rpc.call(ANNOUNCE, command)
