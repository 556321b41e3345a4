"""The closing report of an import and its progress bars, shared by the commands."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from tqdm import tqdm

from backend.importers.rows import Problem, Summary

PROBLEMS_LISTED = 20


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def progress_bar(description: str, total: int | None, unit: str = "rows") -> Any:
    """A tqdm bar with rates, on stderr, silent when stderr is not a terminal."""
    return tqdm(total=total, desc=description, unit=unit, unit_scale=True, disable=None, leave=True)


def list_problems(problems: Sequence[Problem], limit: int = PROBLEMS_LISTED) -> list[str]:
    lines = [str(problem) for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more")
    return lines


def write_summary(out: Writer, summary: Summary, warnings: Sequence[Problem] = ()) -> None:
    width = max((len(name) for name in summary.counts), default=0)
    for name, count in summary.counts.items():
        out.write(f"  {name:<{width}}  {count}\n")
    if summary.problems:
        reasons = Counter(_reason_kind(problem.reason) for problem in summary.problems)
        out.write(f"skipped {len(summary.problems)} row(s):\n")
        for reason, count in reasons.most_common():
            out.write(f"  {count} x {reason}\n")
        for line in list_problems(summary.problems):
            out.write(f"    {line}\n")
    if warnings:
        out.write(f"{len(warnings)} warning(s):\n")
        for line in list_problems(warnings):
            out.write(f"    {line}\n")


def _reason_kind(reason: str) -> str:
    """ "ambiguous: 2 movies fit (title_year): 3, 9" -> "ambiguous"; a reason without details as is."""
    return reason.split(":", 1)[0]
