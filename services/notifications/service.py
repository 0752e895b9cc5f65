"""The notifications service's business functions: make pop-ups, change them, remind."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from services.notifications import domain
from services.notifications.store import PopupStore
from shared.clock import Clock, stored_precision, stored_utcnow
from shared.errors import NotFound
from shared.events import (
    AnnouncementPayload,
    AnnouncementPublished,
    Popup,
    PopupCreated,
    PopupDeleted,
    PopupEvent,
    PopupRead,
    PopupReminded,
    PopupSeen,
    PopupSnoozed,
    PopupView,
    ReplyPosted,
    TicketUpdated,
)
from shared.logging import correlation_id
from shared.people import Caller, person_key
from shared.popups import (
    Announce,
    Announcement,
    DeliverAnnouncements,
    ListPopups,
    PopupAction,
    PopupPage,
    Recipient,
    Snoozed,
    SnoozePopup,
)
from shared.versioned import FIRST_VERSION, VERSION, retry_on_conflict

Change = tuple[dict[str, Any], PopupEvent] | None
# Reminders made due per scan: the rest wait for the next scan a moment later.
REMIND_BATCH = 200
# People already noted by this process: a page load should not cost a write each time.
REMEMBERED_MAX = 10_000


class PopupService:
    def __init__(
        self,
        store: PopupStore,
        popups_written: Callable[[], None],
        announcements_written: Callable[[], None],
        clock: Clock = stored_utcnow,
    ) -> None:
        self.store = store
        self.popups_written = popups_written
        self.announcements_written = announcements_written
        self.clock = clock
        self.remembered: set[str] = set()

    async def on_reply_posted(self, event: ReplyPosted) -> None:
        if draft := domain.from_reply(event):
            await self.make(draft)

    async def on_ticket_updated(self, event: TicketUpdated) -> None:
        if draft := domain.from_status_change(event):
            await self.make(draft)

    async def make(self, draft: domain.PopupDraft) -> dict[str, Any]:
        """Create the pop-up once: a second call with the same key returns the first one."""
        if existing := await self.store.by_key(draft.key):
            return existing
        number = domain.popup_number(await self.store.next_sequence())
        document = self._new_popup(draft, number)
        if not await self.store.insert(document, self._event(PopupCreated, document)):
            # Another delivery of the same cause made it meanwhile.
            existing = await self.store.by_key(draft.key)
            assert existing is not None, "pop-ups are never removed"
            return existing
        self.popups_written()
        return document

    def _new_popup(self, draft: domain.PopupDraft, number: str) -> dict[str, Any]:
        now = self.clock()
        created_at = stored_precision(draft.occurred_at) if draft.occurred_at else now
        return {
            "_id": draft.key,
            "number": number,
            "account_id": draft.account_id,
            "user_id": draft.user_id,
            "title": draft.title,
            "body": draft.body,
            "ticket_number": draft.ticket_number,
            "announcement_id": draft.announcement_id,
            "created_at": created_at,
            "read": False,
            "read_at": None,
            "seen": False,
            "snoozed_until": None,
            # Shown from this time on; a snooze moves it, and the reminder scan looks at
            # pop-ups whose `remind_pending` time has come.
            "visible_at": now,
            "remind_pending": False,
            "deleted": False,
            "deleted_at": None,
            VERSION: FIRST_VERSION,
        }

    async def announce(self, command: Announce) -> Announcement:
        domain.ensure_addressable(command.user_id, command.account_id)
        if command.user_id is not None and command.account_id is not None:
            await self._ensure_known(command.user_id, command.account_id)
        announcement = AnnouncementPayload(
            announcement_id=uuid.uuid4().hex,
            title=command.title,
            body=command.body,
            user_id=command.user_id,
            account_id=command.account_id,
            created_at=self.clock(),
        )
        document = {
            "_id": announcement.announcement_id,
            **announcement.model_dump(exclude={"announcement_id"}),
            "sent_by": command.caller.as_author().model_dump(),
        }
        published = AnnouncementPublished(correlation_id=correlation_id.get(), payload=announcement)
        await self.store.insert_announcement(document, published)
        self.announcements_written()
        if announcement.user_id and announcement.account_id:
            # The one person is known: the pop-up need not wait for them to show up.
            recipient = Recipient(account_id=announcement.account_id, user_id=announcement.user_id)
            await self.make(domain.from_announcement(announcement, **recipient.model_dump()))
        return Announcement(
            id=announcement.announcement_id,
            **announcement.model_dump(exclude={"announcement_id"}),
        )

    async def _ensure_known(self, user_id: str, account_id: str) -> None:
        """An announcement to one person needs a person the help desk has met.

        The help desk has no list of the host application's users. It knows a person who
        has signed in to the Help menu (listed their pop-ups or connected its live stream,
        which every page with the menu does at once) or who has a pop-up (an answer to
        their ticket, an earlier announcement); anyone else is a typo as far as it can tell.
        """
        key = person_key(account_id, user_id)
        if not await self.store.knows(key, account_id, user_id):
            raise NotFound(
                f"no user {user_id} in account {account_id} has signed in to the Help menu "
                "yet; check the ids",
                "announcement_user_unknown",
            )

    async def _remember(self, recipient: Recipient) -> None:
        key = person_key(recipient.account_id, recipient.user_id)
        if key in self.remembered:
            return
        await self.store.remember(key, recipient.account_id, recipient.user_id, self.clock())
        if len(self.remembered) >= REMEMBERED_MAX:
            self.remembered.clear()
        self.remembered.add(key)

    async def deliver_announcements(self, command: DeliverAnnouncements) -> None:
        """Make the pop-ups of announcements the recipients have not got yet.

        Announcements to an account or to everyone are stored once and become a person's
        pop-up when that person is seen (lists pop-ups, connects, or is connected when one
        is published): the help desk has no list of the host application's users. Seeing
        them is also what makes them known (`_ensure_known`).
        """
        one = await self._announcement(command.announcement_id)
        for recipient in command.recipients:
            await self._remember(recipient)
            if command.announcement_id is None:
                wanted = await self._missing_announcements(recipient)
            else:
                wanted = [one] if one and one.reaches(**recipient.model_dump()) else []
            for announcement in wanted:
                await self.make(domain.from_announcement(announcement, **recipient.model_dump()))

    async def _announcement(self, announcement_id: str | None) -> AnnouncementPayload | None:
        document = announcement_id and await self.store.announcement(announcement_id)
        return _announcement(document) if document else None

    async def _missing_announcements(self, recipient: Recipient) -> list[AnnouncementPayload]:
        have = await self.store.announcement_ids_of(recipient.account_id, recipient.user_id)
        meant = await self.store.announcements_for(recipient.account_id, recipient.user_id)
        announcements = (_announcement(document) for document in meant)
        return [
            announcement
            for announcement in announcements
            if announcement.announcement_id not in have
            and announcement.reaches(**recipient.model_dump())
        ]

    async def list(self, query: ListPopups) -> PopupPage:
        caller = query.caller
        await self.deliver_announcements(DeliverAnnouncements(recipients=[_recipient(caller)]))
        # "active": what pops up now (see store.page_query).
        active_at = self.clock() if query.state == "active" else None
        skip = (query.page - 1) * query.page_size
        rows, total = await self.store.page(
            caller.account_id, caller.id, active_at, query.ticket_number, skip, query.page_size
        )
        return PopupPage(
            items=[Popup.model_validate(row) for row in rows],
            total=total,
            page=query.page,
            page_size=query.page_size,
            unread=await self.store.unread(caller.account_id, caller.id),
        )

    async def snooze(self, command: SnoozePopup) -> Snoozed:
        at = stored_precision(domain.remind_at(command.choice, self.clock()))

        def apply(popup: dict[str, Any]) -> Change:
            domain.ensure_not_deleted(bool(popup["deleted"]), popup["number"])
            changed = {**popup, "snoozed_until": at, "visible_at": at, "remind_pending": True}
            return changed, self._event(PopupSnoozed, changed)

        await self._change(self._owned(command), apply)
        return Snoozed(snoozed_until=at)

    async def read(self, command: PopupAction) -> Popup:
        def apply(popup: dict[str, Any]) -> Change:
            if popup["read"]:
                return None
            changed = {**popup, "read": True, "read_at": self.clock()}
            return changed, self._event(PopupRead, changed)

        return Popup.model_validate(await self._change(self._owned(command), apply))

    async def seen(self, command: PopupAction) -> Popup:
        """Closed (its close button, Esc): it pops up no more until a reminder; stays unread."""

        def apply(popup: dict[str, Any]) -> Change:
            if popup.get("seen") or popup["read"] or popup["deleted"]:
                return None
            changed = {**popup, "seen": True}
            return changed, self._event(PopupSeen, changed)

        return Popup.model_validate(await self._change(self._owned(command), apply))

    async def delete(self, command: PopupAction) -> Popup:
        def apply(popup: dict[str, Any]) -> Change:
            if popup["deleted"]:
                return None
            # Hidden, never removed: history keeps it, and a pending reminder is dropped.
            changed = {
                **popup,
                "deleted": True,
                "deleted_at": self.clock(),
                "remind_pending": False,
                "snoozed_until": None,
            }
            return changed, self._event(PopupDeleted, changed)

        return Popup.model_validate(await self._change(self._owned(command), apply))

    async def remind_due(self) -> int:
        """Bring back every snoozed pop-up whose time has come; how many came back."""
        reminded = 0
        for due in await self.store.due(self.clock(), REMIND_BATCH):

            def apply(popup: dict[str, Any]) -> Change:
                # Another instance of this service may have reminded it meanwhile.
                if not popup["remind_pending"] or popup["visible_at"] > self.clock():
                    return None
                # A reminder pops up again, even if it was closed before it was snoozed.
                changed = {**popup, "remind_pending": False, "snoozed_until": None, "seen": False}
                return changed, self._event(PopupReminded, changed)

            changed = await self._change(self._keyed(due["_id"]), apply)
            reminded += not changed["remind_pending"]
        return reminded

    def _owned(self, command: PopupAction | SnoozePopup) -> Callable[[], Awaitable[Any]]:
        caller = command.caller

        async def load() -> dict[str, Any]:
            popup = await self.store.owned(caller.account_id, caller.id, command.number)
            if popup is None:
                # Someone else's pop-up does not exist, as far as this caller can tell.
                raise NotFound(f"pop-up {command.number} not found")
            return popup

        return load

    def _keyed(self, key: str) -> Callable[[], Awaitable[Any]]:
        async def load() -> dict[str, Any]:
            popup = await self.store.by_key(key)
            assert popup is not None, "pop-ups are never removed"
            return popup

        return load

    async def _change(
        self,
        load: Callable[[], Awaitable[dict[str, Any]]],
        apply: Callable[[dict[str, Any]], Change],
    ) -> dict[str, Any]:
        """Read, change and write a pop-up with its event; re-read if someone else won."""

        async def attempt() -> dict[str, Any] | None:
            popup = await load()
            change = apply(popup)
            if change is None:
                return popup
            changed, event = change
            if not await self.store.change(popup, _changed_fields(popup, changed), event):
                return None
            self.popups_written()
            return changed

        return await retry_on_conflict(
            attempt, "the pop-up is being changed elsewhere right now; please retry"
        )

    @staticmethod
    def _event(kind: type[PopupEvent], popup: dict[str, Any]) -> PopupEvent:
        return kind(correlation_id=correlation_id.get(), payload=PopupView.model_validate(popup))


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {field: value for field, value in after.items() if before.get(field) != value}


def _recipient(caller: Caller) -> Recipient:
    return Recipient(account_id=caller.account_id, user_id=caller.id)


def _announcement(document: dict[str, Any]) -> AnnouncementPayload:
    return AnnouncementPayload.model_validate({**document, "announcement_id": document["_id"]})
