"""Human evaluation: what people said about the agent's answers, aggregated from the trajectory log.

The chat UI writes three kinds of judgement into the log (``agent.trajectory``): a run's ``human_label``
(``correct``/``incorrect``), an optional ``correction`` (the right answer), and blind A/B choices between two
runs that answered the same question with different configurations. This module turns them into one
measurement (the eval report's contract): per configuration the rating distribution, the share rated correct
and the number of corrections; per configuration pair the blind A/B record and the win rate with a Wilson 95%
confidence interval (scipy's ``binomtest``), which stays honest for the handful of comparisons a person makes.

A configuration is named ``base`` when the run's ``adapter_id`` is None, else by its adapter id. The win rate
of a pair counts decided comparisons only (``tie`` and ``both_bad`` are shown but decide nothing). An empty or
missing log is a valid input: the result says that nothing has been judged yet and draws no plot.

>>> import tempfile, pathlib
>>> result = run(pathlib.Path(tempfile.mkdtemp()) / "none.sqlite", out_dir=pathlib.Path(tempfile.mkdtemp()))
>>> result["summary"]["status"]
'no human ratings or A/B choices in the log yet'
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from scipy.stats import binomtest
from tabulate import tabulate

from agent.model_files import data_dir
from agent.trajectory import FILE_NAME, TrajectoryLog

NAME = "human_eval"
TITLE = "Human evaluation"
BASE = "base"
CONFIDENCE = 0.95
EMPTY = "no human ratings or A/B choices in the log yet"
RATINGS_PLOT = "human_ratings.png"
AB_PLOT = "human_ab.png"


def configuration(adapter_id: str | None) -> str:
    """The configuration name of a run: ``base`` without an adapter, else the adapter id."""
    return adapter_id or BASE


def wilson_interval(successes: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """The Wilson score interval of ``successes / trials``; None when there are no trials.

    >>> low, high = wilson_interval(8, 10)
    >>> round(low, 3), round(high, 3)
    (0.49, 0.943)
    """
    if trials == 0:
        return None
    interval = binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


def rating_rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per configuration: runs, rated, correct, incorrect, corrections, correct share and its interval."""
    by_config: dict[str, Counter[str]] = defaultdict(Counter)
    for run_row in runs:
        counts = by_config[configuration(run_row.get("adapter_id"))]
        counts["runs"] += 1
        label = run_row.get("human_label")
        if label:
            counts["rated"] += 1
            counts[label] += 1
        if (run_row.get("correction") or "").strip():
            counts["corrections"] += 1
    rows = []
    for name in sorted(by_config):
        counts = by_config[name]
        rows.append({
            "config": name,
            "runs": counts["runs"],
            "rated": counts["rated"],
            "correct": counts["correct"],
            "incorrect": counts["incorrect"],
            "corrections": counts["corrections"],
            "correct_rate": counts["correct"] / counts["rated"] if counts["rated"] else None,
            "correct_ci": wilson_interval(counts["correct"], counts["rated"]),
        })
    return rows


def comparison_rows(comparisons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per configuration pair (names sorted, choices swapped to match): the blind A/B record and the first
    configuration's win rate over decided comparisons with its Wilson interval."""
    by_pair: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in comparisons:
        first, second, choice = row["config_a"], row["config_b"], row["choice"]
        if second < first:
            first, second = second, first
            choice = {"a": "b", "b": "a"}.get(choice, choice)
        by_pair[(first, second)][choice] += 1
    rows = []
    for (first, second), counts in sorted(by_pair.items()):
        decided = counts["a"] + counts["b"]
        rows.append({
            "first": first,
            "second": second,
            "comparisons": sum(counts.values()),
            "first_wins": counts["a"],
            "second_wins": counts["b"],
            "ties": counts["tie"],
            "both_bad": counts["both_bad"],
            "first_win_rate": counts["a"] / decided if decided else None,
            "first_win_ci": wilson_interval(counts["a"], decided),
        })
    return rows


def _rate(value: float | None, interval: tuple[float, float] | None) -> str:
    if value is None or interval is None:
        return "–"
    return f"{value:.0%} [{interval[0]:.0%}, {interval[1]:.0%}]"


def markdown(ratings: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> str:
    """Two Markdown tables: ratings per configuration, then blind A/B per configuration pair."""
    rating_table = tabulate(
        [[r["config"], r["runs"], r["rated"], r["correct"], r["incorrect"], _rate(r["correct_rate"], r["correct_ci"]),
          r["corrections"]] for r in ratings],
        headers=["configuration", "runs", "rated", "correct", "incorrect", "rated correct [95% CI]", "corrections"],
        tablefmt="github",
    )
    if not pairs:
        return rating_table + "\n\n_No blind A/B choices yet._"
    pair_table = tabulate(
        [[f"{p['first']} vs {p['second']}", p["comparisons"], p["first_wins"], p["second_wins"], p["ties"],
          p["both_bad"], _rate(p["first_win_rate"], p["first_win_ci"])] for p in pairs],
        headers=["A/B pair (first vs second)", "choices", "first won", "second won", "tie", "both bad",
                 "first's win rate [95% Wilson CI]"],
        tablefmt="github",
    )
    return rating_table + "\n\n" + pair_table


def plot_ratings(ratings: list[dict[str, Any]], path: Path) -> None:
    """Horizontal stacked bars: correct / incorrect / unrated runs per configuration."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    names = [r["config"] for r in ratings]
    parts = [("correct", "#2e7d32"), ("incorrect", "#c62828"), ("unrated", "#b0bec5")]
    values = {"correct": [r["correct"] for r in ratings], "incorrect": [r["incorrect"] for r in ratings],
              "unrated": [r["runs"] - r["rated"] for r in ratings]}
    fig, ax = plt.subplots(figsize=(7, 1.2 + 0.5 * len(names)))
    left = [0] * len(names)
    for label, color in parts:
        ax.barh(names, values[label], left=left, color=color, label=label)
        left = [a + b for a, b in zip(left, values[label], strict=True)]
    ax.set_xlabel("runs")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Human ratings per configuration")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_ab(pairs: list[dict[str, Any]], path: Path) -> None:
    """The first configuration's blind A/B win rate per pair, with its Wilson interval; 50% marked."""
    import matplotlib.pyplot as plt

    shown = [p for p in pairs if p["first_win_rate"] is not None]
    fig, ax = plt.subplots(figsize=(7, 1.2 + 0.5 * len(shown)))
    labels = [f"{p['first']} vs {p['second']} (n={p['first_wins'] + p['second_wins']})" for p in shown]
    rates = [p["first_win_rate"] for p in shown]
    errors = [[r - p["first_win_ci"][0] for r, p in zip(rates, shown, strict=True)],
              [p["first_win_ci"][1] - r for r, p in zip(rates, shown, strict=True)]]
    ax.errorbar(rates, labels, xerr=errors, fmt="o", capsize=4, color="#1565c0")
    ax.axvline(0.5, color="grey", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("win rate of the first configuration (decided choices, 95% Wilson CI)")
    ax.set_title("Blind A/B win rate")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(log_path: str | os.PathLike[str] | None = None, *, out_dir: Path, quick: bool = False) -> dict[str, Any]:
    """The human-evaluation measurement from the log at ``log_path`` (default: the user's trajectory log).

    A missing log is read as empty and not created. ``quick`` changes nothing (reading the log is fast); it is
    accepted for the measurement contract.
    """
    import matplotlib

    matplotlib.use("Agg")
    path = Path(log_path) if log_path is not None else data_dir() / FILE_NAME
    runs: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []
    if path.is_file():
        with TrajectoryLog(path) as log:
            runs, comparisons = log.runs(), log.comparisons()
    ratings, pairs = rating_rows(runs), comparison_rows(comparisons)
    judged = bool(pairs) or any(r["rated"] or r["corrections"] for r in ratings)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = []
    if any(r["rated"] for r in ratings):
        plot_ratings(ratings, out_dir / RATINGS_PLOT)
        caption = "Runs rated correct, incorrect or not rated, per configuration."
        plots.append({"file": RATINGS_PLOT, "caption": caption})
    if any(p["first_win_rate"] is not None for p in pairs):
        plot_ab(pairs, out_dir / AB_PLOT)
        plots.append({"file": AB_PLOT, "caption": "Blind A/B win rate per configuration pair with its 95% Wilson "
                                                  "interval; the dashed line is a coin flip."})
    rated = sum(r["rated"] for r in ratings)
    summary: dict[str, Any] = {
        "status": "ok" if judged else EMPTY,
        "runs_in_log": len(runs),
        "rated_runs": rated,
        "corrections": sum(r["corrections"] for r in ratings),
        "ab_choices": len(comparisons),
    }
    for row in ratings:
        if row["correct_rate"] is not None:
            summary[f"rated_correct[{row['config']}]"] = round(row["correct_rate"], 4)
    for pair in pairs:
        if pair["first_win_rate"] is not None:
            summary[f"win_rate[{pair['first']} vs {pair['second']}]"] = round(pair["first_win_rate"], 4)
    return {
        "name": NAME,
        "title": TITLE,
        "summary": summary,
        "table_md": markdown(ratings, pairs) if judged else f"_{EMPTY} ({len(runs)} runs logged)._",
        "plots": plots,
        "data": {"log": str(path), "ratings": ratings, "pairs": pairs},
    }
