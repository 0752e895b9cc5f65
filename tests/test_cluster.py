"""The opt-in three-node RabbitMQ cluster (deploy/cluster.sh): the help desk runs on it
through HAProxy, its durable queues have a member on every node, and tickets and pop-ups
keep flowing with a node killed.

The cluster is the test's own (tests/support/cluster.py), so the shared servers and other
runs of this test on the machine are never touched."""

import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from shared.settings import Settings
from shared.topology import CONSUMED_EVENTS, DEAD_LETTER_QUEUE, consumed_queues
from tests.support.cluster import Cluster, private_cluster
from tests.support.popups import answered_popup
from tests.support.system import Account, HelpDesk, running_help_desk
from tests.support.tickets import reply
from tests.support.waiting import RECOVERIES, eventually, recovered

# The deadlines inside bound each step; the timeout only ends a hang. The default 120 s
# would count the cluster's start (40-65 s on a busy machine) into the first test.
pytestmark = [pytest.mark.cluster, pytest.mark.timeout(600)]


def durable_queues() -> list[str]:
    consumed = [queue.name for service in CONSUMED_EVENTS for queue, _ in consumed_queues(service)]
    return [*consumed, DEAD_LETTER_QUEUE.name]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with private_cluster() as started:
        yield started


@pytest.fixture(scope="module")
def desk(
    cluster: Cluster, base_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HelpDesk]:
    log_dir = tmp_path_factory.mktemp("cluster-service-logs")
    with running_help_desk(base_settings, cluster.url, log_dir) as running:
        yield running


@pytest.fixture
async def gateway(desk: HelpDesk) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=desk.gateway_url, timeout=30) as client:
        yield client


def test_the_script_joins_three_running_nodes(cluster: Cluster) -> None:
    status = cluster.ctl(cluster.node(1), "cluster_status")
    assert sorted(status["running_nodes"]) == cluster.nodes
    assert sorted(status["disk_nodes"]) == cluster.nodes


def test_the_durable_queues_are_quorum_queues_on_every_node(
    cluster: Cluster, desk: HelpDesk
) -> None:
    queues = cluster.queues(cluster.node(1))
    for name in durable_queues():
        assert queues[name]["type"] == "quorum", name
        assert sorted(queues[name]["members"]) == cluster.nodes, name


def troubles(desk: HelpDesk) -> str:
    """The warnings and errors every service logged."""
    lines = []
    for name, service in desk.services.items():
        for line in service.log_path.read_text().splitlines():
            if '"level": "warning"' in line or '"level": "error"' in line:
                lines.append(f"{name}: {line[:400]}")
    return "\n".join(lines)


async def test_tickets_and_popups_flow_with_a_node_killed(
    cluster: Cluster,
    desk: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
) -> None:
    user = account.user()
    await answered_popup(gateway, user, agent)

    # The hardest node to lose: the leader of the queue pop-ups are made from.
    victim = cluster.queues(cluster.node(1))["notifications.reply.posted"]["leader"]
    survivor = next(node for node in cluster.nodes if node != victim)
    cluster.kill(victim)
    killed = time.monotonic()

    number = ""

    async def ticket_created() -> bool:
        nonlocal number
        response = await gateway.post(
            "/api/v1/tickets",
            data={"subject": "Klaster", "message": "Po awarii węzła."},
            headers=user,
        )
        number = response.json()["number"] if response.status_code == 201 else ""
        return bool(number)

    async def answered() -> bool:
        return (await reply(gateway, number, agent, "Działa", agent=True)).status_code == 201

    async def popup_made() -> bool:
        # 503 while the notifications service reconnects to a running node.
        response = await gateway.get(
            "/api/v1/popups", params={"ticket_number": number}, headers=user
        )
        return response.status_code == 200 and bool(response.json()["items"])

    try:
        await recovered(
            "cluster node killed: a ticket is created through HAProxy", ticket_created, 60
        )
        await recovered("cluster node killed: an agent's answer is accepted", answered, 60)
        await recovered("cluster node killed: the answer's pop-up is made", popup_made, 60)
    except pytest.fail.Exception as failure:
        # The services' logs go with the test run's temporary files: say here what they saw.
        pytest.fail(f"{failure}\n{troubles(desk)}")
    RECOVERIES.append(
        ("cluster node killed: from the kill to that pop-up", time.monotonic() - killed)
    )

    async def node_gone() -> bool:
        return cluster.running_nodes(survivor) == sorted(set(cluster.nodes) - {victim})

    await eventually(node_gone, within=30)
    # The queue lives on: a new leader among the two running members.
    queue = cluster.queues(survivor)["notifications.reply.posted"]
    assert queue["leader"] in set(cluster.nodes) - {victim}
    # And keeps working for the next ticket.
    await answered_popup(gateway, user, agent)
