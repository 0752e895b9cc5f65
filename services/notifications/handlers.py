"""The notifications service's subscribers: events that make pop-ups, and the commands."""

from faststream import AckPolicy
from faststream.rabbit import RabbitRouter

from services.notifications.service import PopupService
from shared.events import Popup, ReplyPosted, TicketUpdated
from shared.popups import (
    Announce,
    Announcement,
    ListPopups,
    PopupAction,
    PopupPage,
    Snoozed,
    SnoozePopup,
)
from shared.routes import (
    ANNOUNCE,
    DELETE_POPUP,
    LIST_POPUPS,
    POPUP_SEEN,
    READ_POPUP,
    SNOOZE_POPUP,
)
from shared.rpc import answers
from shared.topology import EVENTS_EXCHANGE, event_queue

# Acked only once the pop-up is written; a failure requeues the event, and the quorum
# queue's delivery limit sends one that keeps failing to the dead-letter queue.
AFTER_WRITE = AckPolicy.NACK_ON_ERROR


def build_router(service: PopupService) -> RabbitRouter:
    router = RabbitRouter()

    @router.subscriber(
        event_queue("notifications", ReplyPosted), EVENTS_EXCHANGE, ack_policy=AFTER_WRITE
    )
    async def on_reply_posted(event: ReplyPosted) -> None:
        await service.on_reply_posted(event)

    @router.subscriber(
        event_queue("notifications", TicketUpdated), EVENTS_EXCHANGE, ack_policy=AFTER_WRITE
    )
    async def on_ticket_updated(event: TicketUpdated) -> None:
        await service.on_ticket_updated(event)

    @answers(router, LIST_POPUPS)
    async def list_popups(query: ListPopups) -> PopupPage:
        return await service.list(query)

    @answers(router, SNOOZE_POPUP)
    async def snooze_popup(command: SnoozePopup) -> Snoozed:
        return await service.snooze(command)

    @answers(router, READ_POPUP)
    async def read_popup(command: PopupAction) -> Popup:
        return await service.read(command)

    @answers(router, POPUP_SEEN)
    async def popup_seen(command: PopupAction) -> Popup:
        return await service.seen(command)

    @answers(router, DELETE_POPUP)
    async def delete_popup(command: PopupAction) -> Popup:
        return await service.delete(command)

    @answers(router, ANNOUNCE)
    async def announce(command: Announce) -> Announcement:
        return await service.announce(command)

    return router
