"""The evaluation table, one row per system, plus ratios to the popularity baseline."""

from __future__ import annotations

from collections.abc import Mapping

from recommender.evaluation import Metrics


def table(results: Mapping[str, Metrics], baseline: str = "popularity (count baseline)") -> str:
    header = f"{'system':30} {'P@10':>7} {'R@10':>7} {'NDCG@10':>8} {'MAP@10':>7} {'cover':>6} {'low':>6} {'mid':>6} {'high':>6} {'xNDCG':>6}"
    lines = [header, "-" * len(header)]
    base = results.get(baseline)
    for name, m in results.items():
        t = m.ndcg_by_tercile
        ratio = m.ndcg / base.ndcg if base and base.ndcg else float("nan")
        lines.append(
            f"{name:30} {m.precision:7.3f} {m.recall:7.3f} {m.ndcg:8.3f} {m.map:7.3f} {m.coverage:6.3f}"
            f" {t.get('low', 0):6.3f} {t.get('mid', 0):6.3f} {t.get('high', 0):6.3f} {ratio:6.2f}"
        )
    lines.append("low/mid/high: NDCG@10 by user-activity tercile; xNDCG: NDCG@10 over the count baseline's")
    return "\n".join(lines)
