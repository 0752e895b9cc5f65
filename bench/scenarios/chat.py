"""5. Live chat: 500 concurrent chats through one gateway and the chat service.

Two load-generator processes share the chats and the agents (a client's own event loop
answering for 250 chats would otherwise show in the tail). Two paces: a round (user line,
agent's answer) every 2 s per chat, 500 lines/s in all, a stress far above people typing;
and every 6 s per chat (a line every 6 s from each side of every chat, still faster than
a conversation). The chat service's memory per open chat is its RSS growth from idle to
the peak with every chat open.
"""

import asyncio

from bench.core import Bench, Case, merge_samples, rss_mib
from bench.load.chat import TO_AGENT, TO_USER

TITLE = "5. Live chat"
CHATS = 500
AGENTS = 10
GENERATORS = 2
ROUNDS = 10
PACES_SECONDS = (2.0, 6.0)


async def run(bench: Bench) -> None:
    # Each chat sends a line every 2 s or more per side, within the default message rate;
    # only the waiting queue must hold all 500 at once, all of them from the run's one account.
    limits = {"HELPDESK_CHAT_QUEUE_LIMIT": str(CHATS), "HELPDESK_CHAT_ACCOUNT_QUEUE_PERCENT": "100"}
    chat = bench.start("chat", limits)
    gateway = bench.start("gateway", limits)
    assert chat.process is not None
    idle_mib = rss_mib(chat.process.pid) or 0.0
    for pace in PACES_SECONDS:
        await converse(bench, gateway.url, pace, idle_mib)


async def converse(bench: Bench, url: str, pace: float, idle_mib: float) -> None:
    args = [
        url,
        f"--chats={CHATS // GENERATORS}",
        f"--agents={AGENTS // GENERATORS}",
        f"--rounds={ROUNDS}",
        f"--pace={pace}",
    ]
    with bench.case_rss() as memory:
        results = await asyncio.gather(
            *(bench.generate("chat", args, name=f"load-{n}") for n in range(GENERATORS))
        )
    per_chat_kib = (memory.peaks.get("chat", idle_mib) - idle_mib) * 1024 / CHATS
    lines_per_s = 2 * CHATS / pace
    for direction in (TO_AGENT, TO_USER):
        merged = merge_samples([result[direction] for result in results])
        name = f"{CHATS} chats, a round every {pace:g} s ({lines_per_s:.0f} lines/s), {direction}"
        case = Case.from_samples(
            TITLE, name, merged, memory.peaks, {"chat service KiB per open chat": per_chat_kib}
        )
        bench.record(case)
        bench.target(f"chat p99, {name}", case.summary()["p99_ms"], 20, "ms")
