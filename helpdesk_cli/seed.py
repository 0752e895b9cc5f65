"""`helpdesk seed`: the demo data through a gateway, or many tickets at once for benchmarks."""

import importlib.util
from types import ModuleType
from typing import Annotated

import httpx
import typer

from helpdesk_cli.runtime import REPO_ROOT, fail, load_settings, run
from helpdesk_cli.tickets import seed_tickets

app = typer.Typer(help="Load data: the demo set, or bulk tickets for benchmarks.")


def demo_seed() -> ModuleType:
    """deploy/seed_demo.py, the script deploy/start.sh runs (a file, not a package)."""
    path = REPO_ROOT / "deploy" / "seed_demo.py"
    spec = importlib.util.spec_from_file_location("seed_demo", path)
    if spec is None or spec.loader is None or not path.is_file():
        fail(f"{path} is missing: the CLI seeds from a help desk checkout")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@app.command("demo")
def demo_command(
    gateway: Annotated[
        str, typer.Option("--gateway", help="The gateway's URL (demo mode must be on).")
    ] = "http://127.0.0.1:8000",
) -> None:
    """Load the demo tickets and answers through the gateway's API; safe to repeat."""
    try:
        demo_seed().main(gateway)
    except httpx.HTTPError as error:
        fail(f"the gateway at {gateway} did not take the demo data: {error}")


@app.command("tickets")
def tickets_command(
    count: Annotated[int, typer.Argument(min=1, max=1_000_000, help="How many tickets.")],
    account: Annotated[str, typer.Option("--account", help="The hotel account id.")],
    days: Annotated[
        int,
        typer.Option(
            "--days", min=0, help="Spread updates over this many past days, in every status."
        ),
    ] = 0,
) -> None:
    """Insert COUNT tickets into one account, straight into the database, for benchmarks.

    Built by the tickets service's own code; no ticket.created events are sent.
    """
    with typer.progressbar(length=count, label="tickets", file=None) as bar:
        run(seed_tickets(load_settings(), count, account, bar.update, days))
    typer.echo(f"{count} tickets inserted into account {account}")
