"""A ticket's one file per message: whose an upload is, who may download it, and the purge
of uploads nobody claimed."""

from datetime import timedelta

from services.tickets.models import StoredTicket
from services.tickets.store import TicketStore
from shared.clock import Clock
from shared.errors import Conflict, InvalidRequest, NotFound
from shared.events import AttachmentRef
from shared.people import Caller
from shared.tickets import AttachmentQuery

# Uploads nobody linked within this time are removed by the orphan purge.
ORPHAN_GRACE = timedelta(hours=1)


class TicketAttachments:
    def __init__(self, store: TicketStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def checked(
        self,
        attachment: AttachmentRef | None,
        caller: Caller,
        ticket: StoredTicket | None = None,
    ) -> AttachmentRef | None:
        """The upload must exist, come from the caller's account and be nobody else's
        (a reply's may already be claimed by its own `ticket`: a retried reply)."""
        if attachment is None:
            return None
        file = await self.store.attachments.file(attachment.id)
        if file is None or file.account_id != caller.account_id:
            raise InvalidRequest(
                "the attachment was not found; upload it again", "attachment_missing"
            )
        claimed_by = file.ticket_number
        if claimed_by is not None and (ticket is None or claimed_by != ticket.number):
            raise Conflict("this attachment belongs to another ticket already", "attachment_taken")
        return file.ref

    async def claim(self, attachment: AttachmentRef | None, number: str) -> None:
        if attachment is not None:
            await self.store.attachments.claim(attachment.id, number)

    async def access(self, query: AttachmentQuery) -> AttachmentRef:
        """The attachment's metadata, if the caller may download it."""
        missing = NotFound("attachment not found", "attachment_not_found")
        file = await self.store.attachments.file(query.attachment_id)
        if file is None:
            raise missing
        ticket = (
            await self.store.get(file.ticket_number)
            if file.ticket_number
            else await self.store.ticket_referencing(query.attachment_id)
        )
        if ticket is None:
            raise missing
        if query.caller.role != "agent" and ticket.account_id != query.caller.account_id:
            raise missing
        return file.ref

    async def purge_orphans(self, grace: timedelta = ORPHAN_GRACE) -> int:
        return await self.store.purge_orphan_attachments(self.clock() - grace)
