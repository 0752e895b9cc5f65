"""Tickets as a client makes them through the gateway, and the service's own write path."""

from datetime import timedelta
from typing import Any

import httpx

from services.tickets.domain import SlaPolicy
from services.tickets.service import TicketService
from services.tickets.store import TicketStore
from shared.settings import DEFAULT_SLA_HOURS
from shared.support_hours import SupportCalendar

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


async def new_ticket(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    subject: str = "Channel manager",
    importance: str = "normal",
    message: str = "Brak synchronizacji cen.",
) -> str:
    """A ticket created by the user of `headers`; its number."""
    response = await gateway.post(
        "/api/v1/tickets",
        data={"subject": subject, "message": message, "importance": importance},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


async def create_with_file(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    filename: str,
    content: bytes,
    declared_type: str = "application/octet-stream",
) -> httpx.Response:
    return await gateway.post(
        "/api/v1/tickets",
        data={"subject": "Zrzut ekranu błędu", "message": "W załączniku."},
        files={"file": (filename, content, declared_type)},
        headers=headers,
    )


async def reply(
    gateway: httpx.AsyncClient, number: str, headers: dict[str, str], text: str, agent: bool
) -> httpx.Response:
    path = f"/api/v1/{'agent/' if agent else ''}tickets/{number}/replies"
    return await gateway.post(path, data={"message": text}, headers=headers)


async def status_of(gateway: httpx.AsyncClient, number: str, headers: dict[str, str]) -> str:
    status: str = (await gateway.get(f"/api/v1/tickets/{number}", headers=headers)).json()["status"]
    return status


async def history(
    gateway: httpx.AsyncClient, headers: dict[str, str], **params: str | int
) -> dict[str, object]:
    response = await gateway.get("/api/v1/tickets", params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, object] = response.json()
    return page


def ticket_service(database: Any) -> TicketService:
    """The tickets service's own write path, in-process, on the test database."""
    calendar = SupportCalendar.from_settings("always", "Europe/Warsaw", "none")
    sla = SlaPolicy({k: timedelta(hours=v) for k, v in DEFAULT_SLA_HOURS.items()}, calendar)
    return TicketService(TicketStore(database), sla, events_written=lambda: None)
