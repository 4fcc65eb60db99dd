"""``report.md``: the eval's one-screen summary table, per-task tables, the plots and the other measurements.

Why this order: a reader first wants to know which configuration wins and by how much (configuration ×
metric), then where (per task, with the majority-class rate beside each yes/no task so that "always yes" is
not mistaken for skill), then the pictures, then the measurements made by other modules (each
brings its own summary, Markdown table and plots). It ends with how it was made and what was skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SUMMARY_ROWS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("questions", "questions", str),
    ("accuracy", "**accuracy** (correct / graded)", lambda v: f"**{v:.1%}**"),
    ("graded", "graded (with a gold answer)", str),
    ("correct", "correct", str),
    ("suboptimal", "suboptimal (valid, not optimal)", str),
    ("wrong", "wrong", str),
    ("hallucinated", "hallucinated (no tool call)", str),
    ("invalid_call", "invalid call (every call failed)", str),
    ("missing", "missing (no answer or crashed)", str),
    ("tool_choice_accuracy", "tool choice accuracy", lambda v: f"{v:.1%}"),
    ("argument_accuracy", "argument accuracy", lambda v: f"{v:.1%}"),
    ("latency_p50_s", "latency p50 (s)", lambda v: f"{v:.2f}"),
    ("latency_p95_s", "latency p95 (s)", lambda v: f"{v:.2f}"),
    ("prefill_tok_s", "prefill (tok/s)", lambda v: f"{v:.0f}"),
    ("decode_tok_s", "decode, grammar on (tok/s)", lambda v: f"{v:.1f}"),
    ("prompt_tokens_per_question_p50", "prompt tokens per question (median)", lambda v: f"{v:.0f}"),
    ("model_calls_per_question", "model calls per question (mean)", lambda v: f"{v:.1f}"),
    ("invalid_calls", "malformed tool calls (total)", str),
    ("forced_answers", "answers the agent gave at a bound (round limit, repeated call)", str),
)
EXAMPLES_PER_CONFIG = 5
HEADLINE_FIGURES = 6
"""Figures of each other measurement shown under the summary table (all of them are in its own section)."""


def write_report(
    path: Path,
    metrics: dict[str, Any],
    plots: Sequence[dict[str, str]],
    measurements: Sequence[dict[str, Any]],
    lines: Sequence[dict[str, Any]] = (),
    command: str = "",
) -> str:
    """Write ``report.md`` at ``path`` (plots and measurement PNGs lie beside it); returns its text.
    ``lines`` (the prediction lines) give a few examples of answers that were not correct."""
    parts = [
        "# Evaluation report",
        _intro(metrics),
        "## Summary",
        summary_table(metrics),
        _measurement_summary(measurements),
        "## Per task",
        task_table(metrics),
        template_set_table(metrics),
        "## Plots",
        *[f"![{plot['caption']}]({plot['file']})\n\n*{plot['caption']}*" for plot in plots],
        "## Other measurements",
        *[_measurement_section(m) for m in measurements],
        _examples(lines, metrics),
        _how_made(metrics, command),
    ]
    if not measurements:
        parts.insert(parts.index("## Other measurements") + 1, "None were asked for (`--measurements none`).")
    text = "\n\n".join(part for part in parts if part) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def _intro(metrics: dict[str, Any]) -> str:
    source = metrics.get("input", {})
    lines = [f"{source.get('questions', '?')} questions from `{source.get('file', '?')}`, configurations: "
             + ", ".join(f"`{label}`" for label in metrics.get("labels", [])) + "."]
    lines += [f"> {note}" for note in metrics.get("notes", [])]
    return "\n\n".join(lines)


def summary_table(metrics: dict[str, Any]) -> str:
    """Configuration × metric, one row per metric (``–`` where a figure does not apply)."""
    labels = metrics.get("labels", [])
    if not labels:
        return "No predictions yet."
    rows = [_row(["metric", *labels]), _row(["---", *["---:"] * len(labels)])]
    for key, title, fmt in SUMMARY_ROWS:
        values = [metrics["configs"][label].get(key) for label in labels]
        rows.append(_row([title, *("–" if value is None else fmt(value) for value in values)]))
    return "\n".join(rows)


def task_table(metrics: dict[str, Any]) -> str:
    """Task × configuration accuracy, with the majority-class rate and the "yes" rate for yes/no tasks."""
    labels = metrics.get("labels", [])
    tasks = metrics.get("tasks", {})
    if not tasks or not labels:
        return "No tasks."
    rows = [_row(["task", "kind", "questions", "majority class", *labels]),
            _row(["---", "---", "---:", "---:", *["---:"] * len(labels)])]
    for name, task in tasks.items():
        majority = (f"{task['majority_rate']:.0%} ({task['majority_answer']})" if "majority_rate" in task else "–")
        cells = [_task_cell(task["configs"].get(label) or {}) for label in labels]
        rows.append(_row([name, task["kind"] or "–", str(task["questions"]), majority, *cells]))
    note = ("Cells: accuracy (correct / graded); for yes/no tasks also the share of answers that read as "
            "\"yes\". Majority class: the accuracy of always giving the commoner gold answer.")
    return "\n".join(rows) + "\n\n" + note


def template_set_table(metrics: dict[str, Any]) -> str:
    """Accuracy per held-out template set and configuration; empty when the questions name no set."""
    sets = metrics.get("template_sets") or {}
    labels = metrics.get("labels", [])
    if not sets or not labels:
        return ""
    rows = [_row(["template set", "questions", *labels]), _row(["---", "---:", *["---:"] * len(labels)])]
    for name, by_label in sets.items():
        count = max(figures["n"] for figures in by_label.values())
        rows.append(_row([name, str(count), *(_task_cell(by_label.get(label) or {}) for label in labels)]))
    note = ("Our generated test questions use phrasings that no training row uses, in sets: `held_out` since the "
            "first data release (a first adapter's failures on them were read while the second training wave was "
            "written), `fresh` written with that wave, before any model had answered them, `wave3` written with "
            "the third training wave (which was written after the `held_out` and `fresh` failures had been read) "
            "and `wave4` written with the fourth (written after the first three sets' failures had been read: for "
            "a model trained on it, `wave4` is the clean measure); see `finetune/data/templates.py`.")
    return "### Per template set\n\n" + "\n".join(rows) + "\n\n" + note


def _task_cell(figures: dict[str, Any]) -> str:
    if not figures.get("graded"):
        return "–" if not figures.get("n") else f"ungraded ({figures['n']})"
    cell = f"{figures['accuracy']:.0%} ({figures['correct']}/{figures['graded']})"
    if figures.get("said_yes") is not None:
        cell += f", yes {figures['said_yes']:.0%}"
    return cell


def _measurement_summary(measurements: Sequence[dict[str, Any]]) -> str:
    """The other measurements' headline figures, one row each, under the summary table."""
    rows = []
    for measurement in measurements:
        title = measurement.get("title") or measurement["name"]
        if measurement.get("error"):
            rows.append(_row([title, "not measured (see below)"]))
            continue
        summary = list((measurement.get("summary") or {}).items())
        figures = "; ".join(f"{key}: {_number(value)}" for key, value in summary[:HEADLINE_FIGURES])
        more = " …" if len(summary) > HEADLINE_FIGURES else ""
        rows.append(_row([title, (figures + more) or "–"]))
    if not rows:
        return ""
    return "\n".join([_row(["measurement", "headline figures"]), _row(["---", "---"]), *rows])


def _measurement_section(measurement: dict[str, Any]) -> str:
    title = measurement.get("title") or measurement["name"]
    if measurement.get("error"):
        return f"### {title}\n\nSkipped: {measurement['error']}."
    parts = [f"### {title}"]
    if measurement.get("table_md"):
        parts.append(measurement["table_md"].strip())
    for plot in measurement.get("plots") or []:
        parts.append(f"![{plot.get('caption', '')}]({plot['file']})\n\n*{plot.get('caption', '')}*")
    return "\n\n".join(parts)


def _examples(lines: Sequence[dict[str, Any]], metrics: dict[str, Any]) -> str:
    """The first few graded answers per configuration that were not correct: what went wrong, concretely."""
    from finetune.eval_metrics import config_label

    several = len({line.get("engine") for line in lines}) > 1
    rows = []
    for label in metrics.get("labels", []):
        bad = [line for line in lines if config_label(line, several) == label
               and line.get("verdict") not in (None, "correct")][:EXAMPLES_PER_CONFIG]
        for line in bad:
            answer = " ".join((line.get("answer") or line.get("error") or "").split())
            answer = answer if len(answer) <= 100 else answer[:99] + "…"
            rows.append(_row([label, line["id"], line["verdict"], line.get("detail") or "", answer]))
    if not rows:
        return ""
    head = [_row(["configuration", "id", "verdict", "why", "answer"]), _row(["---"] * 5)]
    return "## Examples of answers that were not correct\n\n" + "\n".join(head + rows)


def _how_made(metrics: dict[str, Any], command: str) -> str:
    lines = ["## How this report was made", ""]
    if command:
        lines.append(f"Command: `{command}`  ")
    lines.append(f"Written {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; machine: {_machine()}.  ")
    if metrics.get("load_average_at_start") is not None:
        lines.append(f"1-minute load average when the run started: {metrics['load_average_at_start']:.2f} (other "
                     "work on the cores slows every timing; answers and verdicts do not depend on it).  ")
    lines.append("Predictions, one line per question and configuration: `predictions.jsonl`; figures: "
                 "`metrics.json`; the agent's trajectories: `runs/trajectories.sqlite`.")
    skipped = metrics.get("input", {}).get("skipped") or []
    if skipped:
        lines += ["", f"Skipped input lines ({len(skipped)}):", *[f"- {problem}" for problem in skipped[:20]]]
        if len(skipped) > 20:
            lines.append(f"- ... and {len(skipped) - 20} more")
    return "\n".join(lines)


def _machine() -> str:
    from benchmarks.agent_bench import machine

    return machine()


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"
