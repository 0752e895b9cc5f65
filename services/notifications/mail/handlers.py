"""E-mail copies' subscribers: the answers to copy (a queue of their own), the choice."""

import asyncio
import logging

from faststream import AckPolicy
from faststream.exceptions import NackMessage, RejectMessage
from faststream.rabbit import RabbitRouter
from faststream.rabbit.annotations import RabbitMessage

from services.notifications.mail.compose import retry_delay
from services.notifications.mail.service import EmailCopyService
from services.notifications.mail.smtp import MailNotSent, MailRefused
from shared.email_copies import EmailCopies, EmailCopiesQuery, SetEmailCopies
from shared.events import ReplyPosted
from shared.routes import EMAIL_COPIES, SET_EMAIL_COPIES
from shared.rpc import answers
from shared.topology import DELIVERY_LIMIT, EVENTS_EXCHANGE, event_queue

logger = logging.getLogger("helpdesk.notifications.mail")

# Its own queue of `reply.posted`, so a slow or absent SMTP server never delays the pop-up,
# which the service's other queue of the same event makes.
EMAIL_QUEUE = event_queue("notifications", ReplyPosted, purpose="email")


def build_mail_router(service: EmailCopyService, first_retry_seconds: float) -> RabbitRouter:
    router = RabbitRouter()

    @router.subscriber(EMAIL_QUEUE, EVENTS_EXCHANGE, ack_policy=AckPolicy.NACK_ON_ERROR)
    async def send_answer_copy(event: ReplyPosted, message: RabbitMessage) -> None:
        try:
            await service.on_reply_posted(event)
        except MailRefused as refusal:
            # Straight to the dead letters (reason `rejected`): an operator can replay it
            # once the address or the server's policy is fixed.
            logger.error(
                "e-mail copy refused by the SMTP server",
                extra={"ticket": event.payload.ticket_number, "error": str(refusal)},
            )
            raise RejectMessage() from None
        except MailNotSent as failure:
            # Backoff before the message goes back: the quorum queue counts its deliveries
            # and dead-letters it past DELIVERY_LIMIT (shared/topology.py). Waiting here
            # holds only this queue; pop-ups come from the other one.
            failed = _failed_deliveries(message)
            # The last delivery allowed goes to the dead letters at once: no wait for it.
            delay = retry_delay(failed, first_retry_seconds) if failed < DELIVERY_LIMIT else 0.0
            logger.warning(
                "e-mail copy not sent; trying again",
                extra={
                    "ticket": event.payload.ticket_number,
                    "error": str(failure),
                    "failed_before": failed,
                    "retry_in": delay,
                },
            )
            await asyncio.sleep(delay)
            raise NackMessage() from None

    @answers(router, EMAIL_COPIES)
    async def email_copies(query: EmailCopiesQuery) -> EmailCopies:
        return await service.choice(query)

    @answers(router, SET_EMAIL_COPIES)
    async def set_email_copies(command: SetEmailCopies) -> EmailCopies:
        return await service.choose(command)

    return router


def _failed_deliveries(message: RabbitMessage) -> int:
    """Deliveries of this message that failed before: the quorum queue's header."""
    count = message.headers.get("x-delivery-count", 0)
    return count if isinstance(count, int) else 0
