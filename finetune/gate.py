"""The DPO regression gate: a DPO adapter is accepted only if no task's accuracy falls more than a point below
the SFT adapter it continues, on the validation questions.

Why: DPO runs on graph tasks have gained on average while losing 20 points on single tasks, so an average is not
enough. The gate reads one ``graph-agent eval --compare SFT,DPO`` run on ``validation.eval.jsonl``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOLERANCE = 0.01
"""How far (a fraction: 1 point) a task's DPO accuracy may fall below SFT's."""
GATE_FILE = "gate.md"


@dataclass
class GateResult:
    """Per-task accuracies of both adapters and whether the DPO one passes."""

    sft: str
    dpo: str
    tolerance: float
    rows: list[dict[str, Any]]
    overall: dict[str, float | None]

    @property
    def failed(self) -> list[str]:
        return [row["task"] for row in self.rows if not row["ok"]]

    @property
    def accepted(self) -> bool:
        return not self.failed


def regression_gate(metrics: dict[str, Any], sft: str, dpo: str, tolerance: float = TOLERANCE) -> GateResult:
    """Compare configurations ``sft`` and ``dpo`` of an eval run's ``metrics.json`` task by task.
    ``KeyError`` when either configuration is not in the run."""
    labels = metrics.get("labels", [])
    for label in (sft, dpo):
        if label not in labels:
            raise KeyError(f"configuration {label!r} is not in this eval run (it has {', '.join(labels) or 'none'})")
    rows = []
    for task, entry in sorted(metrics.get("tasks", {}).items()):
        scores = [entry["configs"].get(label, {}) for label in (sft, dpo)]
        accuracies = [score.get("accuracy") for score in scores]
        if None in accuracies:
            continue
        delta = accuracies[1] - accuracies[0]
        rows.append({"task": task, "questions": entry.get("questions"), "sft": accuracies[0], "dpo": accuracies[1],
                     "delta": delta, "ok": delta >= -tolerance - 1e-9})
    overall = {name: metrics["configs"][label].get("accuracy") for name, label in (("sft", sft), ("dpo", dpo))}
    return GateResult(sft=sft, dpo=dpo, tolerance=tolerance, rows=rows, overall=overall)


def read_gate(eval_dir: str | Path, sft: str, dpo: str, tolerance: float = TOLERANCE) -> GateResult:
    """The gate over ``eval_dir/metrics.json``."""
    metrics = json.loads((Path(eval_dir) / "metrics.json").read_text(encoding="utf-8"))
    return regression_gate(metrics, sft, dpo, tolerance)


def gate_markdown(result: GateResult) -> str:
    """The gate's report: the verdict, then one row per task (failing tasks marked)."""
    verdict = "**accepted**" if result.accepted else f"**rejected** ({len(result.failed)} tasks fell: " + ", ".join(
        result.failed) + ")"
    lines = [
        f"DPO adapter `{result.dpo}` against SFT adapter `{result.sft}`: {verdict}. A task fails when its accuracy "
        f"falls more than {result.tolerance:.0%} below SFT's.",
        "",
        f"Overall accuracy: SFT {_pct(result.overall['sft'])}, DPO {_pct(result.overall['dpo'])}.",
        "",
        "| task | questions | SFT | DPO | change | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in result.rows:
        lines.append(f"| {row['task']} | {row['questions']} | {_pct(row['sft'])} | {_pct(row['dpo'])} | "
                     f"{row['delta'] * 100:+.0f} pt | {'' if row['ok'] else 'FAIL'} |")
    return "\n".join(lines) + "\n"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"
