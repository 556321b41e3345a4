"""bench/bench_throughput.py's rows as bench/report.py's Results, and its one-line failure without wrk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH_DIRECTORY = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH_DIRECTORY))

from bench_throughput import results_from_rows  # noqa: E402
from results import RATIO_UNIT, Results  # noqa: E402


def read_row(variant: str, endpoint: str, clients: int, rps: float, p95_ms: float) -> dict:
    return {"bench": "throughput", "variant": variant, "endpoint": endpoint, "clients": clients,
            "requests": int(rps * 4), "rps": rps, "p50_ms": p95_ms / 2, "p95_ms": p95_ms, "p99_ms": p95_ms * 2,
            "errors": 0}  # fmt: skip


def tiny_run() -> list[dict]:
    rows = [
        read_row("uncached", "list", 1, 40.0, 50.0),
        read_row("uncached", "list", 16, 100.0, 400.0),
        read_row("cached", "list", 1, 80.0, 25.0),
        read_row("cached", "list", 16, 500.0, 100.0),
    ]
    mixed = read_row("cached", "mixed 90/10", 16, 300.0, 120.0)
    mixed |= {"write_share": 0.1, "writes_per_s": 30.0, "sync_lag_max_s": 1.5, "sync_lag_p95_s": 1.2,
              "backlog_max": 42}  # fmt: skip
    rows.append(mixed)
    for t_seconds, graph_age, vectors_age in ((0.0, 0.0, 0.0), (0.5, 0.25, 0.0), (1.0, 1.5, 0.75)):
        rows.append({"bench": "throughput", "variant": "cached", "endpoint": "sync lag", "t_seconds": t_seconds,
                     "sync_lag_seconds": max(graph_age, vectors_age), "backlog": 3,
                     "sync_lag_seconds_by_target": {"graph": graph_age, "vectors": vectors_age}})  # fmt: skip
    rows.append({"bench": "throughput", "endpoint": "throttle check", "throttle": "fixed window (ours)",
                 "requests_in_window": 10000, "us_per_check": 180.0})  # fmt: skip
    rows.append({"bench": "throughput", "endpoint": "machine", "cpus": 2, "load_before": 3.5, "load_after": 4.0})
    return rows


def test_every_printed_figure_and_ratio_becomes_a_figure():
    results = results_from_rows(tiny_run())
    values = {figure.name: (figure.value, figure.unit) for figure in results.figures}

    assert values["cached list c=16: req/s"] == (500.0, "req/s")
    assert values["uncached list c=1: p50"] == (25.0, "ms")
    assert values["cached mixed 90/10 c=16: p95"] == (120.0, "ms")
    assert values["cached mixed 90/10 c=16: sync lag max"] == (1.5, "s")
    assert values["throttle check: fixed window (ours), 10000 in window"] == (180.0, "µs")
    assert values["list c=16: req/s cached / uncached"] == (5.0, RATIO_UNIT)
    assert values["list c=16: p95 cached / uncached"] == (0.25, RATIO_UNIT)
    assert values["list c=1: req/s cached / uncached"] == (2.0, RATIO_UNIT)
    # The mixed run has no uncached twin here: no ratio for it.
    assert not any(name.startswith("mixed 90/10") for name in values)


def test_series_are_the_ones_the_report_plots():
    results = results_from_rows(tiny_run())

    assert results.series["requests_per_second_vs_clients"] == {
        "list · uncached": [(1.0, 40.0), (16.0, 100.0)],
        "list · cached": [(1.0, 80.0), (16.0, 500.0)],
    }
    # Milliseconds against seconds since the mixed run began; no point where nothing was pending.
    assert results.series["sync_lag_over_time"] == {
        "graph (mixed 90/10) · cached": [(0.5, 250.0), (1.0, 1500.0)],
        "vectors (mixed 90/10) · cached": [(1.0, 750.0)],
    }
    assert Results.from_json(json.loads(json.dumps(results.to_json()))) == results


def test_without_wrk_the_bench_fails_with_one_line(tmp_path):
    finished = subprocess.run(
        [sys.executable, str(BENCH_DIRECTORY / "bench_throughput.py"), "--json", str(tmp_path / "out.json")],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert finished.returncode == 1
    assert finished.stderr.strip().splitlines() == ["bench_throughput: wrk is not installed (apt-get install wrk)"]
    assert not (tmp_path / "out.json").exists()
