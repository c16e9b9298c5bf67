"""Garbage-collector settings for long-lived worker processes (gunicorn, and benchmarks).

A ranked backlog, a capacity plan or a trade-off allocates tens of thousands of small objects
per request. With CPython's default thresholds (700, 10, 10) that triggers collections many
times a request, and now and then a full one over everything Django built at start-up; in
bench/ that was most of the p95. Freezing the start-up objects and collecting the youngest
generation every 50,000 allocations instead of 700 keeps the collector for real garbage
(measured in docs/benchmarks.md).
"""

import gc

YOUNG_GENERATION_THRESHOLD = 50_000


def worker_gc_tune() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, 20, 20)
