"""A chat line cut off with a broker node: the gateway sends it again, with its id.

The failover itself runs in tests/test_scale_out.py (a node killed under load); here the
gateway's side of it alone, with an RPC client whose requests fail as a lost node makes
them fail.
"""

from typing import Any

import pytest

from services.gateway.realtime import chat
from services.gateway.realtime.chat import ChatSockets
from shared.chat import Endpoint, PostMessage
from shared.errors import Unavailable
from shared.settings import Settings

USER = Endpoint(gateway_id="g1", socket_id="user")


class CutOff:
    """Fails the first `cut` requests as a broker node lost mid-request does."""

    def __init__(self, cut: int) -> None:
        self.cut = cut
        self.requests: list[Any] = []

    async def call(self, route: Any, request: Any) -> None:
        self.requests.append(request)
        if len(self.requests) <= self.cut:
            raise Unavailable("the message broker is not reachable; try again shortly")


def hub(rpc: CutOff) -> ChatSockets:
    return ChatSockets(Settings(), rpc, None, None, "g1")  # type: ignore[arg-type]


async def test_a_line_cut_off_with_a_broker_node_is_sent_again_with_its_id() -> None:
    rpc = CutOff(cut=2)
    line = PostMessage(sender=USER, text="Czy ktoś tam jest?")
    await hub(rpc).post_line(line, None)
    assert len(rpc.requests) == 3
    assert {request.line_id for request in rpc.requests} == {line.line_id}


async def test_a_line_the_broker_never_takes_is_reported_to_its_sender(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chat, "RECONNECT_GRACE_SECONDS", 0.3)
    rpc = CutOff(cut=1_000)
    with pytest.raises(Unavailable):
        await hub(rpc).post_line(PostMessage(sender=USER, text="Halo?"), None)
    assert 1 < len(rpc.requests) < 1_000


def test_each_line_typed_has_an_id_of_its_own() -> None:
    first, second = (PostMessage(sender=USER, text="Halo") for _ in range(2))
    assert first.line_id != second.line_id
