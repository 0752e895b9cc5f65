"""The three-node cluster is opt-in: without HELPDESK_CLUSTER the local start uses the one
node exactly as before; with HELPDESK_CLUSTER=3 it connects through the cluster's HAProxy."""

import os
import subprocess

import pytest

from tests.support.harness import ROOT


def rabbitmq_url(**env: str) -> subprocess.CompletedProcess[str]:
    """What deploy/start.sh gives the services as HELPDESK_RABBITMQ_URL."""
    # Without the variables a CI run sets for its private node.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    return subprocess.run(
        ["bash", str(ROOT / "deploy" / "servers.sh"), "rabbitmq-url"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_by_default_the_services_use_the_one_node() -> None:
    assert rabbitmq_url().stdout == "amqp://guest:guest@127.0.0.1:5672/\n"


def test_with_helpdesk_cluster_3_they_connect_through_haproxy() -> None:
    assert rabbitmq_url(HELPDESK_CLUSTER="3").stdout == "amqp://guest:guest@127.0.0.1:5680/\n"
    moved = rabbitmq_url(HELPDESK_CLUSTER="3", HELPDESK_CLUSTER_PORT="5800")
    assert moved.stdout == "amqp://guest:guest@127.0.0.1:5800/\n"


def test_a_url_set_by_hand_wins() -> None:
    url = "amqp://helpdesk:secret@broker.example:5672/"
    assert rabbitmq_url(HELPDESK_CLUSTER="3", HELPDESK_RABBITMQ_URL=url).stdout == url + "\n"


@pytest.mark.parametrize("value", ["2", "yes", "5"])
def test_other_cluster_sizes_are_refused(value: str) -> None:
    result = rabbitmq_url(HELPDESK_CLUSTER=value)
    assert result.returncode == 1
    assert "HELPDESK_CLUSTER is 3" in result.stderr
