"""Per-person rate limits: a person is a user id within an account."""

import pytest

from services.gateway.ratelimit import Limit, RateLimiter
from shared.errors import RateLimited
from shared.people import Caller

ONE_A_MINUTE = Limit("ticket.create", "1/minute", "ticket_rate_limited")


def person(account_id: str, user_id: str = "anna") -> Caller:
    return Caller(role="user", id=user_id, name="Anna", account_id=account_id)


def test_the_same_user_id_in_another_hotel_has_its_own_limit() -> None:
    limiter = RateLimiter(enabled=True)
    limiter.check(ONE_A_MINUTE, person("hotel-a"))
    with pytest.raises(RateLimited) as refused:
        limiter.check(ONE_A_MINUTE, person("hotel-a"))
    assert refused.value.code == "ticket_rate_limited"
    limiter.check(ONE_A_MINUTE, person("hotel-b"))


def test_account_and_user_ids_cannot_be_shifted_into_each_other() -> None:
    limiter = RateLimiter(enabled=True)
    limiter.check(ONE_A_MINUTE, person("a:b", "c"))
    limiter.check(ONE_A_MINUTE, person("a", "b:c"))
