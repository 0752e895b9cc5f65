"""docker-compose.yml starts only with credentials from the environment, none by default."""

import re
from pathlib import Path
from typing import Any

import yaml

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
SECRETS = ("RABBITMQ_USER", "RABBITMQ_PASSWORD", "MONGO_USER", "MONGO_PASSWORD", "HELPDESK_BUS_KEY")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_every_secret_is_required_and_has_no_default() -> None:
    text = COMPOSE.read_text()
    for name in SECRETS:
        uses = re.findall(r"\$\{" + name + r"(:?[-?=+]?)[^}]*\}", text)
        assert uses, f"{name} is not used"
        assert set(uses) == {":?"}, f"{name} must be `${{{name}:?...}}` everywhere"
    # The old working default of the broker's password.
    assert "PASSWORD:-" not in text


def test_the_database_requires_a_login_and_the_services_use_one() -> None:
    services = compose()["services"]
    environment = services["mongodb"]["environment"]
    assert {"MONGO_INITDB_ROOT_USERNAME", "MONGO_INITDB_ROOT_PASSWORD"} <= set(environment)
    url = compose()["x-helpdesk-env"]["HELPDESK_MONGO_URL"]
    assert url.startswith("mongodb://${MONGO_USER:?") and "@mongodb:27017/" in url


def test_the_broker_management_ui_is_not_published() -> None:
    assert "ports" not in compose()["services"]["rabbitmq"]


def test_mailpit_runs_only_in_the_dev_profile_and_its_ui_on_loopback() -> None:
    services = compose()["services"]
    mailpit = services["mailpit"]
    assert mailpit["profiles"] == ["dev"]
    assert all(port.startswith("127.0.0.1:") for port in mailpit["ports"])
    # Its SMTP port is reached inside the compose network only, as the default SMTP host.
    assert compose()["x-helpdesk-env"]["HELPDESK_SMTP_HOST"] == "${HELPDESK_SMTP_HOST:-mailpit}"


CLUSTER_NODES = ("rabbitmq-1", "rabbitmq-2", "rabbitmq-3")


def test_the_cluster_profile_has_three_broker_nodes_that_form_one_cluster() -> None:
    services = compose()["services"]
    conf = (COMPOSE.parent / "deploy" / "rabbitmq-cluster.conf").read_text()
    for name in CLUSTER_NODES:
        node = services[name]
        assert node["profiles"] == ["cluster"]
        # The node is rabbit@<hostname>: the names the cluster configuration lists.
        assert node["hostname"] == name
        assert f"= rabbit@{name}\n" in conf
        assert "ports" not in node
        assert (
            "./deploy/rabbitmq-cluster.conf:/etc/rabbitmq/conf.d/20-cluster.conf:ro"
            in (node["volumes"])
        )
        # Each keeps its own data.
        assert f"{name}-data:/var/lib/rabbitmq" in node["volumes"]
    assert "classic_config" in conf


def test_cluster_nodes_refuse_to_start_without_a_shared_erlang_cookie() -> None:
    node = compose()["services"]["rabbitmq-1"]
    assert node["environment"]["RABBITMQ_ERLANG_COOKIE"] == "${RABBITMQ_ERLANG_COOKIE:-}"
    guard = node["command"][-1]
    assert guard.startswith('[ -n "$$RABBITMQ_ERLANG_COOKIE" ]') and "exit 1" in guard
    assert guard.endswith("exec docker-entrypoint.sh rabbitmq-server")


def test_the_cluster_profile_balances_the_nodes_with_the_local_haproxy_config() -> None:
    lb = compose()["services"]["rabbitmq-lb"]
    assert lb["profiles"] == ["cluster"]
    assert lb["volumes"] == ["./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"]
    assert "ports" not in lb
    config = (COMPOSE.parent / "deploy" / "haproxy.cfg").read_text()
    for number, name in enumerate(CLUSTER_NODES, start=1):
        assert lb["environment"][f"RABBITMQ_NODE{number}"] == f"{name}:5672"
        assert f'"${{RABBITMQ_NODE{number}}}" check' in config
        assert lb["depends_on"][name] == {"condition": "service_healthy"}


def test_the_services_reach_the_broker_by_a_host_that_defaults_to_the_one_node() -> None:
    url = compose()["x-helpdesk-env"]["HELPDESK_RABBITMQ_URL"]
    assert url.endswith("@${HELPDESK_RABBITMQ_HOST:-rabbitmq}:5672/")
