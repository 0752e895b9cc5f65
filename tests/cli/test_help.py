"""Every `helpdesk` command explains itself with --help."""

import pytest

from tests.support.cli import Helpdesk

COMMANDS = [
    [],
    ["token"],
    ["status"],
    ["start"],
    ["stop"],
    ["diagram"],
    ["purge-orphans"],
    ["dead-letters", "list"],
    ["dead-letters", "replay"],
    ["seed", "demo"],
    ["seed", "tickets"],
    ["servers", "start"],
    ["servers", "stop"],
    ["servers", "status"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
async def test_help(helpdesk: Helpdesk, command: list[str]) -> None:
    result = await helpdesk(*command, "--help")

    assert result.exit_code == 0, result.output
    assert f"Usage: helpdesk {' '.join(command)}".replace("  ", " ") in result.stdout
