"""bench/REPORT.md from bench results: the machine, one table of every figure and ratio, the plots.

Pure: takes `Results` (bench/results.py) and run records, writes Markdown and PNGs; bench/report.py
runs the benches and calls `write_report`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from results import RATIO_UNIT, Results


@dataclass(frozen=True)
class Plot:
    """One PNG: the series of that name from every bench, one line per label.

    A label "group · variant" draws the group in one colour and each variant in its own line style,
    so "friends_liked · graph" and "friends_liked · SQL" share a colour and differ in dash.
    """

    file: str
    series: str
    title: str
    x_label: str
    y_label: str
    log_x: bool = False
    log_y: bool = False
    markers: bool = True


@dataclass(frozen=True)
class Run:
    """How one bench ran: its command lines, wall time, machine load around it, and the outcome."""

    bench: str
    about: str
    commands: list[str]
    seconds: float
    load_before: float
    load_after: float
    status: str  # "ok", "failed (exit 1)", "timed out", "not in this branch", ...


LINE_STYLES = ("-", "--", ":", "-.")
PALETTE_COLOURS = 64


def format_value(value: float, unit: str) -> str:
    if unit == RATIO_UNIT:
        return f"{value:.{0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2}f}{RATIO_UNIT}"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def figures_table(results: list[Results]) -> str:
    """One Markdown table: every figure of every bench, ratios marked by their unit."""
    lines = ["| bench | figure | value | unit | note |", "| --- | --- | ---: | --- | --- |"]
    for result in results:
        for figure in result.figures:
            unit = "ratio" if figure.unit == RATIO_UNIT else figure.unit
            lines.append(
                f"| {escape(figure.bench)} | {escape(figure.name)} | {format_value(figure.value, figure.unit)} "
                f"| {escape(unit)} | {escape(figure.note)} |"
            )
    return "\n".join(lines)


def runs_table(runs: list[Run]) -> str:
    lines = ["| bench | what it measures | command | wall s | load before → after | outcome |"]
    lines.append("| --- | --- | --- | ---: | --- | --- |")
    for run in runs:
        commands = "<br>".join(f"`{escape(command)}`" for command in run.commands) or "—"
        lines.append(
            f"| {run.bench} | {escape(run.about)} | {commands} | {run.seconds:.0f} "
            f"| {run.load_before:.1f} → {run.load_after:.1f} | {escape(run.status)} |"
        )
    return "\n".join(lines)


def series_lines(results: list[Results], series: str) -> dict[str, list[tuple[float, float]]]:
    lines: dict[str, list[tuple[float, float]]] = {}
    for result in results:
        for label, points in result.series.get(series, {}).items():
            lines.setdefault(label, []).extend(points)
    return {label: sorted(points) for label, points in lines.items()}


def draw(plot: Plot, lines: dict[str, list[tuple[float, float]]], path: Path) -> None:
    """Write one PNG (small: 7x4.2 in at 100 dpi)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    groups = list(dict.fromkeys(label.split(" · ")[0] for label in lines))
    variants = list(dict.fromkeys(label.split(" · ")[1] for label in lines if " · " in label))
    colours = pyplot.get_cmap("tab10")
    figure, axes = pyplot.subplots(figsize=(7, 4.2), dpi=100)
    for label, points in lines.items():
        group, _, variant = label.partition(" · ")
        style = LINE_STYLES[variants.index(variant) % len(LINE_STYLES)] if variant else "-"
        xs, ys = zip(*points, strict=True) if points else ((), ())
        axes.plot(
            xs,
            ys,
            linestyle=style,
            marker="o" if plot.markers else None,
            markersize=3.5,
            linewidth=1.6,
            color=colours(groups.index(group) % 10),
            label=label,
        )
    if plot.log_x:
        axes.set_xscale("log")
    if plot.log_y:
        axes.set_yscale("log")
    axes.set_title(plot.title, fontsize=11)
    axes.set_xlabel(plot.x_label)
    axes.set_ylabel(plot.y_label)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=7.5, ncol=2 if len(lines) > 5 else 1, frameon=False)
    figure.tight_layout()
    canvas = io.BytesIO()
    figure.savefig(canvas, format="png")
    pyplot.close(figure)
    # A palette of PALETTE_COLOURS keeps each PNG a few tens of KB in the repository.
    from PIL import Image

    canvas.seek(0)
    Image.open(canvas).convert("RGB").quantize(colors=PALETTE_COLOURS).save(path, format="PNG", optimize=True)


def write_report(
    path: Path,
    plots_directory: Path,
    title: str,
    machine: dict[str, str],
    notes: list[str],
    runs: list[Run],
    results: list[Results],
    plots: list[Plot],
) -> None:
    """REPORT.md at `path` and one PNG per plot with data under `plots_directory`."""
    plots_directory.mkdir(parents=True, exist_ok=True)
    sections = [f"# {title}", ""]
    sections += [f"- **{key}**: {value}" for key, value in machine.items()]
    sections += ["", *notes, "", "## Runs", "", runs_table(runs), "", "## Figures", ""]
    sections += [
        f"Every figure measured, and each side-by-side ratio (unit {RATIO_UNIT}, measured in the same run, "
        "so the machine's load weighs on both sides alike).",
        "",
        figures_table(results),
        "",
        "## Plots",
        "",
    ]
    for plot in plots:
        lines = series_lines(results, plot.series)
        if not any(lines.values()):
            sections += [f"### {plot.title}", "", f"No data in this run (series `{plot.series}`).", ""]
            continue
        draw(plot, lines, plots_directory / plot.file)
        relative = (plots_directory / plot.file).relative_to(path.parent)
        sections += [f"### {plot.title}", "", f"![{plot.title}]({relative.as_posix()})", ""]
    path.write_text("\n".join(sections))
