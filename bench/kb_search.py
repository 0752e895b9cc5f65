"""Knowledge-base search benchmark: index build time and query latency (p50/p99).

Runs over the shipped articles and over 10,000 generated ones (built from the shipped
articles' own words, half Polish, half English, written to a temporary content folder so the
build includes reading and parsing the files, as at a gateway start). Bounded to well under a
minute on a 2-core machine. Run: `.venv/bin/python bench/kb_search.py`.
"""

import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import jwt

from services.gateway.app import create_app
from services.gateway.kb.content import load_library
from services.gateway.kb.service import KnowledgeBase
from services.gateway.kb.text import LANGS, words
from shared.settings import Settings

# Whole queries as users type them, and every keystroke of two ticket subjects (deflection).
QUERIES = [
    "zgloszenie zalacznik",
    "jak anulować rezerwację",
    "faktura korygujaca",
    "nie pamietam hasla",
    "raportów obłożenia",
    "overbooking booking.com",
    "corrective invoice",
    "reset password",
    "channel manager",
    "przypomnij pozniej",
]
SUBJECTS = ["Nie mogę wystawić faktury dla firmy", "Brak synchronizacji z Booking.com"]
KEYSTROKES = [subject[:n] for subject in SUBJECTS for n in range(3, len(subject) + 1)]
GENERATED = 10_000
SECRET = "benchmark-secret-of-at-least-32-bytes"


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return statistics.median(samples_ms), cuts[98]


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        action()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def query_latency(kb: KnowledgeBase, rounds: int) -> tuple[list[float], list[float]]:
    full = [t for _ in range(rounds) for q in QUERIES for t in timed(lambda q=q: kb.search(q), 1)]
    typing = [
        t
        for _ in range(rounds)
        for q in KEYSTROKES
        for t in timed(lambda q=q: kb.search(q, "pl", 3), 1)
    ]
    return full, typing


def generate_content(kb_dir: Path, count: int) -> None:
    """`count` articles whose words are drawn from the shipped articles of the same language."""
    library = load_library(Settings().kb_dir)
    rng = random.Random(20261126)
    vocabulary = {
        lang: [
            word.text
            for article in library.articles.values()
            if article.lang == lang
            for word in words(article.body_markdown)
        ]
        for lang in LANGS
    }
    lines = ["chapters:"]
    for chapter in range(count // 100):
        lines += [f"  - id: chapter-{chapter}", "    title: {pl: Rozdział, en: Chapter}"]
        lines.append("    articles:")
        for n in range(100):
            lang = LANGS[n % 2]
            slug = f"generated-{chapter}-{n}"
            lines.append(f"      - {{{lang}: {slug}}}")
            vocab = vocabulary[lang]
            # JSON strings are valid YAML and keep numbers among the words as strings.
            title = json.dumps(" ".join(rng.choices(vocab, k=6)), ensure_ascii=False)
            tags = json.dumps(rng.choices(vocab, k=3), ensure_ascii=False)
            paragraphs = [" ".join(rng.choices(vocab, k=rng.randint(30, 60))) for _ in range(4)]
            (kb_dir / lang).mkdir(exist_ok=True)
            (kb_dir / lang / f"{slug}.md").write_text(
                f"---\ntitle: {title}\nchapter: chapter-{chapter}\nlanguage: {lang}\n"
                f"tags: {tags}\n---\n" + "\n\n".join(paragraphs) + "\n",
                encoding="utf-8",
            )
    (kb_dir / "chapters.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def endpoint_latency(rounds: int) -> list[float]:
    """The whole request in-process: routing, token check, search, JSON (no network)."""
    app = create_app(Settings(jwt_secret=SECRET, log_level="WARNING"))
    now = int(time.time())
    claims = {"sub": "bench", "name": "Bench", "account_id": "bench", "role": "user"}
    claims |= {"iat": now, "exp": now + 3600}
    headers = {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}
    samples = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        for _ in range(rounds):
            for q in KEYSTROKES:
                start = time.perf_counter_ns()
                response = await client.get(
                    "/api/v1/kb/search", params={"q": q, "lang": "pl", "limit": 3}, headers=headers
                )
                samples.append((time.perf_counter_ns() - start) / 1e6)
                response.raise_for_status()
    return samples


def row(label: str, samples: list[float]) -> str:
    p50, p99 = percentiles(samples)
    return f"| {label} | {len(samples)} | {p50:.3f} | {p99:.3f} |"


def main() -> None:
    kb_dir = Settings().kb_dir
    builds = timed(lambda: KnowledgeBase.load(kb_dir), 10)
    shipped = KnowledgeBase.load(kb_dir)
    full, typing = query_latency(shipped, rounds=40)
    http = asyncio.run(endpoint_latency(rounds=10))

    with tempfile.TemporaryDirectory() as tmp:
        generate_content(Path(tmp), GENERATED)
        big_builds = timed(lambda: KnowledgeBase.load(Path(tmp)), 3)
        big = KnowledgeBase.load(Path(tmp))
    big_full, big_typing = query_latency(big, rounds=10)

    print("| index build | articles | median ms | runs |\n| --- | --- | --- | --- |")
    print(f"| shipped content | {len(shipped)} | {statistics.median(builds):.1f} | {len(builds)} |")
    print(f"| generated | {len(big)} | {statistics.median(big_builds):.0f} | {len(big_builds)} |")
    print()
    print("| search | queries | p50 ms | p99 ms |\n| --- | --- | --- | --- |")
    print(row(f"shipped ({len(shipped)}), whole queries, limit 10", full))
    print(row(f"shipped ({len(shipped)}), each keystroke, limit 3", typing))
    print(row(f"shipped ({len(shipped)}), each keystroke, HTTP in-process", http))
    print(row(f"generated ({len(big)}), whole queries, limit 10", big_full))
    print(row(f"generated ({len(big)}), each keystroke, limit 3", big_typing))


if __name__ == "__main__":
    main()
