"""Every MongoDB call of e-mail copies (motor): each person's choice and the answers sent.

A choice is one document per person, keyed by `person_key` (account and user id: user ids
repeat across hotels). An answer sent is one document keyed by the reply's id, so a
redelivered `reply.posted` finds its copy already sent.
"""

import contextlib
from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pydantic import BaseModel
from pymongo.errors import DuplicateKeyError

from shared.people import person_key


class EmailChoice(BaseModel):
    """A person's choice, and the address their token carried when last seen."""

    account_id: str
    user_id: str
    enabled: bool
    address: str
    updated_at: datetime


class EmailStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.choices: AsyncIOMotorCollection[Any] = database["email_choices"]
        self.sent: AsyncIOMotorCollection[Any] = database["email_copies_sent"]

    async def choice(self, account_id: str, user_id: str) -> EmailChoice | None:
        document = await self.choices.find_one({"_id": person_key(account_id, user_id)})
        return EmailChoice.model_validate(document) if document else None

    async def save_choice(self, choice: EmailChoice) -> None:
        key = person_key(choice.account_id, choice.user_id)
        await self.choices.replace_one({"_id": key}, choice.model_dump(), upsert=True)

    async def readdress(self, account_id: str, user_id: str, address: str, now: datetime) -> bool:
        """Point a stored choice at the address a newer token carries; False if it had it."""
        result = await self.choices.update_one(
            {"_id": person_key(account_id, user_id), "address": {"$ne": address}},
            {"$set": {"address": address, "updated_at": now}},
        )
        return result.modified_count == 1

    async def was_sent(self, reply_id: str) -> bool:
        return await self.sent.find_one({"_id": reply_id}, {"_id": 1}) is not None

    async def record_sent(self, reply_id: str, account_id: str, user_id: str, at: datetime) -> None:
        """Note a copy as sent (no address: the choice has it); a second note is a no-op."""
        document = {"_id": reply_id, "person": person_key(account_id, user_id), "sent_at": at}
        with contextlib.suppress(DuplicateKeyError):
            await self.sent.insert_one(document)
