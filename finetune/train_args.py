"""What SFT and DPO runs share: the data arguments, loading a split, the flags a CPU-only machine needs, and the
command-line run (parse, train with resume, save with the run's record).

``DataArguments`` is our third dataclass next to TRL's ``SFTConfig``/``DPOConfig`` and ``ModelConfig``, filled
by ``TrlParser`` from ``--config FILE.yaml`` and flags, as TRL's own scripts do.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from datasets import Dataset, load_dataset
from peft import PeftModel
from transformers import Trainer
from transformers.trainer_utils import get_last_checkpoint
from trl import TrlParser, get_peft_config

from finetune.base_model import cpu_has_bf16, load_model
from finetune.lm_head import score_only_labelled_positions
from finetune.run_info import write_run_info
from finetune.training_clock import TrainingClock


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

    @property
    def parent_adapter(self) -> str | None:
        """The adapter this run continues (a fresh LoRA: None)."""
        return None


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


def load_splits(data: DataArguments, training: Any) -> tuple[Dataset | None, Dataset | None]:
    """The training and evaluation rows of ``data``, with the LM-head speed-up set as ``data`` asks; without
    evaluation rows, periodic evaluation is switched off in ``training``."""
    score_only_labelled_positions(data.compact_lm_head)
    train_rows = load_rows(data.data_dir, data.train_file, data.max_train_rows)
    eval_rows = load_rows(data.data_dir, data.eval_file, data.max_eval_rows)
    if eval_rows is None:
        training.eval_strategy = "no"
    return train_rows, eval_rows


def policy_with_lora(model: Any, bf16: bool, adapter: str | None) -> tuple[Any, Any]:
    """The model to train and the ``peft_config`` to hand its trainer: the base model with a fresh LoRA
    (``model``'s ``lora_*`` fields, a ``trl.ModelConfig``), or with ``adapter`` (a PEFT directory) loaded trainable,
    so training continues it."""
    path = Path(adapter).expanduser() if adapter else None
    if path is not None and not (path / "adapter_config.json").is_file():
        raise FileNotFoundError(f"{path}: not a PEFT adapter directory (no adapter_config.json)")
    base = load_model(model.model_name_or_path, bf16=bf16)
    if path is None:
        return base, get_peft_config(model)
    return PeftModel.from_pretrained(base, path, is_trainable=True), None


def device_flags() -> list[str]:
    """Flags to put before the user's (which override them) on a machine without a GPU: train on the CPU, with
    bf16 autocast where the CPU multiplies bf16 natively (TRL's configs assume a GPU for bf16)."""
    if torch.cuda.is_available():
        return []
    return ["--use_cpu", "true", "--bf16", "true" if cpu_has_bf16() else "false"]


def run_training(
    dataclasses: tuple[type, type, type],
    build_trainer: Callable[[Any, Any, Any], Trainer],
    prog: str,
    argv: Sequence[str] | None = None,
) -> int:
    """Parse ``--config FILE`` and flags into the three ``dataclasses`` (data, training, model), build the trainer,
    train -- resuming from the last checkpoint in ``output_dir`` if there is one -- and save the adapter there, with
    the run's record (``run_info.json``, at the first start) and loss log (``trainer_state.json``)."""
    parser = TrlParser(dataclasses, prog=prog)
    args = list(sys.argv[1:] if argv is None else argv)
    data, training, model = parser.parse_args_and_config(args=device_flags() + args)
    trainer = build_trainer(data, training, model)
    trainer.add_callback(TrainingClock())
    output_dir = training.output_dir
    last = get_last_checkpoint(output_dir) if os.path.isdir(output_dir) else None
    main_process = int(os.environ.get("RANK", "0")) == 0
    if main_process and last is None:
        write_run_info(output_dir, prog, args, data.data_dir, parent=data.parent_adapter)
    trainer.train(resume_from_checkpoint=last)
    trainer.save_model(output_dir)
    trainer.save_state()
    if main_process:
        print(f"adapter saved in {output_dir}")
    return 0
