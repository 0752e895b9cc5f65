"""Request/reply through RabbitMQ: the gateway's RpcClient against FastStream's request().

DESIGN.md's pitfall: FastStream's `broker.request()` serializes concurrent calls. This
measures both clients on the same running service's `status` query, in alternating
rounds, one request at a time and with many in flight. Needs the local system running
(deploy/start.sh). Usage: bench/rpc_roundtrip.py [--requests N] [--in-flight K]
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

from faststream.rabbit import RabbitBroker

from shared.rpc import RpcReply, StatusQuery, status_route
from shared.rpc_client import RpcClient
from shared.settings import Settings
from shared.signing import BusSigner

Call = Callable[[], Awaitable[object]]


async def run(call: Call, requests: int, in_flight: int) -> tuple[float, list[float]]:
    """Throughput (requests/s) and each request's latency (ms)."""
    latencies: list[float] = []
    semaphore = asyncio.Semaphore(in_flight)

    async def one() -> None:
        async with semaphore:
            started = time.perf_counter()
            await call()
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    return requests / (time.perf_counter() - started), latencies


def p(values: list[float], quantile: float) -> float:
    return statistics.quantiles(values, n=100)[int(quantile) - 1]


async def main(requests: int, in_flight: int, rounds: int) -> None:
    settings = Settings()
    signer = BusSigner(settings.effective_bus_key)
    ours = RpcClient(settings.rabbitmq_url, 30, signer)
    await ours.connect()
    broker = RabbitBroker(settings.rabbitmq_url)
    await broker.start()
    route = status_route("chat")
    queue = route.queue.name

    async def with_ours() -> object:
        return await ours.call(route, StatusQuery())

    async def with_faststream() -> object:
        body = StatusQuery().model_dump_json().encode()
        reply = await broker.request(
            body,
            queue,
            headers={**signer.headers(queue, body)},
            content_type="application/json",
            timeout=30,
        )
        return RpcReply.model_validate_json(reply.body)

    results: dict[tuple[str, int], list[tuple[float, list[float]]]] = {}
    for _round in range(rounds):
        for name, call in (
            ("RpcClient (aio-pika)", with_ours),
            ("FastStream request", with_faststream),
        ):
            for concurrency in (1, in_flight):
                results.setdefault((name, concurrency), []).append(
                    await run(call, requests, concurrency)
                )
    print(f"{requests} requests x {rounds} alternating rounds, chat service status query")
    print("| client | in flight | req/s (median of rounds) | p50 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- |")
    for (name, concurrency), runs in results.items():
        throughput = statistics.median(r for r, _ in runs)
        latencies = [value for _, values in runs for value in values]
        print(
            f"| {name} | {concurrency} | {throughput:.0f} | {p(latencies, 50):.2f} | "
            f"{p(latencies, 99):.2f} |"
        )
    await ours.close()
    await broker.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.in_flight, args.rounds))
