"""The notifications service's subscribers: events that make pop-ups, and the commands."""

from faststream import AckPolicy
from faststream.rabbit import RabbitRouter

from services.notifications.service import PopupService
from shared.events import Popup, ReplyPosted, TicketUpdated
from shared.popups import (
    Announce,
    Announcement,
    DeliverAnnouncements,
    ListPopups,
    PopupAction,
    PopupPage,
    Snoozed,
    SnoozePopup,
)
from shared.rpc import rpc_endpoint
from shared.topology import EVENTS_EXCHANGE, event_queue, rpc_queue

# Acked only once the pop-up is written; a failure requeues the event, and the quorum
# queue's delivery limit sends one that keeps failing to the dead-letter queue.
AFTER_WRITE = AckPolicy.NACK_ON_ERROR


def build_router(service: PopupService) -> RabbitRouter:
    router = RabbitRouter()

    @router.subscriber(
        event_queue("notifications", "reply.posted"), EVENTS_EXCHANGE, ack_policy=AFTER_WRITE
    )
    async def on_reply_posted(event: ReplyPosted) -> None:
        await service.on_reply_posted(event)

    @router.subscriber(
        event_queue("notifications", "ticket.updated"), EVENTS_EXCHANGE, ack_policy=AFTER_WRITE
    )
    async def on_ticket_updated(event: TicketUpdated) -> None:
        await service.on_ticket_updated(event)

    @router.subscriber(rpc_queue("notifications", "list"))
    @rpc_endpoint
    async def list_popups(query: ListPopups) -> PopupPage:
        return await service.list(query)

    @router.subscriber(rpc_queue("notifications", "snooze"))
    @rpc_endpoint
    async def snooze_popup(command: SnoozePopup) -> Snoozed:
        return await service.snooze(command)

    @router.subscriber(rpc_queue("notifications", "read"))
    @rpc_endpoint
    async def read_popup(command: PopupAction) -> Popup:
        return await service.read(command)

    @router.subscriber(rpc_queue("notifications", "seen"))
    @rpc_endpoint
    async def popup_seen(command: PopupAction) -> Popup:
        return await service.seen(command)

    @router.subscriber(rpc_queue("notifications", "delete"))
    @rpc_endpoint
    async def delete_popup(command: PopupAction) -> Popup:
        return await service.delete(command)

    @router.subscriber(rpc_queue("notifications", "announce"))
    @rpc_endpoint
    async def announce(command: Announce) -> Announcement:
        return await service.announce(command)

    @router.subscriber(rpc_queue("notifications", "deliver"))
    @rpc_endpoint
    async def deliver_announcements(command: DeliverAnnouncements) -> None:
        await service.deliver_announcements(command)

    return router
