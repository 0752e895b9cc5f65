"""Each service's AsyncAPI document (`/asyncapi.json`) lists every message it sends and every
queue it consumes, each with its payload: what the topology and the routes declare."""

from typing import Any, get_args
from urllib.parse import unquote

import httpx
import pytest

from shared.events import Event, event_type
from shared.routes import SERVICE_ROUTES
from shared.topology import (
    CHAT_EXCHANGE,
    CHAT_PUSH_KEYS,
    EVENTS_EXCHANGE,
    LIVE_EXCHANGE,
    PUBLISHED_EVENTS,
    ServiceName,
    chat_instance_queue,
    consumed_queues,
)
from tests.support.system import HelpDesk

SERVICES: tuple[ServiceName, ...] = get_args(ServiceName)
Document = dict[str, Any]


@pytest.fixture(scope="module")
def documents(system: HelpDesk) -> dict[str, Document]:
    """Each running service's AsyncAPI document, as operators read it."""
    return {
        service: httpx.get(f"{system.services[service].url}/asyncapi.json", timeout=10).json()
        for service in SERVICES
    }


def _resolve(document: Document, reference: Document) -> Document:
    """The part of the document a `{"$ref": "#/a/b"}` points to (parts are URL-quoted)."""
    part = document
    for name in reference["$ref"].removeprefix("#/").split("/"):
        part = part[unquote(name)]
    return part


def _operations(document: Document, action: str) -> list[tuple[Document, str]]:
    """The broker operations of one action: each one's channel and its payload's schema."""
    found = []
    for operation in document["operations"].values():
        channel = _resolve(document, operation["channel"])
        if operation["action"] != action or "amqp" not in channel.get("bindings", {}):
            continue  # HTTP endpoints (/healthz, ...) are listed as channels too.
        (message,) = channel["messages"].values()
        schema = _resolve(document, message)["payload"]["$ref"].rsplit("/", 1)[1]
        found.append((channel, schema))
    return found


def _sends(document: Document) -> dict[tuple[str, str], str]:
    """(exchange, routing key) → the payload's schema name, of every send operation."""
    return {
        (channel["bindings"]["amqp"]["exchange"]["name"], channel["address"]): payload
        for channel, payload in _operations(document, "send")
    }


def _receives(document: Document) -> dict[str, str]:
    """Queue → the payload's schema name, of every receive operation."""
    return {
        channel["bindings"]["amqp"]["queue"]["name"]: payload
        for channel, payload in _operations(document, "receive")
    }


@pytest.mark.parametrize("service", SERVICES)
def test_every_event_and_push_a_service_sends_is_listed_with_its_payload(
    documents: dict[str, Document], service: ServiceName
) -> None:
    sends = _sends(documents[service])
    events = {
        (exchange.name, event_type(kind)): kind.__name__
        for kind in PUBLISHED_EVENTS[service]
        for exchange in (EVENTS_EXCHANGE, LIVE_EXCHANGE)
    }
    pushes = {(CHAT_EXCHANGE.name, key) for key in CHAT_PUSH_KEYS} if service == "chat" else set()
    assert set(sends) == set(events) | pushes
    assert {route: sends[route] for route in events} == events


@pytest.mark.parametrize("service", SERVICES)
def test_every_queue_a_service_consumes_is_listed_with_its_request_or_event(
    documents: dict[str, Document], service: ServiceName
) -> None:
    routes = SERVICE_ROUTES[service].all
    requests = {route.queue.name: route.request.__name__ for route in routes}
    events = {queue.name: kind.__name__ for queue, kind in consumed_queues(service)}
    receives = _receives(documents[service])
    if service == "chat":
        # Each chat instance answers on its own queues too, and hears the others' queues.
        (instance,) = {name.rsplit(".", 1)[1] for name in receives if name.startswith("chat.")}
        own = [route for route in routes if route != SERVICE_ROUTES[service].status]
        requests |= {route.at(instance).queue.name: route.request.__name__ for route in own}
        requests[chat_instance_queue(instance).name] = "QueueSnapshot"
    assert receives == requests | events


def _event_classes(kind: type[Event[Any]]) -> set[type[Event[Any]]]:
    """Every event with a type of its own among `kind`'s subclasses (generic bases have none)."""
    found = set()
    for subclass in kind.__subclasses__():
        if isinstance(subclass.model_fields["type"].default, str):
            found.add(subclass)
        found |= _event_classes(subclass)
    return found


def test_every_event_type_has_a_service_that_publishes_it() -> None:
    published = [kind for kinds in PUBLISHED_EVENTS.values() for kind in kinds]
    assert sorted(map(event_type, published)) == sorted(map(event_type, _event_classes(Event)))
