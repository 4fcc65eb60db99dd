"""What a training run was: the command, the data set, the machine -- written next to the adapter so its card can
say how it was made (``finetune.card``).

Why our own file: TRL saves the trainer's arguments (``training_args.bin``) and, with ``save_state``, the loss log
(``trainer_state.json``), but neither names the data set, the exact command or the hardware a tokens/s figure was
measured on.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from finetune.training_clock import elapsed_at_save

RUN_INFO = "run_info.json"
"""The run record's file name inside an output (adapter) directory."""
TRAINER_STATE = "trainer_state.json"
"""What ``Trainer.save_state`` writes: the loss log."""


def machine_info() -> dict[str, Any]:
    """The hardware and software a run used: CPU model and cores, GPU if any, torch / transformers / TRL / PEFT."""
    import peft
    import torch
    import transformers
    import trl

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "trl": trl.__version__,
        "peft": peft.__version__,
    }


def data_info(data_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Seed, sizes and file hashes from a ``graph-agent finetune data`` directory's manifest (empty if none)."""
    manifest = Path(data_dir).expanduser() / "manifest.json"
    if not manifest.is_file():
        return {"dir": str(data_dir)}
    content = json.loads(manifest.read_text(encoding="utf-8"))
    return {
        "dir": str(data_dir),
        "seed": content.get("seed"),
        "sizes": content.get("sizes"),
        "dpo_pairs": {split: sum(kinds.values()) for split, kinds in (content.get("dpo_pairs") or {}).items()},
        "files": content.get("files"),
    }


def write_run_info(
    output_dir: str | os.PathLike[str],
    prog: str,
    argv: Sequence[str],
    data_dir: str | os.PathLike[str],
    parent: str | os.PathLike[str] | None = None,
) -> Path:
    """Record the command ``prog argv``, its data set and this machine in ``output_dir/run_info.json``; with
    ``parent`` (the adapter the run continues: DPO's SFT adapter, SFT's ``--init_adapter``) also a copy of the
    parent's record and training summary, so the card tells the whole history even after the parent is gone."""
    path = Path(output_dir) / RUN_INFO
    path.parent.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "command": f"{prog} {shlex.join(argv)}",
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "data": data_info(data_dir),
        "machine": machine_info(),
    }
    if parent is not None:
        record["parent"] = {
            "dir": str(parent),
            "run_info": read_run_info(parent),
            "training": training_summary(parent),
        }
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_run_info(adapter_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The run record of an adapter directory, or None."""
    path = Path(adapter_dir) / RUN_INFO
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def training_summary(adapter_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Steps, time, tokens, tokens/s and last losses from ``trainer_state.json`` (TRL's log), or None.
    ``tokens`` counts every token the model read (prompt and answer) over all invocations of a resumed run;
    ``tokens_per_s`` covers the last invocation only, as ``train_runtime`` does."""
    path = Path(adapter_dir) / TRAINER_STATE
    if not path.is_file():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    history = state.get("log_history") or []
    final = next((entry for entry in reversed(history) if "train_runtime" in entry), {})
    tokens, since_start = 0, 0  # TRL's num_tokens restarts from 0 when a run resumes: add up the segments
    for count in (entry["num_tokens"] for entry in history if entry.get("num_tokens") is not None):
        if count < since_start:
            tokens += since_start
        since_start = count
    tokens += since_start
    losses = [entry["loss"] for entry in history if "loss" in entry]
    evals = [entry["eval_loss"] for entry in history if "eval_loss" in entry]
    runtime = final.get("train_runtime") or elapsed_at_save(state)  # a checkpoint: its save time
    return {
        "steps": state.get("global_step"),
        "epochs": state.get("epoch"),
        "train_runtime_s": runtime,
        "tokens": int(tokens) or None,
        "tokens_per_s": since_start / runtime if since_start and runtime else None,
        "first_loss": losses[0] if losses else None,
        "last_loss": losses[-1] if losses else None,
        "last_eval_loss": evals[-1] if evals else None,
        "rewards_accuracy": next(
            (entry["rewards/accuracies"] for entry in reversed(history) if "rewards/accuracies" in entry), None
        ),
    }
