"""`helpdesk servers ...`, `helpdesk start`, `helpdesk stop`: thin wrappers of deploy/*.sh."""

import subprocess
from typing import Annotated

import typer

from helpdesk_cli.runtime import REPO_ROOT, fail

servers = typer.Typer(help="The local RabbitMQ and MongoDB-wire server (deploy/servers.sh).")


def run_script(script: str, *args: str) -> None:
    """Run a deploy script in the foreground; its output is the user's, its exit code ours."""
    path = REPO_ROOT / "deploy" / script
    if not path.is_file():
        fail(f"{path} is missing: the CLI drives the scripts of a help desk checkout")
    code = subprocess.run(["bash", str(path), *args], cwd=REPO_ROOT, check=False).returncode
    if code:
        raise typer.Exit(code)


@servers.command("start")
def servers_start() -> None:
    """Start RabbitMQ and the MongoDB-wire server (reusing any that already answer)."""
    run_script("servers.sh", "start")


@servers.command("stop")
def servers_stop() -> None:
    """Stop the servers that deploy/servers.sh started."""
    run_script("servers.sh", "stop")


@servers.command("status")
def servers_status() -> None:
    """Say whether RabbitMQ and the MongoDB-wire server answer."""
    run_script("servers.sh", "status")


def start_command() -> None:
    """Start servers, the four services and demo data (deploy/start.sh)."""
    run_script("start.sh")


def stop_command(
    all_: Annotated[bool, typer.Option("--all", help="Stop the servers too.")] = False,
) -> None:
    """Stop the services started by `helpdesk start` (deploy/stop.sh)."""
    run_script("stop.sh", *(["--all"] if all_ else []))
