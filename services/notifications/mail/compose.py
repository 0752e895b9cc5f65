"""The e-mail copy of one answer, and when a failed send is tried again. No I/O."""

import html
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from services.notifications.domain import STATUS_NOTES
from shared.events import ReplyPosted

# The Help menu opens the ticket named by this query parameter of the host's page.
TICKET_PARAMETER = "helpdesk_ticket"
# Backoff between sends of one answer: doubled per failed delivery up to this.
LONGEST_RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class Letterhead:
    """Who copies come from and where their link points: the operator's settings."""

    sender: str
    help_url: str


def wants_copy(event: ReplyPosted) -> bool:
    """Only support's answers are copied; a user's own replies are not news to them."""
    return event.payload.author.role == "agent"


def ticket_link(help_url: str, ticket_number: str) -> str:
    """The Help menu's page with the parameter that opens the ticket (its own query kept)."""
    parts = urlsplit(help_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != TICKET_PARAMETER]
    query.append((TICKET_PARAMETER, ticket_number))
    return urlunsplit(parts._replace(query=urlencode(query)))


def message_id(reply_id: str, sender: str) -> str:
    """One Message-ID per answer: should a copy ever go out twice (a crash between the
    send and its record), mail clients show it once."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "helpdesk.invalid"
    return f"<answer-{reply_id}@{domain}>"


def answer_copy(event: ReplyPosted, to: str, letterhead: Letterhead) -> EmailMessage:
    """Subject with the ticket number, the answer as plain text and as escaped HTML, and
    a link that opens the ticket in the Help menu."""
    reply = event.payload
    link = ticket_link(letterhead.help_url, reply.ticket_number)
    body = reply.body
    if reply.previous_status not in (None, reply.status) and reply.status in STATUS_NOTES:
        body = f"{body}\n\n{STATUS_NOTES[reply.status]}"
    subject = " ".join(reply.ticket_subject.split())
    attachment = reply.attachment.filename if reply.attachment else None

    message = EmailMessage()
    message["Subject"] = f"Odpowiedź w zgłoszeniu {reply.ticket_number}: {subject}"
    message["From"] = letterhead.sender
    message["To"] = Address(addr_spec=to)
    message["Date"] = format_datetime(event.occurred_at)
    message["Message-ID"] = message_id(reply.message_id, letterhead.sender)
    # RFC 3834: an automatic message, so auto-responders do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        _plain(reply.ticket_number, subject, reply.author.name, body, attachment, link)
    )
    message.add_alternative(
        _html(reply.ticket_number, subject, reply.author.name, body, attachment, link),
        subtype="html",
    )
    return message


def _plain(
    number: str, subject: str, agent: str, body: str, attachment: str | None, link: str
) -> str:
    lines = [
        f"{agent} (wsparcie techniczne) odpowiada w zgłoszeniu {number} „{subject}”:",
        "",
        body,
        "",
    ]
    if attachment:
        lines += [f"Załącznik: {attachment} (pobierzesz go w menu Pomoc).", ""]
    lines += [
        f"Otwórz zgłoszenie w menu Pomoc: {link}",
        "",
        "--",
        f"Support answered your ticket {number}. Open it in the Help menu: {link}",
        "Kopie odpowiedzi e-mailem wyłączysz w menu Pomoc (Historia powiadomień).",
        "You can turn off e-mail copies in the Help menu (Ticket history).",
    ]
    return "\n".join(lines) + "\n"


def _html(
    number: str, subject: str, agent: str, body: str, attachment: str | None, link: str
) -> str:
    # Everything the user or the agent wrote is escaped: the copy shows text, never markup.
    e = html.escape
    note = (
        f"<p>Załącznik: <strong>{e(attachment)}</strong> (pobierzesz go w menu Pomoc).</p>"
        if attachment
        else ""
    )
    return (
        '<!doctype html><html lang="pl"><body style="font-family: sans-serif">'
        f"<p>{e(agent)} (wsparcie techniczne) odpowiada w zgłoszeniu "
        f"<strong>{e(number)}</strong> „{e(subject)}”:</p>"
        f'<blockquote style="white-space: pre-wrap">{e(body)}</blockquote>'
        f"{note}"
        f'<p><a href="{e(link)}">Otwórz zgłoszenie {e(number)} w menu Pomoc</a></p>'
        '<hr><p style="color: #555; font-size: small">'
        f'Support answered your ticket {e(number)}: <a href="{e(link)}">open it in the Help '
        "menu</a>.<br>Kopie odpowiedzi e-mailem wyłączysz w menu Pomoc (Historia powiadomień). "
        "You can turn off e-mail copies in the Help menu (Ticket history).</p>"
        "</body></html>"
    )


def retry_delay(failed_deliveries: int, first_seconds: float) -> float:
    """How long a failed send waits before its message goes back to the queue."""
    return min(first_seconds * 2.0 ** min(failed_deliveries, 16), LONGEST_RETRY_SECONDS)
