"""RabbitMQ stops and comes back: the gateway says unready, then everything reconnects."""

import time

import httpx
import pytest

from tests.support.system import bearer, make_token, rabbitmqctl
from tests.support.waiting import eventually, recovered


@pytest.mark.disruptive
async def test_readyz_goes_unready_without_broker_and_recovers(
    gateway: httpx.AsyncClient,
) -> None:
    agent = bearer(make_token("agent"))

    async def unready() -> bool:
        response = await gateway.get("/readyz")
        return response.status_code == 503 and response.json()["checks"]["broker"] is False

    async def ready() -> bool:
        return (await gateway.get("/readyz")).status_code == 200

    async def services_answer() -> bool:
        response = await gateway.get("/api/v1/agent/system", headers=agent)
        return response.status_code == 200 and all(
            report["reachable"] for report in response.json()["services"]
        )

    assert await ready()
    rabbitmqctl("stop_app")
    try:
        await eventually(unready, within=15)
        started = time.monotonic()
        during = await gateway.get("/api/v1/agent/system", headers=agent)
        assert time.monotonic() - started < 6
        assert not any(report["reachable"] for report in during.json()["services"])
    finally:
        rabbitmqctl("start_app")
    await recovered("broker back: gateway ready", ready, within=60)
    # Each service's consumers come back by themselves: the round trip works again.
    await recovered("broker back: every service answers through the gateway", services_answer, 60)
