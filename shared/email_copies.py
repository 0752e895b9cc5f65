"""The contract between the gateway and the notifications service for e-mail copies of
support's answers: the person's choice, as asked and as answered."""

from pydantic import BaseModel, StrictBool

from shared.people import Caller


class EmailCopiesQuery(BaseModel):
    """Whether the caller gets copies; it also refreshes the stored address from the token."""

    caller: Caller


class SetEmailCopies(BaseModel):
    """Turn copies on (to the address the caller's token carries) or off."""

    caller: Caller
    enabled: bool


class EmailCopiesChoice(BaseModel):
    """The API's body of PUT /api/v1/email-copies."""

    # Strict: "no" or 0 is a client's bug to hear of, not a choice to guess.
    enabled: StrictBool


class EmailCopies(BaseModel):
    """The caller's choice as the Help menu shows it.

    `available` is false when the caller's token has no e-mail address: the Help menu then
    offers no switch. `address` is where copies go (the token's, refreshed on every look).
    """

    available: bool
    enabled: bool
    address: str | None = None
