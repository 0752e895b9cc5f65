"""What the code wires together, read from the code: who asks which service what, which
events and pushes go through which exchange and queue to whom, who keeps which collections.

The services' side comes from their declarations (shared/routes.py, shared/topology.py),
which tests/test_asyncapi.py holds equal to what each service's AsyncAPI document lists.
The gateway's side comes from the gateway itself, built but never started: the routes its
modules use and its push queue's bindings. The operators' command line is read like the
gateway's modules. Nothing here is a list of names that could drift from the code.
"""

import contextlib
import importlib
import importlib.util
import io
import logging
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol, get_args

from fastapi import FastAPI
from faststream.rabbit import RabbitExchange, RabbitQueue
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection, AsyncIOMotorDatabase

import helpdesk_cli
import services.gateway
from services.gateway.app import create_app
from shared.events import event_type
from shared.routes import SERVICE_ROUTES
from shared.rpc import RpcRoute
from shared.settings import Settings
from shared.topology import (
    CHAT_EXCHANGE,
    CHAT_PUSH_KEYS,
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTER_QUEUE,
    EVENTS_EXCHANGE,
    LIVE_EXCHANGE,
    PUBLISHED_EVENTS,
    ServiceName,
    chat_instance_queue,
    consumed_queues,
    rpc_queue,
)

GATEWAY = "gateway"
CLI = "helpdesk CLI"
SERVICES: tuple[ServiceName, ...] = get_args(ServiceName)
# How the routing key and queue name of one gateway instance are written (as in topology's
# CHAT_GATEWAY_KEY): each instance picks its id when it starts.
INSTANCE = "{gateway_id}"
# The same for a chat service instance, and any command of a service.
CHAT_INSTANCE = "{instance}"
COMMAND = "{command}"


class PushQueue(Protocol):
    """The gateway's push consumer, as far as its wiring goes."""

    instance_id: str

    @property
    def queue_name(self) -> str: ...

    @property
    def bindings(self) -> tuple[tuple[RabbitExchange, str], ...]: ...


@dataclass(frozen=True)
class Exchange:
    name: str
    traits: tuple[str, ...]


@dataclass(frozen=True)
class Queue:
    name: str
    traits: tuple[str, ...]


@dataclass(frozen=True)
class Requests:
    """The commands one caller sends one service, on the `queues` named by each command."""

    caller: str
    service: ServiceName
    commands: tuple[str, ...]
    queues: tuple[str, ...]


@dataclass(frozen=True)
class Publishing:
    """What one process publishes on one exchange, by routing key."""

    publisher: str
    exchange: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Subscription:
    """A queue bound to an exchange by `keys`, read by `consumer` (None: kept for a person)."""

    queue: Queue
    exchange: str
    keys: tuple[str, ...]
    consumer: str | None
    dead_letter_exchange: str | None
    delivery_limit: int | None


@dataclass(frozen=True)
class Collections:
    """MongoDB collections kept by the same owners."""

    owners: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class Architecture:
    processes: tuple[str, ...]
    # The processes (services and gateway) that use no database.
    in_memory: tuple[str, ...]
    # Every service also answers this query, asked by whoever checks on it.
    common_query: str
    exchanges: tuple[Exchange, ...]
    requests: tuple[Requests, ...]
    publishing: tuple[Publishing, ...]
    subscriptions: tuple[Subscription, ...]
    collections: tuple[Collections, ...]


def read_architecture() -> Architecture:
    """The help desk as its code wires it now."""
    gateway = _gateway()
    held = {GATEWAY: _held(services.gateway), CLI: _held(helpdesk_cli)}
    stores = {GATEWAY: _collections(gateway.state)}
    # The stores only name their collections when built: nothing connects to this client.
    database: AsyncIOMotorDatabase[Any] = AsyncIOMotorClient(connect=False)["helpdesk"]
    try:
        stores |= {service: _service_collections(service, database) for service in SERVICES}
    finally:
        database.client.close()
        for client in {id(c.database.client): c.database.client for c in stores[GATEWAY]}.values():
            client.close()
    processes = (GATEWAY, *SERVICES)
    return Architecture(
        processes=processes,
        in_memory=tuple(name for name in processes if not stores[name]),
        common_query=SERVICE_ROUTES[SERVICES[0]].status.command,
        exchanges=tuple(
            map(_exchange, (EVENTS_EXCHANGE, LIVE_EXCHANGE, CHAT_EXCHANGE, DEAD_LETTER_EXCHANGE))
        ),
        requests=tuple(_requests(held)),
        publishing=tuple(_publishing()),
        subscriptions=(
            *_event_subscriptions(),
            *_push_subscriptions(gateway.state.push),
            _chat_instance_subscription(),
            _dead_letter_subscription(held),
        ),
        collections=_grouped({name: [c.name for c in found] for name, found in stores.items()}),
    )


def _gateway() -> FastAPI:
    """The gateway app, built as it starts but not started: its wiring, nothing served."""
    # Building configures the process's logging to stdout, where the knowledge base's
    # index then reports its progress: neither belongs in the caller's output or logging.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return create_app(Settings(demo=True, log_level="ERROR", otlp_endpoint=None))
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    """The package's modules, imported; `__main__` would start the process, so not it."""
    yield package
    for found in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if not found.name.endswith(".__main__"):
            yield importlib.import_module(found.name)


def _held(package: ModuleType) -> list[object]:
    """Every object the package's modules hold at module level (the routes they call...).

    Not this module's: it holds the topology to describe it, not to use it.
    """
    modules = (module for module in _modules(package) if module.__name__ != __name__)
    return [value for module in modules for value in vars(module).values()]


def _requests(held: Mapping[str, list[object]]) -> Iterator[Requests]:
    for caller, objects in held.items():
        used = {value for value in objects if isinstance(value, RpcRoute)}
        for service in SERVICES:
            commands = tuple(
                route.command for route in SERVICE_ROUTES[service].all if route in used
            )
            if commands:
                queues = [rpc_queue(service, COMMAND).name]
                if service == "chat" and caller == GATEWAY:
                    # A chat's commands go to the instance holding it (shared/routes.py).
                    queues.append(rpc_queue(service, COMMAND, CHAT_INSTANCE).name)
                yield Requests(caller, service, commands, tuple(queues))


def _publishing() -> Iterator[Publishing]:
    for service in SERVICES:
        if PUBLISHED_EVENTS[service]:
            keys = tuple(map(event_type, PUBLISHED_EVENTS[service]))
            yield Publishing(service, EVENTS_EXCHANGE.name, keys)
            yield Publishing(service, LIVE_EXCHANGE.name, keys)
    yield Publishing("chat", CHAT_EXCHANGE.name, CHAT_PUSH_KEYS)


def _event_subscriptions() -> Iterator[Subscription]:
    for service in SERVICES:
        for queue, _ in consumed_queues(service):
            yield _subscription(queue, EVENTS_EXCHANGE, (queue.routing(),), service)


def _chat_instance_subscription() -> Subscription:
    """Each chat instance hears the others' waiting queues, for the limits they share."""
    queue = chat_instance_queue(CHAT_INSTANCE)
    traits = ("one per chat instance", "exclusive")
    return Subscription(
        Queue(queue.name, traits), CHAT_EXCHANGE.name, (queue.routing(),), "chat", None, None
    )


def _push_subscriptions(push: PushQueue) -> Iterator[Subscription]:
    """The gateway's push queue, one per instance, as its sockets bind it."""
    instance = push.instance_id
    queue = Queue(push.queue_name.replace(instance, INSTANCE), ("one per gateway", "exclusive"))
    keys: dict[str, list[str]] = {}
    for exchange, key in push.bindings:
        keys.setdefault(exchange.name, []).append(key.replace(instance, INSTANCE))
    for exchange_name, bound in keys.items():
        # Several sockets may bind one key (the chat queue view); the queue has it once.
        unique = tuple(dict.fromkeys(bound))
        yield Subscription(queue, exchange_name, unique, GATEWAY, None, None)


def _dead_letter_subscription(held: Mapping[str, list[object]]) -> Subscription:
    """Dead letters wait for an operator's command line, if one of its modules reads them."""
    readers = [
        name for name, objects in held.items() if any(o is DEAD_LETTER_QUEUE for o in objects)
    ]
    queue = DEAD_LETTER_QUEUE
    return _subscription(queue, DEAD_LETTER_EXCHANGE, (queue.routing(),), next(iter(readers), None))


def _subscription(
    queue: RabbitQueue, exchange: RabbitExchange, keys: tuple[str, ...], consumer: str | None
) -> Subscription:
    arguments = queue.arguments or {}
    traits = [arguments.get("x-queue-type", "classic")]
    traits += [
        name for name, on in (("durable", queue.durable), ("exclusive", queue.exclusive)) if on
    ]
    return Subscription(
        Queue(queue.name, tuple(traits)),
        exchange.name,
        keys,
        consumer,
        arguments.get("x-dead-letter-exchange"),
        arguments.get("x-delivery-limit"),
    )


def _exchange(exchange: RabbitExchange) -> Exchange:
    return Exchange(
        exchange.name, (exchange.type.value, "durable" if exchange.durable else "transient")
    )


def _service_collections(
    service: ServiceName, database: AsyncIOMotorDatabase[Any]
) -> list[AsyncIOMotorCollection[Any]]:
    """What the service's store module keeps (`services/<service>/store.py`, if it has one):
    the collections of each store class there, built on a database nothing connects to."""
    name = f"services.{service}.store"
    if importlib.util.find_spec(name) is None:
        return []
    module = importlib.import_module(name)
    stores = [
        kind
        for kind in vars(module).values()
        if isinstance(kind, type)
        and kind.__module__ == name
        and all(hasattr(kind, method) for method in ("ensure_indexes", "answers"))
    ]
    return [found for kind in stores for found in _collections(kind(database))]


def _collections(root: object, depth: int = 5) -> list[AsyncIOMotorCollection[Any]]:
    """The collections an object reaches through its attributes (a store's own, the stores
    it holds, a counter's), in the order they were assigned."""
    if isinstance(root, AsyncIOMotorCollection):
        return [root]
    if depth == 0:
        return []
    if isinstance(root, Mapping):
        values = list(root.values())
    elif hasattr(root, "__dict__"):
        values = list(vars(root).values())
    else:
        return []
    found: dict[str, AsyncIOMotorCollection[Any]] = {}
    for value in values:
        for collection in _collections(value, depth - 1):
            found.setdefault(collection.name, collection)
    return list(found.values())


def _grouped(kept: Mapping[str, list[str]]) -> tuple[Collections, ...]:
    """Collections grouped by who keeps them (the attachment bucket has two keepers)."""
    owners: dict[str, tuple[str, ...]] = {}
    for collection in dict.fromkeys(name for names in kept.values() for name in names):
        owners[collection] = tuple(owner for owner, names in kept.items() if collection in names)
    groups: dict[tuple[str, ...], list[str]] = {}
    for collection, keepers in owners.items():
        groups.setdefault(keepers, []).append(collection)
    return tuple(Collections(keepers, tuple(names)) for keepers, names in groups.items())
