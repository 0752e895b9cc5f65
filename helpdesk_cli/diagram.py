"""`helpdesk diagram`: the README's architecture diagram, a Mermaid flowchart drawn from the
code (helpdesk_cli/architecture.py), which GitHub shows as a picture."""

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from helpdesk_cli.architecture import CLI, GATEWAY, Architecture, Queue, read_architecture
from helpdesk_cli.runtime import REPO_ROOT, fail

README = REPO_ROOT / "README.md"
BEGIN = "<!-- architecture diagram: written by `helpdesk diagram` from the code; do not edit -->"
END = "<!-- end of architecture diagram -->"
BLOCK = re.compile(f"{re.escape(BEGIN)}.*?{re.escape(END)}", re.DOTALL)
REGENERATE = "run `helpdesk diagram` to draw it again"
# The longest line of commands in an edge's label: Mermaid wraps longer ones where it likes.
LINE_WIDTH = 26


def mermaid(architecture: Architecture) -> str:
    """The flowchart: clients, processes, exchanges and queues, collections, and who sends
    what to whom."""
    lines = ["flowchart TB", *_nodes(architecture), *_edges(architecture)]
    return "\n".join(lines) + "\n"


def _nodes(architecture: Architecture) -> Iterator[str]:
    yield _node("clients", "([", ["web and mobile clients", "Help menu, ops console"], "])")
    for process in architecture.processes:
        if process == GATEWAY:
            about = ["FastAPI: HTTP, WebSocket"]
        else:
            about = [f"FastStream, answers {architecture.common_query}"]
        if process in architecture.in_memory:
            about.append("in memory, nothing stored")
        yield _node(_id(process), "[", [process, *about], "]")
    yield _node(_id(CLI), "([", [CLI, "operators"], "])")
    yield '    subgraph rabbitmq ["RabbitMQ"]'
    for exchange in architecture.exchanges:
        traits = ", ".join(exchange.traits)
        yield _node(_exchange_id(exchange.name), "{{", [exchange.name, traits], "}}", 2)
    for queue in dict.fromkeys(subscription.queue for subscription in architecture.subscriptions):
        yield _node(_queue_id(queue), "[[", [queue.name, ", ".join(queue.traits)], "]]", 2)
    yield "    end"
    yield '    subgraph mongodb ["MongoDB"]'
    for collections in architecture.collections:
        yield _node(_collections_id(collections.names), "[(", collections.names, ")]", 2)
    yield "    end"


def _edges(architecture: Architecture) -> Iterator[str]:
    yield f'    clients -->|"HTTP, WebSocket"| {_id(GATEWAY)}'
    for requests in architecture.requests:
        label = [*requests.queues, *_rows(requests.commands)]
        yield _edge(requests.caller, label, requests.service, dotted=requests.caller == CLI)
    published: dict[str, set[str]] = {}
    for publishing in architecture.publishing:
        published.setdefault(publishing.exchange, set()).update(publishing.keys)
        yield _edge(publishing.publisher, publishing.keys, _exchange_id(publishing.exchange))
    consumed: set[Queue] = set()
    for subscription in architecture.subscriptions:
        queue = _queue_id(subscription.queue)
        keys = subscription.keys
        # A queue bound to every key published on its exchange says so in a few words.
        every = len(keys) > 1 and set(keys) == published.get(subscription.exchange)
        bound = (f"all {len(keys)} keys",) if every else keys
        yield _edge(_exchange_id(subscription.exchange), bound, queue)
        if subscription.consumer == CLI:
            # An operator's command reads the queue now and then; drawn from the command, so
            # the layout keeps the operator beside the clients rather than at the bottom.
            yield _edge(CLI, ["reads"], queue, dotted=True)
        elif subscription.consumer is not None and subscription.queue not in consumed:
            consumed.add(subscription.queue)
            yield _edge(queue, [], subscription.consumer)
        if subscription.dead_letter_exchange is not None:
            label = [f"dead after {subscription.delivery_limit} deliveries"]
            yield _edge(queue, label, _exchange_id(subscription.dead_letter_exchange), dotted=True)
    for collections in architecture.collections:
        for owner in collections.owners:
            yield f"    {_id(owner)} --- {_collections_id(collections.names)}"


def _rows(words: Iterable[str]) -> list[str]:
    """Words joined by a dot, as many to a line as fit in LINE_WIDTH."""
    rows: list[str] = []
    for word in words:
        if rows and len(rows[-1]) + len(word) + 3 <= LINE_WIDTH:
            rows[-1] += f" · {word}"
        else:
            rows.append(word)
    return rows


def _node(node: str, opening: str, lines: Iterable[str], closing: str, depth: int = 1) -> str:
    """A node of a Mermaid shape (`[...]` a box, `[(...)]` a cylinder...), one label line each."""
    return f'{"    " * depth}{node}{opening}"{_lines(lines)}"{closing}'


def _edge(source: str, label: Iterable[str], target: str, dotted: bool = False) -> str:
    """An arrow; dotted for what happens now and then (an operator, a dead letter)."""
    arrow = "-.->" if dotted else "-->"
    text = _lines(label)
    if text:
        arrow += f'|"{text}"|'
    return f"    {_id(source)} {arrow} {_id(target)}"


def _lines(lines: Iterable[str]) -> str:
    return "<br/>".join(lines)


def _id(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _exchange_id(name: str) -> str:
    return f"exchange_{_id(name)}"


def _queue_id(queue: Queue) -> str:
    return f"queue_{_id(queue.name)}"


def _collections_id(names: tuple[str, ...]) -> str:
    return f"collections_{_id(names[0])}"


def readme_block(diagram: str) -> str:
    """The diagram as the README holds it, between its markers."""
    return f"{BEGIN}\n```mermaid\n{diagram}```\n{END}"


def drawn_block(readme: str) -> str | None:
    """The README's diagram block, markers included; None without them."""
    found = BLOCK.search(readme)
    return None if found is None else found.group()


def with_diagram(readme: str, diagram: str) -> str | None:
    """The README with `diagram` in place of the one between its markers; None without them."""
    if drawn_block(readme) is None:
        return None
    return BLOCK.sub(lambda _: readme_block(diagram), readme, count=1)


def diagram_command(
    check: Annotated[
        bool,
        typer.Option("--check", help="Change nothing; exit 1 if the README's diagram is stale."),
    ] = False,
    readme: Annotated[
        Path, typer.Option("--readme", help="The README whose diagram to draw.")
    ] = README,
) -> None:
    """Draw the README's architecture diagram from the code: services, queues, events, data."""
    text = readme.read_text()
    updated = with_diagram(text, mermaid(read_architecture()))
    if updated is None:
        fail(f"{readme} has no diagram markers ({BEGIN} ... {END})", 2)
    if updated == text:
        return
    if check:
        fail(f"{readme}'s architecture diagram is not what the code wires now: {REGENERATE}")
    readme.write_text(updated)
    typer.echo(f"{readme}: architecture diagram drawn again")
