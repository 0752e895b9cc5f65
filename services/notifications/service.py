"""The notifications service's business functions: make pop-ups, change them, remind."""

import uuid
from collections.abc import Awaitable, Callable

from services.notifications import domain
from services.notifications.models import StoredAnnouncement, StoredPopup
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
    ReplyPosted,
    TicketUpdated,
)
from shared.logging import correlation_id
from shared.people import Caller, person_key
from shared.popups import (
    Announce,
    Announcement,
    ListPopups,
    PopupAction,
    PopupPage,
    Snoozed,
    SnoozePopup,
)
from shared.versioned import retry_on_conflict

# The store's write of one kind of change; None if the pop-up changed meanwhile.
Write = Callable[[StoredPopup, PopupEvent], Awaitable[StoredPopup | None]]
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

    async def make(self, draft: domain.PopupDraft) -> StoredPopup:
        """Create the pop-up once: a second call with the same key returns the first one."""
        if existing := await self.store.by_key(draft.key):
            return existing
        popup = self._new_popup(draft, domain.popup_number(await self.store.numbers.next()))
        if not await self.store.insert(popup, _event(PopupCreated, popup)):
            # Another delivery of the same cause made it meanwhile.
            existing = await self.store.by_key(draft.key)
            assert existing is not None, "pop-ups are never removed"
            return existing
        self.popups_written()
        return popup

    def _new_popup(self, draft: domain.PopupDraft, number: str) -> StoredPopup:
        now = self.clock()
        return StoredPopup(
            key=draft.key,
            number=number,
            account_id=draft.account_id,
            user_id=draft.user_id,
            title=draft.title,
            body=draft.body,
            ticket_number=draft.ticket_number,
            ticket_status=draft.ticket_status,
            announcement_id=draft.announcement_id,
            created_at=stored_precision(draft.occurred_at) if draft.occurred_at else now,
            visible_at=now,
        )

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
        stored = StoredAnnouncement(**announcement.model_dump(), sent_by=command.caller.as_author())
        published = AnnouncementPublished(correlation_id=correlation_id.get(), payload=announcement)
        await self.store.insert_announcement(stored, published)
        self.announcements_written()
        return Announcement.of(announcement)

    async def _ensure_known(self, user_id: str, account_id: str) -> None:
        """An announcement to one person needs a person the help desk has met.

        The help desk has no list of the host application's users. It knows a person who
        has signed in to the Help menu (read their pop-ups, which every page with the menu
        does when it opens) or who has a pop-up (an answer to their ticket, an earlier
        announcement); anyone else is a typo as far as it can tell.
        """
        key = person_key(account_id, user_id)
        if not await self.store.knows(key, account_id, user_id):
            raise NotFound(
                f"no user {user_id} in account {account_id} has signed in to the Help menu "
                "yet; check the ids",
                "announcement_user_unknown",
            )

    async def list(self, query: ListPopups) -> PopupPage:
        caller = query.caller
        await self._remember(caller)
        await self._make_announced(caller.account_id, caller.id)
        # "active": what pops up now (see store.page_query).
        active_at = self.clock() if query.state == "active" else None
        skip = (query.page - 1) * query.page_size
        rows, total = await self.store.page(
            caller.account_id, caller.id, active_at, query.ticket_number, skip, query.page_size
        )
        return PopupPage(
            items=[row.item() for row in rows],
            total=total.matches,
            total_exact=total.exact,
            page=query.page,
            page_size=query.page_size,
            unread=await self.store.unread(caller.account_id, caller.id),
        )

    async def _remember(self, caller: Caller) -> None:
        """Note the person as seen: what makes them known (`_ensure_known`)."""
        key = person_key(caller.account_id, caller.id)
        if key in self.remembered:
            return
        await self.store.remember(key, caller.account_id, caller.id, self.clock())
        if len(self.remembered) >= REMEMBERED_MAX:
            self.remembered.clear()
        self.remembered.add(key)

    async def _make_announced(self, account_id: str, user_id: str) -> None:
        """Make the person's pop-ups of the announcements they have not got yet.

        An announcement is stored once and becomes a person's pop-up when that person's
        pop-ups are next read: every page with the Help menu reads them when it opens, and
        again when its stream socket tells it of a new announcement (the help desk has no
        list of the host application's users to make them for beforehand). One counter step
        and one write for all of them, however many a newcomer has waiting; each is keyed
        by announcement and person, so two reads at once (two tabs) make it once.
        """
        have = await self.store.announcement_ids_of(account_id, user_id)
        missing = [
            announcement
            for announcement in await self.store.announcements_for(account_id, user_id, have)
            if announcement.reaches(account_id, user_id)
        ]
        if not missing:
            return
        first = await self.store.numbers.next(len(missing)) - len(missing) + 1
        popups = [
            self._new_popup(
                domain.from_announcement(announcement, account_id, user_id),
                domain.popup_number(number),
            )
            for number, announcement in enumerate(missing, start=first)
        ]
        if await self.store.insert_new([(popup, _event(PopupCreated, popup)) for popup in popups]):
            self.popups_written()

    async def snooze(self, command: SnoozePopup) -> Snoozed:
        at = stored_precision(domain.remind_at(command.choice, self.clock()))
        await self._change(
            self._owned(command),
            lambda popup: domain.snoozed(popup, at),
            PopupSnoozed,
            self.store.snooze,
        )
        return Snoozed(snoozed_until=at)

    async def read(self, command: PopupAction) -> Popup:
        popup = await self._change(
            self._owned(command),
            lambda popup: domain.read(popup, self.clock()),
            PopupRead,
            self.store.mark_read,
        )
        return popup.item()

    async def seen(self, command: PopupAction) -> Popup:
        """Closed (its close button, Esc)."""
        popup = await self._change(
            self._owned(command), domain.closed, PopupSeen, self.store.mark_seen
        )
        return popup.item()

    async def delete(self, command: PopupAction) -> Popup:
        popup = await self._change(
            self._owned(command),
            lambda popup: domain.deleted(popup, self.clock()),
            PopupDeleted,
            self.store.delete,
        )
        return popup.item()

    async def remind_due(self) -> int:
        """Bring back every snoozed pop-up whose time has come; how many came back."""
        reminded = 0
        for key in await self.store.due(self.clock(), REMIND_BATCH):
            popup = await self._change(
                self._keyed(key),
                lambda popup: domain.reminded(popup, self.clock()),
                PopupReminded,
                self.store.remind,
            )
            reminded += not popup.remind_pending
        return reminded

    def _owned(self, command: PopupAction | SnoozePopup) -> Callable[[], Awaitable[StoredPopup]]:
        caller = command.caller

        async def load() -> StoredPopup:
            popup = await self.store.owned(caller.account_id, caller.id, command.number)
            if popup is None:
                # Someone else's pop-up does not exist, as far as this caller can tell.
                raise NotFound(f"pop-up {command.number} not found")
            return popup

        return load

    def _keyed(self, key: str) -> Callable[[], Awaitable[StoredPopup]]:
        async def load() -> StoredPopup:
            popup = await self.store.by_key(key)
            assert popup is not None, "pop-ups are never removed"
            return popup

        return load

    async def _change(
        self,
        load: Callable[[], Awaitable[StoredPopup]],
        decide: Callable[[StoredPopup], StoredPopup | None],
        kind: type[PopupEvent],
        write: Write,
    ) -> StoredPopup:
        """Read a pop-up, decide its change and write it with its event (of `kind`: it
        carries the pop-up after the change); read and decide again if someone else won."""

        async def attempt() -> StoredPopup | None:
            popup = await load()
            changed = decide(popup)
            if changed is None:
                return popup
            written = await write(changed, _event(kind, changed))
            if written is not None:
                self.popups_written()
            return written

        return await retry_on_conflict(
            attempt, "the pop-up is being changed elsewhere right now; please retry"
        )


def _event(kind: type[PopupEvent], popup: StoredPopup) -> PopupEvent:
    return kind(correlation_id=correlation_id.get(), payload=popup.view())
