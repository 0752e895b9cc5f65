"""Load generator of the knowledge-base scenario.

    python -m bench.load.kb_search generate DIR [--articles 10000]
    python -m bench.load.kb_search http URL --queries whole|keystrokes [--rounds N]
    python -m bench.load.kb_search ranking DIR --queries whole|keystrokes [--rounds N]

`generate` writes a content folder of articles drawn from the shipped articles' own words
(half Polish, half English). `http` times GET /api/v1/kb/search one request at a time, as
a user's typing sends them; `ranking` times `KnowledgeBase.search` alone, in this process,
after loading DIR (the load time is reported too), to split the ranking from HTTP.
"""

import argparse
import asyncio
import json
import random
import time
from pathlib import Path

import httpx

from bench.load.samples import Samples, bearer
from services.gateway.kb.content import load_library
from services.gateway.kb.service import KnowledgeBase
from shared.analysis import LANGS, Lang, words
from shared.settings import Settings

# Whole queries as users type them, and every keystroke of two ticket subjects (deflection).
WHOLE_QUERIES = [
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
ARTICLES_PER_CHAPTER = 100


def queries(kind: str) -> list[tuple[str, Lang | None, int]]:
    """(query, language, limit) as the Help menu sends them: whole searches in any language
    with 10 results, suggestions while typing a ticket's subject with 3."""
    if kind == "whole":
        return [(query, None, 10) for query in WHOLE_QUERIES]
    return [(query, "pl", 3) for query in KEYSTROKES]


def generate(kb_dir: Path, count: int) -> None:
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
    for chapter in range(count // ARTICLES_PER_CHAPTER):
        lines += [f"  - id: chapter-{chapter}", "    title: {pl: Rozdział, en: Chapter}"]
        lines.append("    articles:")
        for n in range(ARTICLES_PER_CHAPTER):
            lang = LANGS[n % 2]
            slug = f"generated-{chapter}-{n}"
            lines.append(f"      - {{{lang}: {slug}}}")
            vocab = vocabulary[lang]
            # JSON strings are valid YAML and keep numbers among the words as strings.
            title = json.dumps(" ".join(rng.choices(vocab, k=6)), ensure_ascii=False)
            tags = json.dumps(rng.choices(vocab, k=3), ensure_ascii=False)
            paragraphs = [" ".join(rng.choices(vocab, k=rng.randint(30, 60))) for _ in range(4)]
            (kb_dir / lang).mkdir(parents=True, exist_ok=True)
            (kb_dir / lang / f"{slug}.md").write_text(
                f"---\ntitle: {title}\nchapter: chapter-{chapter}\nlanguage: {lang}\n"
                f"tags: {tags}\n---\n" + "\n\n".join(paragraphs) + "\n",
                encoding="utf-8",
            )
    (kb_dir / "chapters.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def over_http(url: str, kind: str, rounds: int) -> Samples:
    headers = {"Authorization": f"Bearer {bearer('user', 'bench-reader')}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as client:
        samples = Samples()
        for _ in range(rounds):
            for query, lang, limit in queries(kind):
                params: dict[str, str | int] = {"q": query, "limit": limit}
                if lang:
                    params["lang"] = lang
                began = time.perf_counter()
                response = await client.get("/api/v1/kb/search", params=params)
                if response.status_code == 200:
                    samples.add((time.perf_counter() - began) * 1000)
                else:
                    samples.error()
    return samples


def ranking(kb_dir: Path, kind: str, rounds: int) -> Samples:
    began = time.perf_counter()
    kb = KnowledgeBase.load(kb_dir)
    loaded_ms = (time.perf_counter() - began) * 1000
    samples = Samples(extra={"articles": float(len(kb)), "index build ms": loaded_ms})
    for _ in range(rounds):
        for query, lang, limit in queries(kind):
            began = time.perf_counter()
            kb.search(query, lang, limit)
            samples.add((time.perf_counter() - began) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    generating = commands.add_parser("generate")
    generating.add_argument("dir", type=Path)
    generating.add_argument("--articles", type=int, default=10_000)
    for name in ("http", "ranking"):
        command = commands.add_parser(name)
        command.add_argument("url" if name == "http" else "dir")
        command.add_argument("--queries", choices=["whole", "keystrokes"], default="keystrokes")
        command.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.dir, args.articles)
        Samples(extra={"articles": float(args.articles)}).dump()
    elif args.command == "http":
        asyncio.run(over_http(args.url, args.queries, args.rounds)).dump()
    else:
        ranking(Path(args.dir), args.queries, args.rounds).dump()


if __name__ == "__main__":
    main()
