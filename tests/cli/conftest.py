"""Runs the `helpdesk` command in-process against this test session's servers."""

import asyncio

import pytest
from click.testing import Result
from typer.testing import CliRunner

from helpdesk_cli.main import app
from tests.support.cli import Helpdesk
from tests.support.system import HelpDesk


@pytest.fixture
def helpdesk(system: HelpDesk) -> Helpdesk:
    """`await helpdesk("status")`: the command with the session's HELPDESK_* environment.

    Commands run their own event loop (asyncio.run), so they run in a thread, off the
    test's loop.
    """

    async def invoke(*args: str, **env: str) -> Result:
        runner = CliRunner()
        return await asyncio.to_thread(
            runner.invoke, app, list(args), env={**system.env, **env}, prog_name="helpdesk"
        )

    return invoke
