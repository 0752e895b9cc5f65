"""The live sockets of the Help menu and the console come back by themselves after their
gateway restarts (lib/live.js), and the Help menu catches up on what it missed meanwhile."""

import uuid
from collections.abc import Iterator

import pytest

from tests.support.harness import ServiceProcess
from tests.support.system import HelpDesk
from tests.support.web import Browser, WebAccount, announce_to

# Several failed attempts back off to a few seconds each; a restart takes a few more.
RECONNECT_SECONDS = 45


@pytest.fixture
def own_gateway(system: HelpDesk) -> Iterator[ServiceProcess]:
    """A gateway of the test's own, to stop and start again on the same port."""
    gateway = system.spawn("gateway").start()
    yield gateway
    gateway.stop()


def restart_unreachable_errors(page: Browser) -> None:
    """While its gateway was away, the page's attempts failed in the console: those only.

    The page is left first: the test's own gateway stops before the `page` fixture looks at
    the console, and a page still open on it would log that stop's refusals there.
    """
    page.open_blank()
    errors = page.console_errors()
    unexpected = [error for error in errors if "ERR_CONNECTION_REFUSED" not in error]
    assert unexpected == [], unexpected


def test_a_popup_sent_while_the_gateway_was_down_arrives_once_it_is_back(
    page: Browser,
    web_account: WebAccount,
    agent_headers: dict[str, str],
    own_gateway: ServiceProcess,
) -> None:
    view = Browser(page.driver, own_gateway.url)
    view.sign_in(web_account.token)
    own_gateway.stop()
    # Sent through the session's gateway while this page's gateway is away: only a
    # reconnection (and the catch-up it does) can bring it to the page.
    title = f"Po przerwie {uuid.uuid4().hex[:6]}"
    announce_to(web_account, agent_headers, title)
    own_gateway.start()
    assert view.wait_text(".hd-popup h2", title, within=RECONNECT_SECONDS) == title
    restart_unreachable_errors(view)


def test_the_console_says_its_live_connection_is_lost_and_clears_it_when_back(
    page: Browser, own_gateway: ServiceProcess
) -> None:
    view = Browser(page.driver, own_gateway.url)
    view.open_page("/console?as=ewa-support")
    view.find(".agent-chats")
    own_gateway.stop()
    view.wait_text(".agent-chats [role=status]", "Brak połączenia na żywo|Live connection lost")
    own_gateway.start()
    view.wait(lambda _: not view.all(".agent-chats [role=status] .hd-warning"), RECONNECT_SECONDS)
    restart_unreachable_errors(view)
