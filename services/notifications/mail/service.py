"""E-mail copies' business functions: a person's choice, and the copy of an answer."""

import logging
from email.message import EmailMessage
from typing import Protocol

from services.notifications.mail.compose import Letterhead, answer_copy, wants_copy
from services.notifications.mail.store import EmailChoice, EmailStore
from shared.clock import Clock, stored_utcnow
from shared.email_copies import EmailCopies, EmailCopiesQuery, SetEmailCopies
from shared.errors import Conflict
from shared.events import ReplyPosted
from shared.people import Caller

logger = logging.getLogger("helpdesk.notifications.mail")


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class EmailCopyService:
    def __init__(
        self,
        store: EmailStore,
        mailer: Mailer,
        letterhead: Letterhead,
        clock: Clock = stored_utcnow,
    ) -> None:
        self.store = store
        self.mailer = mailer
        self.letterhead = letterhead
        self.clock = clock

    async def choice(self, query: EmailCopiesQuery) -> EmailCopies:
        """The caller's choice; a token with another address than the stored one moves the
        copies there (the host's address is the one to trust, and it changes)."""
        caller = query.caller
        stored = await self.store.choice(caller.account_id, caller.id)
        if stored and caller.email and stored.address != caller.email:
            await self.store.readdress(caller.account_id, caller.id, caller.email, self.clock())
            stored = stored.model_copy(update={"address": caller.email})
        return _view(caller, stored)

    async def choose(self, command: SetEmailCopies) -> EmailCopies:
        caller = command.caller
        if caller.email is None:
            raise Conflict(
                "your sign-in carries no e-mail address (the host application's token has "
                "no `email` claim), so copies cannot be sent",
                code="email_address_missing",
            )
        choice = EmailChoice(
            account_id=caller.account_id,
            user_id=caller.id,
            enabled=command.enabled,
            address=caller.email,
            updated_at=self.clock(),
        )
        await self.store.save_choice(choice)
        return _view(caller, choice)

    async def on_reply_posted(self, event: ReplyPosted) -> bool:
        """Send the answer's copy if its user asked for copies; True if one was sent now.

        Sent at most once per answer in the usual course: a redelivered event finds the
        record of the first send. A crash between the send and its record sends again
        on redelivery, with the same Message-ID (services/notifications/mail/compose.py).
        """
        reply = event.payload
        if not wants_copy(event):
            return False
        choice = await self.store.choice(reply.account_id, reply.ticket_owner_id)
        if choice is None or not choice.enabled:
            return False
        if await self.store.was_sent(reply.message_id):
            return False
        await self.mailer.send(answer_copy(event, choice.address, self.letterhead))
        await self.store.record_sent(
            reply.message_id, reply.account_id, reply.ticket_owner_id, self.clock()
        )
        # The ticket's number only: no address, no text of the answer.
        logger.info("e-mail copy sent", extra={"ticket": reply.ticket_number})
        return True


def _view(caller: Caller, choice: EmailChoice | None) -> EmailCopies:
    return EmailCopies(
        available=caller.email is not None,
        enabled=bool(choice and choice.enabled),
        address=caller.email or (choice.address if choice else None),
    )
