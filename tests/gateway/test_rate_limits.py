"""Rate limits per person (a user id within an account) on gateways with limits on.

The count is shared: a person alternating between two gateways gets the limit once.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from services.gateway.api.tickets import REPLIES_PER_MINUTE, TICKETS_PER_MINUTE
from services.gateway.kb.routes import MISSES_PER_MINUTE
from services.gateway.ratelimit import WINDOWS_COLLECTION
from shared.people import person_key
from tests.support.database import count
from tests.support.harness import ServiceProcess, free_port
from tests.support.metrics import scrape, value
from tests.support.raw_http import MB, declared_upload, multipart
from tests.support.system import Account, HelpDesk
from tests.support.waiting import eventually

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture(scope="module")
def limited_gateway(system: HelpDesk) -> Iterator[ServiceProcess]:
    gateway = system.spawn("gateway", HELPDESK_RATE_LIMITS="on").start()
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def second_limited_gateway(system: HelpDesk) -> Iterator[ServiceProcess]:
    """Another instance on the same database, as behind a load balancer."""
    gateway = system.spawn("gateway", HELPDESK_RATE_LIMITS="on").start()
    yield gateway
    gateway.stop()


@pytest.fixture
async def limited(limited_gateway: ServiceProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=limited_gateway.url, timeout=30) as client:
        yield client


@pytest.fixture
async def second_limited(
    second_limited_gateway: ServiceProcess,
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=second_limited_gateway.url, timeout=30) as client:
        yield client


async def create_ticket(gateway: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await gateway.post(
        "/api/v1/tickets", data={"subject": "Limity", "message": "x"}, headers=headers
    )


async def test_replies_are_limited_per_person_and_a_refused_one_keeps_no_file(
    limited: httpx.AsyncClient, account: Account, other_account: Account, database: object
) -> None:
    anna = account.user("anna")
    created = await limited.post(
        "/api/v1/tickets", data={"subject": "Limity", "message": "x"}, headers=anna
    )
    number = created.json()["number"]
    allowed = int(REPLIES_PER_MINUTE.rate.split("/")[0])
    for _ in range(allowed):
        response = await limited.post(
            f"/api/v1/tickets/{number}/replies", data={"message": "raz"}, headers=anna
        )
        assert response.status_code == 201, response.text
    refused = await limited.post(
        f"/api/v1/tickets/{number}/replies",
        data={"message": "za dużo"},
        files={"file": ("zrzut.png", PNG, "image/png")},
        headers=anna,
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "reply_rate_limited"
    assert refused.headers["retry-after"]
    files = database["attachments.files"]  # type: ignore[index]
    assert await count(files, {"metadata.account_id": account.account_id}) == 0
    # Another hotel's Anna is another person, with her own allowance.
    other_anna = other_account.user("anna")
    theirs = await limited.post(
        "/api/v1/tickets", data={"subject": "Limity", "message": "x"}, headers=other_anna
    )
    answered = await limited.post(
        f"/api/v1/tickets/{theirs.json()['number']}/replies",
        data={"message": "raz"},
        headers=other_anna,
    )
    assert answered.status_code == 201


async def test_a_rate_limited_upload_is_refused_before_its_body_is_read(
    limited: httpx.AsyncClient, limited_gateway: ServiceProcess, account: Account
) -> None:
    anna = account.user("anna")
    for _ in range(int(TICKETS_PER_MINUTE.rate.split("/")[0])):
        created = await limited.post(
            "/api/v1/tickets", data={"subject": "Limity", "message": "x"}, headers=anna
        )
        assert created.status_code == 201, created.text
    number = created.json()["number"]
    for _ in range(int(REPLIES_PER_MINUTE.rate.split("/")[0])):
        replied = await limited.post(
            f"/api/v1/tickets/{number}/replies", data={"message": "raz"}, headers=anna
        )
        assert replied.status_code == 201, replied.text
    headers = {**multipart(), **anna}
    for path, code in (
        ("/api/v1/tickets", "ticket_rate_limited"),
        (f"/api/v1/tickets/{number}/replies", "reply_rate_limited"),
    ):
        # 20 MB declared, 64 KB sent: the answer comes while the client still holds the rest.
        answer = await asyncio.to_thread(
            declared_upload, limited_gateway.url, path, 20 * MB, headers
        )
        assert (answer.status, answer.json()["code"]) == (429, code)
        assert answer.headers["retry-after"]


async def test_missed_searches_are_limited_per_person(
    limited: httpx.AsyncClient, account: Account, other_account: Account
) -> None:
    anna = account.user("anna")
    allowed = int(MISSES_PER_MINUTE.rate.split("/")[0])
    for n in range(allowed):
        response = await limited.post(
            "/api/v1/kb/missed-searches",
            json={"q": f"drukarka {'x' * n}", "lang": "pl"},
            headers=anna,
        )
        assert response.status_code == 200, response.text
    refused = await limited.post(
        "/api/v1/kb/missed-searches", json={"q": "drukarka", "lang": "pl"}, headers=anna
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "kb_missed_rate_limited"
    # Another hotel's Anna is another person, with her own allowance.
    theirs = await limited.post(
        "/api/v1/kb/missed-searches",
        json={"q": "drukarka", "lang": "pl"},
        headers=other_account.user("anna"),
    )
    assert theirs.status_code == 200


async def test_a_person_alternating_between_gateways_is_refused_at_the_limit_not_twice_it(
    limited: httpx.AsyncClient,
    second_limited: httpx.AsyncClient,
    second_limited_gateway: ServiceProcess,
    account: Account,
    other_account: Account,
    database: object,
) -> None:
    anna = account.user("anna")
    gateways = (limited, second_limited)
    allowed = int(TICKETS_PER_MINUTE.rate.split("/")[0])
    for n in range(allowed):
        created = await create_ticket(gateways[n % 2], anna)
        assert created.status_code == 201, created.text
    for gateway in gateways:
        refused = await create_ticket(gateway, anna)
        assert refused.status_code == 429, refused.text
        assert refused.json()["code"] == "ticket_rate_limited"
        assert refused.headers["retry-after"]
    # The body guard asks the shared count too: the gateway that saw only half of Anna's
    # tickets refuses a large upload before reading it.
    answer = await asyncio.to_thread(
        declared_upload,
        second_limited_gateway.url,
        "/api/v1/tickets",
        20 * MB,
        {**multipart(), **anna},
    )
    assert (answer.status, answer.json()["code"]) == (429, "ticket_rate_limited")
    tickets = database["tickets"]  # type: ignore[index]
    assert await count(tickets, {"account_id": account.account_id}) == allowed
    windows = database[WINDOWS_COLLECTION]  # type: ignore[index]
    window = await windows.find_one({"_id": {"$regex": person_key(account.account_id, "anna")}})
    assert window is not None and len(window["entries"]) == allowed
    # Another hotel's Anna is another person, on either gateway.
    other_anna = other_account.user("anna")
    for gateway in gateways:
        theirs = await create_ticket(gateway, other_anna)
        assert theirs.status_code == 201, theirs.text


async def test_a_gateway_without_its_database_still_limits_and_never_fails_a_request(
    system: HelpDesk, account: Account
) -> None:
    """The limits' store away: each gateway counts alone (fail open), logs and counts it."""
    unreachable = f"mongodb://127.0.0.1:{free_port()}/"
    # Not ready without its database (/readyz says so); alive and serving all the same.
    gateway = system.spawn("gateway", HELPDESK_RATE_LIMITS="on", HELPDESK_MONGO_URL=unreachable)
    gateway.start(wait=False)
    try:
        async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:

            async def alive() -> bool:
                try:
                    return (await client.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(alive, within=60)
            anna = account.user("anna")
            allowed = int(TICKETS_PER_MINUTE.rate.split("/")[0])
            for _ in range(allowed):
                created = await create_ticket(client, anna)
                assert created.status_code == 201, created.text
            refused = await create_ticket(client, anna)
            assert refused.status_code == 429, refused.text
            assert refused.json()["code"] == "ticket_rate_limited"
        samples = await scrape(gateway.url)
        fallbacks = value(samples, "helpdesk_rate_limit_fallbacks_total", action="ticket.create")
        # Each accepted ticket was decided here alone; the 11th was refused by the own count
        # before the store would have been asked.
        assert fallbacks == allowed
        assert "rate_limit_store_unavailable" in gateway.log_path.read_text()
    finally:
        gateway.stop()
