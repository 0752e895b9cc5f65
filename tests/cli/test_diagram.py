"""`helpdesk diagram`: the README's architecture diagram is the one the code draws now, and
it leaves out no command, event or push of the code."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpdesk_cli.architecture import GATEWAY, Architecture, read_architecture
from helpdesk_cli.diagram import BEGIN, README, REGENERATE, drawn_block, mermaid, readme_block
from helpdesk_cli.main import app
from shared.events import event_type
from shared.routes import SERVICE_ROUTES
from shared.topology import (
    CHAT_EXCHANGE,
    CHAT_PUSH_KEYS,
    EVENTS_EXCHANGE,
    LIVE_EXCHANGE,
    PUBLISHED_EVENTS,
)


@pytest.fixture(scope="module")
def architecture() -> Architecture:
    return read_architecture()


def test_readme_shows_the_diagram_the_code_draws_now(architecture: Architecture) -> None:
    drawn = drawn_block(README.read_text())

    assert drawn is not None, f"README.md has no architecture diagram markers ({BEGIN})"
    assert drawn == readme_block(mermaid(architecture)), (
        f"README.md's architecture diagram is not what the code wires now: {REGENERATE}"
    )


def test_every_command_a_service_answers_is_drawn_with_who_asks_it(
    architecture: Architecture,
) -> None:
    asked = {(r.service, command) for r in architecture.requests for command in r.commands}
    answered = {
        (service, route.command)
        for service, routes in SERVICE_ROUTES.items()
        for route in routes.all
        if route is not routes.status  # asked of every service; the diagram says so once
    }

    assert asked == answered


def test_every_event_reaches_a_service_or_the_gateway_and_every_chat_push_the_gateway(
    architecture: Architecture,
) -> None:
    services = {
        (subscription.exchange, key)
        for subscription in architecture.subscriptions
        if subscription.consumer != GATEWAY
        for key in subscription.keys
    }
    gateway = {
        (subscription.exchange, key)
        for subscription in architecture.subscriptions
        if subscription.consumer == GATEWAY
        for key in subscription.keys
    }
    kinds = [kind for kinds in PUBLISHED_EVENTS.values() for kind in kinds]
    pushes = {(CHAT_EXCHANGE.name, key) for key in CHAT_PUSH_KEYS}

    for kind in kinds:
        key = event_type(kind)
        assert (EVENTS_EXCHANGE.name, key) in services or (LIVE_EXCHANGE.name, key) in gateway
    assert pushes <= gateway


def test_the_gateways_push_queues_are_bound_to_no_exchange_of_confirmed_events(
    architecture: Architecture,
) -> None:
    # A push queue is exclusive to one broker node; bound to the events exchange, its
    # lingering record after the node's death made the broker refuse every event routed to
    # it, and the outbox held them all (shared/topology.py: LIVE_EXCHANGE).
    gateway = {s.exchange for s in architecture.subscriptions if s.consumer == GATEWAY}

    assert LIVE_EXCHANGE.name in gateway
    assert EVENTS_EXCHANGE.name not in gateway


def _readme(tmp_path: Path, diagram: str) -> Path:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Help desk\n\n## Architecture\n\n{diagram}\n\nThe code:\n")
    return readme


def test_check_refuses_a_stale_diagram_and_changes_nothing(tmp_path: Path) -> None:
    readme = _readme(tmp_path, readme_block("flowchart TB\n    gateway --> tickets\n"))
    before = readme.read_text()

    result = CliRunner().invoke(app, ["diagram", "--check", "--readme", str(readme)])

    assert result.exit_code == 1
    assert REGENERATE in result.stderr
    assert readme.read_text() == before


def test_diagram_redraws_only_the_block_between_its_markers(
    tmp_path: Path, architecture: Architecture
) -> None:
    readme = _readme(tmp_path, readme_block("flowchart TB\n    gateway --> tickets\n"))

    drawn = CliRunner().invoke(app, ["diagram", "--readme", str(readme)])
    checked = CliRunner().invoke(app, ["diagram", "--check", "--readme", str(readme)])

    assert drawn.exit_code == 0, drawn.output
    assert readme.read_text() == (
        f"# Help desk\n\n## Architecture\n\n{readme_block(mermaid(architecture))}\n\nThe code:\n"
    )
    assert checked.exit_code == 0, checked.output


def test_a_readme_without_markers_is_refused(tmp_path: Path) -> None:
    readme = _readme(tmp_path, "no diagram here")

    result = CliRunner().invoke(app, ["diagram", "--readme", str(readme)])

    assert result.exit_code == 2
    assert "no diagram markers" in result.stderr
    assert "```mermaid" not in readme.read_text()
