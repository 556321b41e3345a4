"""Bench results as data: the figures a bench prints, kept as rows, and the points of its plots.

A bench builds one `Results`, records each figure (and each side-by-side ratio) as it prints it,
adds points to named series, and writes them with `--json PATH`; bench/report.py runs the benches
and turns these files into bench/REPORT.md and its plots. Plain stdlib, no Django.
"""

from __future__ import annotations

import argparse
import json
import signal
from dataclasses import asdict, dataclass, field
from pathlib import Path

RATIO_UNIT = "×"


@dataclass(frozen=True)
class Figure:
    """One row of the report's table: `value` in `unit` (RATIO_UNIT for a side-by-side ratio)."""

    bench: str
    name: str
    value: float
    unit: str
    note: str = ""


@dataclass
class Results:
    """Everything one run of one bench measured."""

    bench: str
    figures: list[Figure] = field(default_factory=list)
    # series name -> line label -> [(x, y), ...]; a plot declared in bench/report.py draws one series.
    series: dict[str, dict[str, list[tuple[float, float]]]] = field(default_factory=dict)

    def figure(self, name: str, value: float, unit: str, note: str = "") -> None:
        self.figures.append(Figure(self.bench, name, float(value), unit, note))

    def ratio(self, name: str, value: float, note: str = "") -> None:
        self.figure(name, value, RATIO_UNIT, note)

    def point(self, series: str, line: str, x: float, y: float) -> None:
        self.series.setdefault(series, {}).setdefault(line, []).append((float(x), float(y)))

    def to_json(self) -> dict:
        return {"bench": self.bench, "figures": [asdict(f) for f in self.figures], "series": self.series}

    @classmethod
    def from_json(cls, document: dict) -> Results:
        return cls(
            document["bench"],
            [Figure(**f) for f in document["figures"]],
            {
                name: {line: [(x, y) for x, y in points] for line, points in lines.items()}
                for name, lines in document["series"].items()
            },
        )

    def write(self, path: str | None) -> None:
        """Write to `path` (the --json argument); nothing when it is None."""
        if path:
            Path(path).write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False))


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    """The --json option; also makes SIGTERM (bench/report.py's timeout) unwind the bench, so its
    `finally` blocks stop the engines it started instead of leaving a Postgres behind."""
    parser.add_argument("--json", metavar="PATH", help="also write the figures and plot points to PATH as JSON")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def merged(runs: list[Results]) -> Results:
    """Several runs as one: figures in order, the points of same-named lines joined and sorted by x."""
    if not runs:
        return Results("")
    total = Results(runs[0].bench)
    for run in runs:
        total.figures.extend(run.figures)
        for name, lines in run.series.items():
            for line, points in lines.items():
                total.series.setdefault(name, {}).setdefault(line, []).extend(points)
    for lines in total.series.values():
        for points in lines.values():
            points.sort()
    return total
