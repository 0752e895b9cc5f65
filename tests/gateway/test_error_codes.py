"""Refusals carry a stable `code` for clients to translate, beside the English detail."""

import httpx
import pytest

from tests.support.system import Account
from tests.support.tickets import EXE, create_with_file


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (EXE, 415, "attachment_type_not_accepted"),
        (b"", 422, "attachment_empty"),
    ],
)
async def test_a_refused_file_says_why_by_code(
    gateway: httpx.AsyncClient, account: Account, content: bytes, status: int, code: str
) -> None:
    response = await create_with_file(gateway, account.user(), "plik.bin", content)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]


async def test_a_second_file_and_a_missing_ticket_have_their_codes(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    files = [("file", ("a.txt", b"a", "text/plain")), ("file", ("b.txt", b"b", "text/plain"))]
    two = await gateway.post(
        "/api/v1/tickets",
        data={"subject": "Dwa pliki", "message": "Proszę."},
        files=files,
        headers=account.user(),
    )
    assert (two.status_code, two.json()["code"]) == (422, "attachment_one_file_only")
    missing = await gateway.get("/api/v1/tickets/HD-999999", headers=account.user())
    assert (missing.status_code, missing.json()["code"]) == (404, "ticket_not_found")


async def test_a_blank_subject_is_coded_by_its_field(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    response = await gateway.post(
        "/api/v1/tickets",
        data={"subject": "   ", "message": "Treść"},
        headers=account.user(),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "subject_invalid"
    # FastAPI's own validation (a value outside the enumeration) is coded the same way.
    wrong = await gateway.post(
        "/api/v1/tickets",
        data={"subject": "Temat", "message": "Treść", "importance": "urgent"},
        headers=account.user(),
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "importance_invalid")
