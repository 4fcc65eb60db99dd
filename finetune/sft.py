"""``graph-agent finetune sft``: LoRA SFT of the base model on our conversations with TRL's ``SFTTrainer``.

The shape follows TRL's own scripts: three dataclasses -- ``DataArguments`` (ours: which data set), TRL's
``SFTConfig`` (training) and ``ModelConfig`` (base model and LoRA) -- filled by ``TrlParser`` from a YAML file
(``--config configs/sft.yaml``) and command-line flags, then a thin ``train``. The rows are the ones
``graph-agent finetune data`` writes (``finetune.records``): TRL renders them with the agent's chat template and
trains on the model's turns only (the template's ``{% generation %}`` blocks). A run resumes from its last
checkpoint in ``output_dir`` after a kill; the LoRA adapter (PEFT safetensors) is saved in ``output_dir``.

Speed on CPU: TRL scores the 262k-token LM head only where the loss is (``finetune.lm_head``), activation
checkpointing is off (recomputing activations costs a third more time, and a 270M model fits in memory), and
rows are not padded (``per_device_train_batch_size: 1`` with gradient accumulation): see ``graph-agent bench
train``.

Several processes: ``torchrun --nproc_per_node N -m finetune.sft ...`` (gloo on CPU, checked by a test with 2
processes) or, on GPUs, ``accelerate launch --config_file configs/accelerate/ddp.yaml|zero2.yaml -m finetune.sft
...`` (accelerate's multi-CPU launcher needs MPI, which is not installed here).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from trl import ModelConfig, SFTConfig, SFTTrainer, get_peft_config

from finetune.base_model import load_model, load_tokenizer
from finetune.train_args import DataArguments, load_splits, run_training


def build_trainer(data: DataArguments, training: SFTConfig, model: ModelConfig) -> SFTTrainer:
    """The ``SFTTrainer`` for these arguments: base model, agent-template tokenizer, LoRA, rows."""
    train_rows, eval_rows = load_splits(data, training)
    return SFTTrainer(
        model=load_model(model.model_name_or_path, bf16=training.bf16),
        args=training,
        train_dataset=train_rows,
        eval_dataset=eval_rows,
        processing_class=load_tokenizer(model.model_name_or_path),
        peft_config=get_peft_config(model),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``graph-agent finetune sft``: parse the YAML and flags, train (resuming after a kill), save the adapter."""
    return run_training((DataArguments, SFTConfig, ModelConfig), build_trainer, "graph-agent finetune sft", argv)


if __name__ == "__main__":
    sys.exit(main())
