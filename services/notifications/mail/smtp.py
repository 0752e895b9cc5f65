"""Sends mail through the operator's SMTP server.

aiosmtplib rather than the standard library's smtplib: it speaks SMTP on the service's
own event loop (smtplib blocks, and would need a thread per send), it is maintained and
typed, and it has STARTTLS, authentication and a timeout per conversation built in.
"""

from email.message import EmailMessage

import aiosmtplib

from shared.settings import Settings


class MailNotSent(Exception):
    """The server could not be reached or asked to try later (4xx): worth retrying."""


class MailRefused(Exception):
    """The server refused the mail for good (5xx: no such mailbox, policy): retries would
    only be refused again."""


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        settings = self.settings
        # Empty values (compose passes unset ones as "") mean no login, as unset ones do.
        username = settings.smtp_user or None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=username,
                password=(password or None) if username else None,
                start_tls=settings.smtp_starttls,
                timeout=settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            if all(400 <= refusal.code < 500 for refusal in error.recipients):
                raise MailNotSent(_codes(error.recipients)) from None
            raise MailRefused(_codes(error.recipients)) from None
        except aiosmtplib.SMTPResponseException as error:
            # The exception's text quotes the server, which may quote the address: only the code.
            kind = MailRefused if 500 <= error.code < 600 else MailNotSent
            raise kind(f"SMTP {error.code}") from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise MailNotSent(type(error).__name__) from None


def _codes(refusals: list[aiosmtplib.SMTPRecipientRefused]) -> str:
    return "SMTP " + ",".join(str(refusal.code) for refusal in refusals)
