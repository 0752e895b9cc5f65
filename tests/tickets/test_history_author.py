"""History rows name their author: colleagues of one hotel share the account's list."""

import httpx

from tests.support.system import Account
from tests.support.tickets import history, new_ticket


async def test_each_history_row_names_who_wrote_the_ticket(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    anna = account.user("anna", name="Anna Kowalska")
    piotr = account.user("piotr", name="Piotr Nowak")
    first = await new_ticket(gateway, anna, "Faktura")
    second = await new_ticket(gateway, piotr, "Kalendarz")
    rows = history_rows(await history(gateway, anna))
    assert rows == {
        first: {"role": "user", "id": "anna", "name": "Anna Kowalska"},
        second: {"role": "user", "id": "piotr", "name": "Piotr Nowak"},
    }


def history_rows(page: dict[str, object]) -> dict[str, object]:
    items = page["items"]
    assert isinstance(items, list)
    return {row["number"]: row["author"] for row in items}
