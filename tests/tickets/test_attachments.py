"""The one attachment of a ticket or reply: type by content, size limit, safe download."""

import httpx
import pytest

from tests.support.database import count
from tests.support.system import Account, HelpDesk
from tests.support.tickets import EXE, PNG, create_with_file

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"0" * 2000
LOG = "2026-11-26 10:00:01 ERROR Nie udało się zapisać rezerwacji #1234\n".encode() * 50


@pytest.mark.parametrize(
    ("filename", "content", "stored_type", "stored_name"),
    [
        ("zrzut ekranu.png", PNG, "image/png", "zrzut ekranu.png"),
        ("faktura.PDF", PDF, "application/pdf", "faktura.pdf"),
        ("system.log", LOG, "text/plain", "system.log"),
        # The name lies; the content decides, and the stored name follows the content.
        ("obrazek.jpg", PDF, "application/pdf", "obrazek.pdf"),
        ("../../etc/passwd<script>.png", PNG, "image/png", "passwd_script_.png"),
    ],
)
async def test_attachment_is_stored_typed_by_content_and_downloadable(
    gateway: httpx.AsyncClient,
    account: Account,
    filename: str,
    content: bytes,
    stored_type: str,
    stored_name: str,
) -> None:
    response = await create_with_file(gateway, account.user(), filename, content, "image/png")
    assert response.status_code == 201, response.text
    attachment = response.json()["attachment"]
    assert attachment["content_type"] == stored_type
    assert attachment["filename"] == stored_name
    assert attachment["size"] == len(content)
    download = await gateway.get(
        f"/api/v1/attachments/{attachment['id']}", headers=account.user("colleague")
    )
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"].startswith(stored_type)
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_executable_is_415_and_nothing_is_saved(
    gateway: httpx.AsyncClient, account: Account, database: object
) -> None:
    response = await create_with_file(gateway, account.user(), "raport.pdf", EXE, "application/pdf")
    assert response.status_code == 415
    files = database["attachments.files"]  # type: ignore[index]
    assert await count(files, {"metadata.account_id": account.account_id}) == 0
    tickets = database["tickets"]  # type: ignore[index]
    assert await tickets.count_documents({"account_id": account.account_id}) == 0


async def test_empty_file_is_422(gateway: httpx.AsyncClient, account: Account) -> None:
    response = await create_with_file(gateway, account.user(), "pusty.txt", b"")
    # An empty, named part is a chosen file with no content.
    assert response.status_code in (201, 422)
    if response.status_code == 201:
        assert response.json()["attachment"] is None


async def test_two_files_are_422(
    gateway: httpx.AsyncClient, account: Account, database: object
) -> None:
    response = await gateway.post(
        "/api/v1/tickets",
        data={"subject": "Dwa pliki", "message": "..."},
        files=[("file", ("a.png", PNG, "image/png")), ("file", ("b.png", PNG, "image/png"))],
        headers=account.user(),
    )
    assert response.status_code == 422
    assert "one file" in response.json()["detail"][0]["msg"]
    tickets = database["tickets"]  # type: ignore[index]
    assert await tickets.count_documents({"account_id": account.account_id}) == 0


async def test_too_large_is_413_and_leaves_no_partial_file(
    system: HelpDesk, account: Account, database: object
) -> None:
    small = system.spawn("gateway", HELPDESK_MAX_ATTACHMENT_MB="1").start()
    try:
        async with httpx.AsyncClient(base_url=small.url, timeout=30) as client:
            big = PNG + b"\x00" * (1024 * 1024)
            response = await create_with_file(client, account.user(), "duzy.png", big)
            assert response.status_code == 413

            # Without Content-Length the limit is enforced while streaming into the store.
            async def chunks() -> object:
                yield b'--b\r\nContent-Disposition: form-data; name="subject"\r\n\r\nx\r\n'
                yield b'--b\r\nContent-Disposition: form-data; name="message"\r\n\r\ny\r\n'
                yield (
                    b'--b\r\nContent-Disposition: form-data; name="file"; '
                    b'filename="d.png"\r\nContent-Type: image/png\r\n\r\n'
                )
                yield big
                yield b"\r\n--b--\r\n"

            streamed = await client.post(
                "/api/v1/tickets",
                content=chunks(),  # type: ignore[arg-type]
                headers={**account.user(), "Content-Type": "multipart/form-data; boundary=b"},
            )
            assert streamed.status_code == 413
            exact = await create_with_file(client, account.user(), "ok.png", PNG[:1024])
            assert exact.status_code == 201
    finally:
        small.stop()
    files = database["attachments.files"]  # type: ignore[index]
    assert await count(files, {"metadata.account_id": account.account_id}) == 1
    # Aborted uploads took their chunks with them: no chunk without its file.
    chunks_left = database["attachments.chunks"]  # type: ignore[index]
    assert set(await chunks_left.distinct("files_id")) <= set(await files.distinct("_id"))


async def test_other_account_gets_404_for_the_attachment(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, agent: dict[str, str]
) -> None:
    response = await create_with_file(gateway, account.user(), "a.png", PNG)
    attachment_id = response.json()["attachment"]["id"]
    foreign = await gateway.get(
        f"/api/v1/attachments/{attachment_id}", headers=other_account.user()
    )
    assert foreign.status_code == 404
    by_agent = await gateway.get(f"/api/v1/attachments/{attachment_id}", headers=agent)
    assert by_agent.status_code == 200
    bogus = await gateway.get("/api/v1/attachments/not-an-id", headers=account.user())
    assert bogus.status_code == 404


async def test_reply_carries_one_attachment(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    number = (await create_with_file(gateway, account.user(), "a.png", PNG)).json()["number"]
    reply = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies",
        data={"message": "Instrukcja w załączniku"},
        files={"file": ("instrukcja.pdf", PDF, "application/pdf")},
        headers=agent,
    )
    assert reply.status_code == 201, reply.text
    attachment = reply.json()["attachment"]
    assert attachment["content_type"] == "application/pdf"
    download = await gateway.get(f"/api/v1/attachments/{attachment['id']}", headers=account.user())
    assert download.content == PDF


@pytest.mark.parametrize("closed", [False, True])
async def test_a_refused_reply_keeps_no_file(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: object,
    closed: bool,
) -> None:
    anna = account.user("anna")
    number = "HD-999999"
    if closed:
        created = await gateway.post(
            "/api/v1/tickets", data={"subject": "Zamknięte", "message": "x"}, headers=anna
        )
        number = created.json()["number"]
        changed = await gateway.patch(
            f"/api/v1/agent/tickets/{number}", json={"status": "closed"}, headers=agent
        )
        assert changed.status_code == 200
    response = await gateway.post(
        f"/api/v1/tickets/{number}/replies",
        data={"message": "Zrzut w załączniku"},
        files={"file": ("zrzut.png", PNG, "image/png")},
        headers=anna,
    )
    assert response.status_code == (409 if closed else 404)
    files = database["attachments.files"]  # type: ignore[index]
    assert await count(files, {"metadata.account_id": account.account_id}) == 0
