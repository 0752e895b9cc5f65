"""Collision warnings over the agents' stream sockets: who else has a ticket open, who writes.

Two gateway instances, as in production: what an agent's console says on one reaches the
consoles on the other through the broker, and nothing of it is stored.
"""

import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.support.harness import ServiceProcess
from tests.support.sockets import ChatPeer, Frame, OpenStream, stays_quiet
from tests.support.system import HelpDesk


@pytest.fixture(scope="module")
def second_gateway(system: HelpDesk) -> Iterator[ServiceProcess]:
    gateway = system.spawn("gateway").start()
    yield gateway
    gateway.stop()


def new_number() -> str:
    """A ticket number of this test only: presence compares numbers, it never looks them up."""
    return f"HD-{uuid.uuid4().hex[:10]}"


def viewers(number: str, *names: str) -> Callable[[Frame], bool]:
    return lambda frame: (
        frame["data"]["number"] == number
        and [agent["name"] for agent in frame["data"]["agents"]] == list(names)
    )


async def view(console: ChatPeer, number: str | None) -> None:
    await console.send(type="viewing", ticket=number)


async def test_two_agents_on_two_gateways_see_each_other_and_the_reply_being_written(
    open_stream: OpenStream, second_gateway: ServiceProcess
) -> None:
    number = new_number()
    anna = await open_stream(agent=True, user_id="anna-" + number, name="Anna")
    ewa = await open_stream(
        agent=True, user_id="ewa-" + number, name="Ewa", gateway_url=second_gateway.url
    )
    await view(anna, number)
    await anna.expect("ticket.viewers", where=viewers(number))
    await view(ewa, number)
    await anna.expect("ticket.viewers", where=viewers(number, "Ewa"))
    await ewa.expect("ticket.viewers", where=viewers(number, "Anna"))

    await ewa.send(type="typing", ticket=number)
    typing = await anna.expect("ticket.typing")
    assert typing["data"] == {"number": number, "agent": {"id": "ewa-" + number, "name": "Ewa"}}
    # The writer is not told of their own typing.
    await stays_quiet(ewa, "ticket.typing")

    # Closing the ticket, and then a dropped socket, each end the warning at once.
    await view(ewa, None)
    await anna.expect("ticket.viewers", where=viewers(number))
    await view(ewa, number)
    await anna.expect("ticket.viewers", where=viewers(number, "Ewa"))
    await ewa.close()
    await anna.expect("ticket.viewers", where=viewers(number))


async def test_typing_is_told_only_about_the_ticket_the_console_shows(
    open_stream: OpenStream,
) -> None:
    number, other = new_number(), new_number()
    anna = await open_stream(agent=True, name="Anna")
    ewa = await open_stream(agent=True, name="Ewa")
    await view(anna, number)
    await view(ewa, other)
    await ewa.send(type="typing", ticket=number)
    await stays_quiet(anna, "ticket.typing")


async def test_a_hotel_user_cannot_join_agent_presence(
    open_stream: OpenStream, second_gateway: ServiceProcess
) -> None:
    number = new_number()
    anna = await open_stream(agent=True, name="Anna")
    await view(anna, number)
    await anna.expect("ticket.viewers", where=viewers(number))
    # A user's stream takes no presence frames: nothing reaches the agents.
    user = await open_stream("hotel-" + number, "mallory", gateway_url=second_gateway.url)
    await view(user, number)
    await user.send(type="typing", ticket=number)
    await stays_quiet(anna, "ticket.viewers")
    await stays_quiet(anna, "ticket.typing")


async def test_a_console_that_floods_or_sends_nonsense_is_refused_with_a_code(
    open_stream: OpenStream,
) -> None:
    console = await open_stream(agent=True, name="Anna")
    await console.send(type="viewing", ticket="<script>")
    refused = await console.expect("error")
    assert refused["data"]["code"] == "presence_frame_invalid"
    # The burst is 20 frames: past it, the console is told to slow down.
    for _ in range(25):
        await view(console, new_number())
    limited = await console.expect(
        "error", where=lambda frame: frame["data"]["code"] == "presence_rate_limited"
    )
    assert "slow down" in limited["data"]["detail"]
