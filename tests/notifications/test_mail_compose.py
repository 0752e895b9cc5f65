"""The e-mail copy of an answer and the retry schedule, as pure functions."""

from email.message import EmailMessage

import pytest

from services.notifications.mail.compose import (
    LONGEST_RETRY_SECONDS,
    Letterhead,
    answer_copy,
    retry_delay,
    ticket_link,
    wants_copy,
)
from shared.events import AttachmentRef, ReplyPosted, ReplyPostedPayload
from shared.people import Author

LETTERHEAD = Letterhead(
    sender="Pomoc HotelSys <pomoc@hotelsys.example>", help_url="https://app.example/"
)


def answer(role: str = "agent", **changes: object) -> ReplyPosted:
    fields: dict[str, object] = {
        "ticket_number": "HD-000042",
        "account_id": "hotel-baltyk",
        "ticket_owner_id": "anna",
        "ticket_subject": "Faktura\nkorygująca",
        "message_id": "0f3c",
        "author": Author(role=role, id="ewa", name="Ewa"),
        "body": "Proszę sprawdzić <script>x</script>.",
        "status": "awaiting_reply",
        **changes,
    }
    return ReplyPosted(payload=ReplyPostedPayload.model_validate(fields))


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_only_support_answers_are_copied() -> None:
    assert wants_copy(answer("agent"))
    assert not wants_copy(answer("user"))


def test_the_copy_names_the_ticket_and_links_to_it() -> None:
    message = answer_copy(answer(), "anna@hotel-baltyk.example", LETTERHEAD)
    plain, html = parts(message)

    # A subject typed over two lines stays one header line.
    assert message["Subject"] == "Odpowiedź w zgłoszeniu HD-000042: Faktura korygująca"
    assert message["To"] == "anna@hotel-baltyk.example"
    assert message["Message-ID"] == "<answer-0f3c@hotelsys.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "https://app.example/?helpdesk_ticket=HD-000042" in plain
    assert "Proszę sprawdzić <script>x</script>." in plain
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html


def test_a_status_change_and_an_attachment_are_mentioned() -> None:
    attachment = AttachmentRef(
        id="1", filename="faktura.pdf", content_type="application/pdf", size=9
    )
    event = answer(status="resolved", previous_status="in_progress", attachment=attachment)

    plain, _ = parts(answer_copy(event, "anna@hotel-baltyk.example", LETTERHEAD))

    assert "Zgłoszenie zostało oznaczone jako rozwiązane." in plain
    assert "Załącznik: faktura.pdf" in plain


def test_the_link_keeps_the_host_pages_own_query() -> None:
    link = ticket_link("https://app.example/panel?view=1&helpdesk_ticket=OLD", "HD-7")
    assert link == "https://app.example/panel?view=1&helpdesk_ticket=HD-7"


@pytest.mark.parametrize(
    ("failed", "seconds"), [(0, 2.0), (1, 4.0), (2, 8.0), (4, 32.0), (5, 60.0), (10**6, 60.0)]
)
def test_retries_back_off_up_to_a_minute(failed: int, seconds: float) -> None:
    assert retry_delay(failed, 2.0) == seconds
    assert retry_delay(failed, 2.0) <= LONGEST_RETRY_SECONDS
