"""The benchmark's own arithmetic: what the report says must be what was measured."""

import math

from bench.core import Case, Target, merge_samples, percentile
from bench.load.samples import Samples


def test_percentiles_are_latencies_that_were_seen() -> None:
    latencies = [float(ms) for ms in range(1, 101)]

    assert percentile(latencies, 50) == 50.0
    assert percentile(latencies, 99) == 99.0
    assert percentile(latencies, 100) == 100.0
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_a_case_from_a_load_generators_samples() -> None:
    samples = Samples()
    for ms in (10.0, 20.0, 30.0, 40.0):
        samples.add(ms, finished_at_s=ms / 10)
    samples.error()
    samples.duration_s = 2.0

    case = Case.from_samples("4. Answer to pop-up", "idle", samples.as_dict(), {"gateway": 80.0})
    summary = case.summary()

    assert summary["samples"] == 4
    assert summary["errors"] == 1
    assert summary["p50_ms"] == 20.0
    assert summary["max_ms"] == 40.0
    assert summary["throughput_per_s"] == 2.0
    assert case.rss_peak_mib == {"gateway": 80.0}


def test_targets_know_which_way_is_better() -> None:
    assert Target("p99", 19.0, 20, "ms").met
    assert not Target("p99", 21.0, 20, "ms").met
    assert Target("ours ÷ bare", 0.9, 0.8, "x", higher_is_better=True).met
    assert not Target("ours ÷ bare", 0.38, 0.8, "x", higher_is_better=True).met


def test_generators_that_ran_together_make_one_sample_set() -> None:
    first = {"latencies_ms": [1.0, 2.0], "finished_at_s": [0.1, 0.2], "errors": 1, "duration_s": 3}
    second = {"latencies_ms": [5.0], "finished_at_s": [0.5], "errors": 0, "duration_s": 4.0}

    merged = merge_samples([first, second])

    assert merged == {
        "latencies_ms": [1.0, 2.0, 5.0],
        "finished_at_s": [0.1, 0.2, 0.5],
        "errors": 1,
        "duration_s": 4.0,
    }
