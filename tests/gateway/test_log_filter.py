"""The log filter hides a socket's token however its query name is spelt."""

import logging

import pytest

from services.gateway.realtime.sockets import HideQueryTokens

SECRET = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm5hIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    "query",
    [
        f"token={SECRET}",
        f"%74oken={SECRET}",
        f"TOKEN={SECRET}",
        f"To%4Ben={SECRET}",
        f"%54%4F%4B%45%4E={SECRET}",
        f"lang=pl&token={SECRET}&x=1",
        f"lang=pl;token={SECRET}",
        f"token={SECRET[:10]}%2E{SECRET[11:]}",
        f"tok%65n={SECRET}&token={SECRET}",
    ],
)
def test_the_token_is_hidden_in_handshake_lines(query: str) -> None:
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        "",
        0,
        '%s - "WebSocket %s" %s',
        ("127.0.0.1:5000", f"/api/v1/chat?{query}", "[accepted]"),
        None,
    )
    HideQueryTokens().filter(record)
    line = record.getMessage()
    assert SECRET[:10] not in line
    assert "[hidden]" in line


def test_other_query_values_stay() -> None:
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, "", 0, "%s", ("/api/v1/chat?lang=pl&tokenizer=x",), None
    )
    HideQueryTokens().filter(record)
    assert record.getMessage() == "/api/v1/chat?lang=pl&tokenizer=x"
