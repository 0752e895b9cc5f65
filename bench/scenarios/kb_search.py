"""7. Knowledge-base search, on the shipped articles and on 10,000 generated ones.

For each content set a gateway starts with it (its index is built at start) and a load
generator sends the Help menu's searches one at a time over loopback: whole queries, and
every keystroke of two ticket subjects as suggestions. The ranking alone is timed too, in
the generator's own process, so the report splits ranking from HTTP and token checks.
"""

import shutil

from bench.core import Bench, Case

TITLE = "7. Knowledge-base search"
GENERATED_ARTICLES = 10_000
ROUNDS = {"whole": 20, "keystrokes": 5}


async def measure(bench: Bench, content: str, kb_dir: str) -> None:
    gateway = bench.start("gateway", {"HELPDESK_KB_DIR": kb_dir})
    for kind, rounds in ROUNDS.items():
        for where, location in (("HTTP", gateway.url), ("ranking only", kb_dir)):
            command = "http" if where == "HTTP" else "ranking"
            with bench.case_rss() as memory:
                samples = await bench.generate(
                    "kb_search", [command, location, "--queries", kind, "--rounds", str(rounds)]
                )
            case = Case.from_samples(TITLE, f"{content}, {kind}, {where}", samples, memory.peaks)
            bench.record(case)
            if content == "generated" and where == "HTTP":
                bench.target(
                    f"search p99, {GENERATED_ARTICLES:,} articles, {kind}, HTTP",
                    case.summary()["p99_ms"],
                    5,
                    "ms",
                )
    gateway.stop()


async def run(bench: Bench) -> None:
    await measure(bench, "shipped", str(bench.settings.kb_dir))
    generated = bench.out_dir / "kb-generated"
    try:
        await bench.generate(
            "kb_search", ["generate", str(generated), "--articles", str(GENERATED_ARTICLES)]
        )
        await measure(bench, "generated", str(generated))
    finally:
        shutil.rmtree(generated, ignore_errors=True)
