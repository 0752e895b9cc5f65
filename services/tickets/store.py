"""Every MongoDB call of the tickets service (motor), and the indexes its screens need."""

from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase

from shared.database import database_answers


class TicketStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.database = database

    async def ensure_indexes(self) -> None:
        pass

    async def answers(self) -> bool:
        return await database_answers(self.database)
