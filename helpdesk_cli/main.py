"""The `helpdesk` command: every operator task, each a subcommand with its own --help."""

import logging
from typing import Annotated

import typer

from helpdesk_cli import dead_letters, diagram, processes, seed, status, tokens
from helpdesk_cli.runtime import load_settings, run
from helpdesk_cli.tickets import purge_orphans

app = typer.Typer(
    help="Operate the help desk: tokens, dead letters, status, data, local servers.",
    no_args_is_help=True,
    # Failures are reported as one line with an exit code, never as a traceback.
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def quiet_libraries() -> None:
    # aio-pika and pymongo log connection failures themselves; with only a silent handler
    # in place Python's last-resort handler stays silent too and the operator reads our
    # one line. Replaced, not added: the command owns its process's logging, and a host
    # that configured some (an embedding process, a test session) must not print through.
    logging.getLogger().handlers[:] = [logging.NullHandler()]


app.command("token")(tokens.token_command)
app.command("status")(status.status_command)
app.command("start")(processes.start_command)
app.command("stop")(processes.stop_command)
app.command("diagram")(diagram.diagram_command)
app.add_typer(dead_letters.app, name="dead-letters")
app.add_typer(seed.app, name="seed")
app.add_typer(processes.servers, name="servers")


@app.command("purge-orphans")
def purge_orphans_command(
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing.")] = False,
) -> None:
    """Remove uploads no ticket claimed within an hour (the tickets service's own purge)."""
    removed = run(purge_orphans(load_settings()))
    if not quiet:
        typer.echo(f"{removed} orphan attachment(s) removed")
