"""A person is a user id within an account: every per-person key says both."""

from services.tickets.domain import reader_key
from shared.people import Caller, person_key


def caller(account_id: str, user_id: str) -> Caller:
    return Caller(role="user", id=user_id, name="Anna", account_id=account_id)


def test_the_same_user_id_in_two_hotels_is_two_people() -> None:
    assert person_key("hotel-a", "anna") != person_key("hotel-b", "anna")
    assert caller("hotel-a", "anna").person_key == person_key("hotel-a", "anna")


def test_read_marks_are_kept_per_person_of_an_account() -> None:
    assert reader_key(caller("hotel-a", "anna")) != reader_key(caller("hotel-b", "anna"))
    assert reader_key(caller("hotel-a", "anna")) == reader_key(caller("hotel-a", "anna"))
