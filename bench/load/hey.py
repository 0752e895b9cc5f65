"""Debian's `hey` as a load generator: one `hey -o csv` per user, merged into `Samples`.

`python -m bench.load.hey --url URL --body FILE --content-type CT --token T [--token T2 ...]
--concurrency C --duration S [--rate Q]`. The workers are split evenly between the users'
tokens (one hey process each, since hey sends one header set). Without --rate the load is
a closed loop (saturation); with it each worker sends at most Q requests/s (hey -q), the
fixed offered load C x Q per second. Non-2xx answers count as errors. Requests that got no
answer at all (connection errors, hey's timeout) are missing from hey's CSV: they show up
as a lower throughput, not as errors.
"""

import argparse
import asyncio
import csv
import io
from collections import Counter

from bench.load.samples import Samples

REQUEST_TIMEOUT_S = 20


def hey_argv(args: argparse.Namespace, token: str, workers: int) -> list[str]:
    argv = ["hey", "-z", f"{args.duration}s", "-c", str(workers), "-t", str(REQUEST_TIMEOUT_S)]
    if args.rate:
        argv += ["-q", str(args.rate)]
    return [
        *argv,
        "-o",
        "csv",
        "-m",
        "POST",
        "-D",
        args.body,
        "-T",
        args.content_type,
        "-H",
        f"Authorization: Bearer {token}",
        args.url,
    ]


async def run_hey(argv: list[str]) -> str:
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"hey failed ({process.returncode}): {stderr.decode()[-500:]}")
    return stdout.decode()


async def generate(args: argparse.Namespace) -> Samples:
    tokens: list[str] = args.token
    shares = [args.concurrency // len(tokens)] * len(tokens)
    for index in range(args.concurrency % len(tokens)):
        shares[index] += 1
    samples = Samples()
    users = [(token, share) for token, share in zip(tokens, shares, strict=True) if share]
    outputs = await asyncio.gather(*(run_hey(hey_argv(args, t, share)) for t, share in users))
    statuses: Counter[str] = Counter()
    last_finish = 0.0
    for output in outputs:
        for row in csv.DictReader(io.StringIO(output)):
            latency_s = float(row["response-time"])
            finished_at = float(row["offset"]) + latency_s
            last_finish = max(last_finish, finished_at)
            statuses[row["status-code"]] += 1
            if row["status-code"].startswith("2"):
                samples.add(latency_s * 1000, finished_at)
            else:
                samples.error()
    order = sorted(range(len(samples.finished_at_s)), key=samples.finished_at_s.__getitem__)
    samples.latencies_ms = [samples.latencies_ms[i] for i in order]
    samples.finished_at_s = [samples.finished_at_s[i] for i in order]
    samples.duration_s = max(float(args.duration), last_finish)
    samples.extra = {
        "concurrency": args.concurrency,
        "users": len(tokens),
        "statuses": " ".join(f"{code}:{count}" for code, count in sorted(statuses.items())),
    }
    if args.rate:
        samples.extra["offered_per_s"] = args.concurrency * args.rate
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", required=True, help="file holding the request body")
    parser.add_argument("--content-type", required=True)
    parser.add_argument("--token", action="append", required=True, help="one per user")
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--duration", type=int, required=True, help="seconds")
    parser.add_argument("--rate", type=float, help="requests/s per worker (open loop)")
    generate_args = parser.parse_args()
    asyncio.run(generate(generate_args)).dump()


if __name__ == "__main__":
    main()
