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
