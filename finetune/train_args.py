"""What SFT and DPO runs share: the data arguments, loading a split, and the flags a CPU-only machine needs.

``DataArguments`` is our third dataclass next to TRL's ``SFTConfig``/``DPOConfig`` and ``ModelConfig``, filled
by ``TrlParser`` from ``--config FILE.yaml`` and flags, as TRL's own scripts do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch
from datasets import Dataset, load_dataset


@dataclass
class DataArguments:
    """Which rows to train and evaluate on."""

    data_dir: str = field(metadata={"help": "A directory written by `graph-agent finetune data`."})
    train_file: str = field(default="train.jsonl", metadata={"help": "Training rows, relative to data_dir."})
    eval_file: str | None = field(
        default="validation.jsonl", metadata={"help": "Evaluation rows, relative to data_dir ('none': none)."}
    )
    max_train_rows: int | None = field(default=None, metadata={"help": "Use only the first N training rows."})
    max_eval_rows: int | None = field(default=None, metadata={"help": "Use only the first N evaluation rows."})
    compact_lm_head: bool = field(
        default=True, metadata={"help": "Score the LM head only at positions that carry loss (same numbers)."}
    )


def load_rows(data_dir: str, name: str | None, limit: int | None) -> Dataset | None:
    """One split of a data directory as a ``datasets.Dataset`` (tool schemas kept exactly, as JSON);
    None for no file name."""
    if not name or name.lower() == "none":
        return None
    path = Path(data_dir).expanduser() / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (make one with `graph-agent finetune data --out {data_dir}`)")
    rows = load_dataset("json", data_files=str(path), split="train")
    return rows.select(range(min(limit, len(rows)))) if limit is not None else rows


def device_flags() -> list[str]:
    """Flags to put before the user's (which override them) on a machine without a GPU: train on the CPU, with
    bf16 autocast where the CPU multiplies bf16 natively (TRL's configs assume a GPU for bf16)."""
    from finetune.base_model import cpu_has_bf16

    if torch.cuda.is_available():
        return []
    return ["--use_cpu", "true", "--bf16", "true" if cpu_has_bf16() else "false"]
