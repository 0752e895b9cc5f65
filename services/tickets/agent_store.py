"""Every MongoDB call for the directory of agents seen (motor): one document per agent,
keyed by their token's subject, with the name it last carried."""

from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, IndexModel

from shared.database import declare_indexes
from shared.triage import KnownAgent

# A desk has tens of agents; the bound keeps one answer small should ids ever run wild.
DIRECTORY_MAX = 1000
BY_NAME = [("name", ASCENDING), ("_id", ASCENDING)]


class AgentStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.agents: AsyncIOMotorCollection[Any] = database["agents"]

    async def ensure_indexes(self) -> None:
        await declare_indexes(self.agents, [IndexModel(BY_NAME)])

    async def record(self, agent_id: str, name: str, at: datetime) -> None:
        await self.agents.update_one(
            {"_id": agent_id}, {"$set": {"name": name, "seen_at": at}}, upsert=True
        )

    async def get(self, agent_id: str) -> KnownAgent | None:
        document = await self.agents.find_one({"_id": agent_id})
        return _agent(document) if document else None

    async def all(self) -> list[KnownAgent]:
        """Every agent seen, by name."""
        cursor = self.agents.find({}).sort(BY_NAME).limit(DIRECTORY_MAX)
        return [_agent(document) async for document in cursor]


def _agent(document: dict[str, Any]) -> KnownAgent:
    return KnownAgent(id=document["_id"], name=document["name"], seen_at=document["seen_at"])
