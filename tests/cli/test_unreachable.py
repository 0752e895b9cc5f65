"""A server that does not answer is one line on stderr and a non-zero exit, no traceback."""

import io
import logging

import pytest

from tests.support.cli import Helpdesk
from tests.support.harness import free_port


@pytest.mark.parametrize(
    "command", [["dead-letters", "list"], ["dead-letters", "replay", "--all"], ["status"]]
)
async def test_unreachable_broker_is_one_line(helpdesk: Helpdesk, command: list[str]) -> None:
    closed = f"amqp://guest:guest@127.0.0.1:{free_port()}/"

    result = await helpdesk(*command, HELPDESK_RABBITMQ_URL=closed)

    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: RabbitMQ does not answer at 127.0.0.1:")


@pytest.mark.parametrize(
    "command", [["purge-orphans"], ["seed", "tickets", "10", "--account", "a"], ["status"]]
)
async def test_unreachable_database_is_one_line(helpdesk: Helpdesk, command: list[str]) -> None:
    result = await helpdesk(*command, HELPDESK_MONGO_URL=f"mongodb://127.0.0.1:{free_port()}/")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: the database does not answer")


async def test_logging_left_behind_by_the_host_process_adds_nothing(
    helpdesk: Helpdesk,
) -> None:
    # What an in-process gateway left after a test that captured its output: the root
    # logger writing to a stream that has since been closed (Python then prints
    # "--- Logging error ---" and a traceback to stderr for each record).
    gone = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers[:] = [logging.StreamHandler(gone)]
    gone.close()
    try:
        result = await helpdesk(
            "status", HELPDESK_RABBITMQ_URL=f"amqp://guest:guest@127.0.0.1:{free_port()}/"
        )
    finally:
        root.handlers[:] = saved
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: RabbitMQ does not answer at 127.0.0.1:")
