"""Who did something: the identity the gateway read from a verified token."""

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["user", "agent"]


def person_key(account_id: str, user_id: str) -> str:
    """One person of one account, as a short key of fixed length.

    Host applications' user ids may be unique only within a hotel, so every per-person
    key (idempotency, rate limits, read marks, pop-ups) names the account too. Hashed,
    because ids are the host's text of any length, ':' included, and the key is joined to
    others with ':' into document ids (`<ticket>:<reader>`, `<person>:<Idempotency-Key>`).
    """
    return hashlib.sha256(f"{account_id}\n{user_id}".encode()).hexdigest()[:24]


class Author(BaseModel):
    role: Role
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)


class Caller(Author):
    """The signed-in person behind a request; the account always comes from the token."""

    account_id: str = Field(min_length=1, max_length=200)
    # The host's `email` claim, when its token has a valid one: where copies of support's
    # answers go if the person asked for them (shared/email_copies.py).
    email: str | None = Field(default=None, max_length=254)

    @property
    def person_key(self) -> str:
        return person_key(self.account_id, self.id)

    def as_author(self) -> Author:
        return Author(role=self.role, id=self.id, name=self.name)
