"""Who did something: the identity the gateway read from a verified token."""

from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["user", "agent"]


class Author(BaseModel):
    role: Role
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)


class Caller(Author):
    """The signed-in person behind a request; the account always comes from the token."""

    account_id: str = Field(min_length=1, max_length=200)

    def as_author(self) -> Author:
        return Author(role=self.role, id=self.id, name=self.name)
