"""The eval's PNG plots: accuracy per task per configuration, verdicts, latency distribution, inference speed.

Made with matplotlib's Agg backend (no display needed), at a size and font that stay readable in a
terminal-side image viewer and on GitHub: one message per figure, labelled axes, a legend only when there is
more than one configuration, white background. Each plot comes back as ``{"file", "caption"}`` with one line
saying what it shows, for the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.ticker import PercentFormatter  # noqa: E402

from finetune.eval_metrics import config_label  # noqa: E402

VERDICT_COLOURS = {
    "correct": "#2e7d32", "suboptimal": "#9ccc65", "wrong": "#c62828", "hallucinated": "#ff8f00",
    "invalid_call": "#6a1b9a", "missing": "#9e9e9e",
}
DPI = 110
plt.rcParams.update({"font.size": 11, "axes.titlesize": 13, "figure.facecolor": "white"})


def make_plots(lines: Sequence[dict[str, Any]], metrics: dict[str, Any], out_dir: Path) -> list[dict[str, str]]:
    """Write every plot that has data into ``out_dir``; their ``{"file", "caption"}`` in report order."""
    labels = metrics.get("labels") or []
    if not labels:
        return []
    plots = [
        _accuracy_by_task(metrics, labels, out_dir),
        _verdicts(metrics, labels, out_dir),
        _latency(lines, labels, out_dir),
        _speed(metrics, labels, out_dir),
    ]
    return [plot for plot in plots if plot is not None]


def _save(figure: plt.Figure, out_dir: Path, name: str, caption: str) -> dict[str, str]:
    figure.savefig(out_dir / name, dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return {"file": name, "caption": caption}


def _accuracy_by_task(metrics: dict[str, Any], labels: list[str], out_dir: Path) -> dict[str, str] | None:
    tasks = [name for name, task in metrics["tasks"].items()
             if any((task["configs"].get(label) or {}).get("graded") for label in labels)]
    if not tasks:
        return None
    height = 0.8 / len(labels)
    figure, axes = plt.subplots(figsize=(9, 1.2 + 0.45 * len(tasks) * max(1, len(labels) * 0.6)))
    for index, label in enumerate(labels):
        values = [(metrics["tasks"][task]["configs"].get(label) or {}).get("accuracy") or 0.0 for task in tasks]
        positions = [row + index * height for row in range(len(tasks))]
        bars = axes.barh(positions, values, height=height * 0.95, label=label)
        axes.bar_label(bars, labels=[f"{v:.0%}" for v in values], padding=2, fontsize=9)
    majority = [(row, metrics["tasks"][task].get("majority_rate")) for row, task in enumerate(tasks)]
    marks = [(row + 0.4 - height / 2, rate) for row, rate in majority if rate is not None]
    if marks:
        axes.scatter([rate for _, rate in marks], [row for row, _ in marks], marker="|", s=400, color="black",
                     zorder=3, label="majority-class rate (yes/no)")
    axes.set_yticks([row + 0.4 - height / 2 for row in range(len(tasks))], tasks)
    axes.invert_yaxis()
    axes.set_xlim(0, 1.12)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_xlabel("accuracy (correct / graded)")
    axes.set_title("Accuracy per task")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=9)
    caption = "Accuracy per task and configuration; a black tick marks the rate of always giving a yes/no " \
              "task's commoner answer."
    return _save(figure, out_dir, "eval_accuracy_by_task.png", caption)


def _verdicts(metrics: dict[str, Any], labels: list[str], out_dir: Path) -> dict[str, str] | None:
    if not any(metrics["configs"][label]["graded"] for label in labels):
        return None
    figure, axes = plt.subplots(figsize=(9, 1.2 + 0.6 * len(labels)))
    left = [0.0] * len(labels)
    for verdict, colour in VERDICT_COLOURS.items():
        shares = [metrics["configs"][label][verdict] / max(metrics["configs"][label]["graded"], 1)
                  for label in labels]
        axes.barh(labels, shares, left=left, color=colour, label=verdict)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_xlabel("share of graded answers")
    axes.set_title("Verdicts per configuration")
    axes.legend(ncol=3, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.25))
    caption = "How each configuration's graded answers split into correct, suboptimal, wrong, hallucinated " \
              "(no tool call), invalid call and missing."
    return _save(figure, out_dir, "eval_verdicts.png", caption)


def _latency(lines: Sequence[dict[str, Any]], labels: list[str], out_dir: Path) -> dict[str, str] | None:
    several = len({line.get("engine") for line in lines}) > 1
    samples = {label: [] for label in labels}
    for line in lines:
        if line.get("verdict") != "missing" or not line.get("error"):
            samples.setdefault(config_label(line, several), []).append(line["latency_s"])
    data = [samples.get(label) or [0.0] for label in labels]
    if not any(samples.values()):
        return None
    figure, axes = plt.subplots(figsize=(9, 1.2 + 0.7 * len(labels)))
    axes.boxplot(data, orientation="horizontal", tick_labels=labels, showfliers=True, widths=0.5)
    for row, values in enumerate(data, 1):
        axes.scatter(values, [row] * len(values), s=12, alpha=0.5, color="#1565c0", zorder=3)
    axes.invert_yaxis()
    axes.set_xlabel("end-to-end latency per question (s)")
    axes.set_title("Response time")
    caption = "End-to-end latency per question for each configuration (box: quartiles and median; dots: questions)."
    return _save(figure, out_dir, "eval_latency.png", caption)


def _speed(metrics: dict[str, Any], labels: list[str], out_dir: Path) -> dict[str, str] | None:
    prefill = [metrics["configs"][label]["prefill_tok_s"] or 0.0 for label in labels]
    decode = [metrics["configs"][label]["decode_tok_s"] or 0.0 for label in labels]
    if not any(prefill) and not any(decode):
        return None
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 1.4 + 0.6 * len(labels)), sharey=True)
    for axes, values, title in ((left, prefill, "prefill (tok/s)"), (right, decode, "decode (tok/s)")):
        bars = axes.barh(labels, values, color="#1565c0")
        axes.bar_label(bars, labels=[f"{v:.0f}" for v in values], padding=2, fontsize=9)
        axes.set_title(title)
        axes.set_xlim(0, max(values) * 1.25 or 1)
    left.invert_yaxis()
    caption = "Inference speed inside the agent: prompt tokens evaluated per second of prefill and tokens " \
              "generated per second of decode (grammar on)."
    return _save(figure, out_dir, "eval_speed.png", caption)
