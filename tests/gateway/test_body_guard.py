"""Requests with a body are judged before any of it is read: caller first, then size.

Sent over raw sockets, so a test controls how much of a body goes out and sees whether the
gateway answers before the client has finished sending (it must, for a refusal).
"""

from collections.abc import Iterator

import pytest

from tests.support.harness import ServiceProcess
from tests.support.raw_http import MB, as_json, declared_upload, multipart, streamed_upload
from tests.support.system import HelpDesk, make_token

# More than loopback sockets' buffers hold, so a client can only send it all if read.
STREAMED = 40 * MB


@pytest.fixture(scope="module")
def small_gateway(system: HelpDesk) -> Iterator[ServiceProcess]:
    """A gateway taking attachments of at most 1 MB, so a streamed excess is quick to send."""
    gateway = system.spawn("gateway", HELPDESK_MAX_ATTACHMENT_MB="1").start()
    yield gateway
    gateway.stop()


USER = make_token("user", "hotel-guard", "anna")
AGENT = make_token("agent", "support", "ewa")


@pytest.mark.parametrize(
    "path", ["/api/v1/tickets", "/api/v1/tickets/HD-000001/replies", "/api/v1/agent/announcements"]
)
def test_an_unauthenticated_body_is_refused_before_it_is_read(system: HelpDesk, path: str) -> None:
    answer = declared_upload(system.gateway_url, path, 30 * MB, multipart())
    assert answer.status == 401
    assert answer.json()["code"] == "token_missing"
    assert answer.headers["www-authenticate"] == "Bearer"
    forged = declared_upload(system.gateway_url, path, 30 * MB, multipart("not-a-token"))
    assert (forged.status, forged.json()["code"]) == (401, "token_invalid")


def test_a_users_body_to_an_agent_route_is_refused_before_it_is_read(system: HelpDesk) -> None:
    path = "/api/v1/agent/tickets/HD-000001/replies"
    answer = declared_upload(system.gateway_url, path, 20 * MB, multipart(USER))
    assert (answer.status, answer.json()["code"]) == (403, "agent_only")


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/tickets", multipart(USER)),
        ("/api/v1/agent/tickets/HD-000001/replies", multipart(AGENT)),
        # JSON bodies have their own, much smaller limit.
        ("/api/v1/agent/announcements", as_json(AGENT)),
        ("/api/v1/popups/P-000001/snooze", as_json(USER)),
        ("/api/v1/demo/token", as_json()),
    ],
)
def test_a_declared_oversize_body_is_413_before_it_is_read(
    system: HelpDesk, path: str, headers: dict[str, str]
) -> None:
    declared = 30 * MB if "multipart" in headers["Content-Type"] else 2 * MB
    answer = declared_upload(system.gateway_url, path, declared, headers)
    assert answer.status == 413
    assert answer.json()["code"] == "request_too_large"


def test_a_streamed_body_is_counted_and_stopped_at_the_limit(
    small_gateway: ServiceProcess,
) -> None:
    answer = streamed_upload(small_gateway.url, "/api/v1/tickets", STREAMED, multipart(USER))
    assert answer.status == 413
    assert answer.json()["code"] == "request_too_large"
    # The gateway stopped reading near its 1 MB limit: the client never got to send it all
    # (the sockets' buffers on both sides hold a few MB of what it sent in vain).
    assert answer.sent < STREAMED


def test_a_streamed_unauthenticated_body_is_refused_at_once(
    small_gateway: ServiceProcess,
) -> None:
    answer = streamed_upload(small_gateway.url, "/api/v1/tickets", STREAMED, multipart())
    assert answer.status == 401
    assert answer.sent < STREAMED
