"""bench/report_render.py and bench/results.py on tiny data: the table, the plots, the JSON round trip."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from report_render import Plot, Run, figures_table, format_value, write_report  # noqa: E402
from results import RATIO_UNIT, Results, merged  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def graph_run(users: int, graph_p95: float, sql_p95: float) -> Results:
    results = Results("graph")
    results.figure(f"{users} users: friends_liked graph p95", graph_p95, "ms")
    results.ratio(f"{users} users: friends_liked p95 graph / SQL", graph_p95 / sql_p95)
    results.point("latency", "friends_liked · graph", users, graph_p95)
    results.point("latency", "friends_liked · SQL", users, sql_p95)
    return results


def test_results_survive_the_json_round_trip():
    results = graph_run(1000, 12.5, 5.0)

    again = Results.from_json(json.loads(json.dumps(results.to_json())))

    assert again == results


def test_merged_runs_keep_every_figure_and_join_lines_in_x_order():
    total = merged([graph_run(5000, 40.0, 10.0), graph_run(1000, 12.5, 5.0)])

    assert [figure.name for figure in total.figures] == [
        "5000 users: friends_liked graph p95",
        "5000 users: friends_liked p95 graph / SQL",
        "1000 users: friends_liked graph p95",
        "1000 users: friends_liked p95 graph / SQL",
    ]
    assert total.series["latency"]["friends_liked · graph"] == [(1000.0, 12.5), (5000.0, 40.0)]


def test_the_table_has_one_row_per_figure_with_ratios_marked():
    table = figures_table([graph_run(1000, 12.5, 5.0)])

    rows = table.splitlines()[2:]
    assert rows == [
        "| graph | 1000 users: friends_liked graph p95 | 12.5 | ms |  |",
        "| graph | 1000 users: friends_liked p95 graph / SQL | 2.50× | ratio |  |",
    ]
    assert format_value(0.98765, "") == "0.988"
    assert format_value(12345.6, "rows/s") == "12,346"
    assert format_value(3.0, RATIO_UNIT) == f"3.00{RATIO_UNIT}"
    assert format_value(177.46, RATIO_UNIT) == f"177{RATIO_UNIT}"


def test_the_report_links_a_png_per_plot_with_data_and_names_the_empty_ones(tmp_path):
    plots = [
        Plot("latency.png", "latency", "Latency against scale", "users", "p95 ms", log_y=True),
        Plot("throughput.png", "requests_per_second_vs_clients", "Requests/s", "clients", "requests/s"),
    ]
    run = Run("graph", "graph against SQL", ["bench/bench_graph.py --users 1000"], 12.0, 3.5, 4.0, "ok")
    report = tmp_path / "REPORT.md"

    write_report(
        report,
        tmp_path / "report",
        "Benchmark report (small)",
        {"machine": "2 CPUs"},
        ["A note."],
        [run],
        [merged([graph_run(1000, 12.5, 5.0), graph_run(5000, 40.0, 10.0)])],
        plots,
    )

    text = report.read_text()
    assert "![Latency against scale](report/latency.png)" in text
    assert "No data in this run (series `requests_per_second_vs_clients`)." in text
    assert "| graph | graph against SQL | `bench/bench_graph.py --users 1000` | 12 | 3.5 → 4.0 | ok |" in text
    png = (tmp_path / "report" / "latency.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) < 100_000
    assert not (tmp_path / "report" / "throughput.png").exists()
