"""Writes a run's results: results.json, report.md and the PNG plots beside it."""

import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import matplotlib

# No display on a server: render straight to files.
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from bench.core import Bench, Case


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def write_json(bench: Bench, environment: dict[str, Any], failures: dict[str, str]) -> None:
    payload = {
        "environment": environment,
        "failures": failures,
        "targets": [{**asdict(target), "met": target.met} for target in bench.targets],
        "cases": [{**asdict(case), "summary": case.summary()} for case in bench.cases],
    }
    (bench.out_dir / "results.json").write_text(json.dumps(payload, indent=1))


def draw_latency(axes: Axes, cases: list[Case]) -> None:
    for case in cases:
        ordered = sorted(case.latencies_ms)
        share = [(index + 1) / len(ordered) for index in range(len(ordered))]
        axes.plot(ordered, share, label=case.name, linewidth=1)
    axes.set_xscale("log")
    axes.set_xlabel("latency, ms (log scale)")
    axes.set_ylabel("share of requests at or below")


def draw_throughput(axes: Axes, cases: list[Case]) -> None:
    for case in cases:
        per_second = Counter(int(moment) for moment in case.finished_at_s)
        seconds = list(range(math.ceil(case.duration_s) or 1))
        counts = [per_second.get(second, 0) for second in seconds]
        axes.step(seconds, counts, where="post", label=case.name, linewidth=1)
    axes.set_xlabel("seconds since the case began")
    axes.set_ylabel("completed per second")


PLOTS: dict[str, Callable[[Axes, list[Case]], None]] = {
    "latency distribution": draw_latency,
    "throughput over time": draw_throughput,
}


def plot_scenario(out_dir: Path, scenario: str, cases: list[Case]) -> list[str]:
    """The scenario's plots as PNG files; their names, for the report."""
    measured = [case for case in cases if case.latencies_ms]
    if not measured:
        return []
    files = []
    for title, draw in PLOTS.items():
        figure, axes = plt.subplots(figsize=(9, 5))
        draw(axes, measured)
        axes.set_title(f"{scenario}: {title}")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize="x-small", loc="best")
        name = f"{slug(scenario)}-{slug(title)}.png"
        figure.tight_layout()
        figure.savefig(out_dir / name, dpi=110)
        plt.close(figure)
        files.append(name)
    return files


def memory_cell(peaks: dict[str, float]) -> str:
    return ", ".join(f"{name} {peak:.0f}" for name, peak in peaks.items())


def extra_cell(extra: dict[str, float | str]) -> str:
    return ", ".join(
        f"{key} {number(value) if isinstance(value, float) else value}"
        for key, value in extra.items()
    )


def write_markdown(bench: Bench, environment: dict[str, Any], failures: dict[str, str]) -> None:
    lines = ["# Benchmark report", ""]
    lines += [f"- {key}: {value}" for key, value in environment.items()]
    lines += ["", "## Targets", "", "| target | measured | limit | met |"]
    lines.append("| --- | --- | --- | --- |")
    for target in bench.targets:
        bound = "≥" if target.higher_is_better else "≤"
        note = f" ({target.note})" if target.note else ""
        lines.append(
            f"| {target.name}{note} | {number(target.measured)} {target.unit} | "
            f"{bound} {target.limit:g} {target.unit} | {'yes' if target.met else '**no**'} |"
        )
    if failures:
        lines += ["", "## Scenarios that failed", ""]
        lines += [f"- {scenario}: `{error}`" for scenario, error in failures.items()]
    scenarios = list(dict.fromkeys(case.scenario for case in bench.cases))
    for scenario in scenarios:
        cases = [case for case in bench.cases if case.scenario == scenario]
        lines += [
            "",
            f"## {scenario}",
            "",
            "| case | samples | errors | p50 ms | p95 ms | p99 ms | max ms | per s "
            "| peak RSS MiB | other |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for case in cases:
            summary = case.summary()
            lines.append(
                f"| {case.name} | {summary['samples']:.0f} | {case.errors} | "
                f"{number(summary['p50_ms'])} | {number(summary['p95_ms'])} | "
                f"{number(summary['p99_ms'])} | {number(summary['max_ms'])} | "
                f"{number(summary['throughput_per_s'])} | {memory_cell(case.rss_peak_mib)} | "
                f"{extra_cell(case.extra)} |"
            )
        lines.append("")
        lines += [f"![{name}]({name})" for name in plot_scenario(bench.out_dir, scenario, cases)]
    (bench.out_dir / "report.md").write_text("\n".join(lines) + "\n")


def write_report(bench: Bench, environment: dict[str, Any], failures: dict[str, str]) -> None:
    write_json(bench, environment, failures)
    write_markdown(bench, environment, failures)
