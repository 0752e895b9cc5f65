"""The pop-up store's queries without I/O: what pops up now, what the badge counts."""

from datetime import UTC, datetime

from services.notifications.store import UNREAD, page_query


def test_what_pops_up_now_is_unread_unclosed_undeleted_and_due() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert page_query("hotel-a", "anna", now, None) == {
        "account_id": "hotel-a",
        "user_id": "anna",
        "read": False,
        "deleted": False,
        "seen": False,
        "visible_at": {"$lte": now},
    }
    # The badge counts closed ones too: only Preview and Delete take one off it.
    assert UNREAD == {"read": False, "deleted": False}
