"""bench.trace_creates: a creation's spans, timed from the service's handling of it."""

from bench.trace_creates import HANDLER_SPAN, Collector, Span, breakdown

MS = 1_000_000


def test_each_span_is_timed_from_its_traces_handler_and_repeats_are_numbered() -> None:
    spans = [
        Span(b"a", HANDLER_SPAN, 100 * MS, 110 * MS),
        Span(b"a", "MongoDB insert", 103 * MS, 105 * MS),
        Span(b"a", "MongoDB find", 120 * MS, 121 * MS),
        Span(b"a", "MongoDB find", 130 * MS, 133 * MS),
        Span(b"b", HANDLER_SPAN, 200 * MS, 204 * MS),
        Span(b"b", "MongoDB insert", 201 * MS, 202 * MS),
        # A trace without the handler (the relay's rescan) is not a creation's.
        Span(b"c", "MongoDB find", 0, 5 * MS),
    ]
    rows = breakdown(spans)
    assert rows[HANDLER_SPAN] == ([0.0, 0.0], [10.0, 4.0])
    assert rows["MongoDB insert"] == ([3.0, 1.0], [2.0, 1.0])
    assert rows["MongoDB find"] == ([20.0], [1.0])
    assert rows["MongoDB find #2"] == ([30.0], [3.0])


def test_span_names_are_those_of_the_report() -> None:
    Collector.database = "probe-trace-1"
    assert Collector.label("probe-trace-1.findAndModify") == "MongoDB findAndModify"
    reply = "default.amq.rabbitmq.reply-to.g1h2AA1yZXBseUA5NTAy publish"
    assert Collector.label(reply) == "reply publish (direct reply-to)"
    assert Collector.label(HANDLER_SPAN) == HANDLER_SPAN
