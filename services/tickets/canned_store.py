"""Every MongoDB call for canned replies (motor): one shared list, one document each."""

from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase

from shared.canned_replies import CannedReply


class CannedReplyStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        # Read whole (at most CANNED_REPLIES_MAX) or by `_id`: no index beyond `_id`.
        self.replies: AsyncIOMotorCollection[Any] = database["canned_replies"]

    async def all(self, limit: int) -> list[CannedReply]:
        cursor = self.replies.find({}).limit(limit)
        return [_reply(document) async for document in cursor]

    async def get(self, reply_id: str) -> CannedReply | None:
        document = await self.replies.find_one({"_id": reply_id})
        return _reply(document) if document else None

    async def count(self) -> int:
        counted: int = await self.replies.count_documents({})
        return counted

    async def insert(self, reply: CannedReply) -> None:
        await self.replies.insert_one({"_id": reply.id, **reply.model_dump(exclude={"id"})})

    async def replace(self, reply: CannedReply) -> bool:
        """Saves a changed reply; False if it was deleted meanwhile."""
        fields = reply.model_dump(exclude={"id"})
        result = await self.replies.update_one({"_id": reply.id}, {"$set": fields})
        return bool(result.matched_count)

    async def delete(self, reply_id: str) -> bool:
        result = await self.replies.delete_one({"_id": reply_id})
        return bool(result.deleted_count)


def _reply(document: dict[str, Any]) -> CannedReply:
    return CannedReply.model_validate({**document, "id": document["_id"]})
