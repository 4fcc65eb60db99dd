"""``graph-agent finetune sft``: LoRA SFT of the base model on our conversations with TRL's ``SFTTrainer``.

The shape follows TRL's own scripts: three dataclasses -- ``DataArguments`` (ours: which data set), TRL's
``SFTConfig`` (training) and ``ModelConfig`` (base model and LoRA) -- filled by ``TrlParser`` from a YAML file
(``--config configs/sft.yaml``) and command-line flags, then a thin ``train``. The rows are the ones
``graph-agent finetune data`` writes (``finetune.records``): TRL renders them with the agent's chat template and
trains on the model's turns only (the template's ``{% generation %}`` blocks). ``--init_adapter DIR`` continues an
earlier adapter (a second SFT round on new data) instead of starting a fresh LoRA. A run resumes from its last
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
from dataclasses import dataclass, field

from trl import ModelConfig, SFTConfig, SFTTrainer

from finetune.base_model import load_tokenizer
from finetune.train_args import DataArguments, load_splits, policy_with_lora, run_training


@dataclass
class SFTDataArguments(DataArguments):
    """Which rows to train on, and optionally an adapter to continue."""

    init_adapter: str | None = field(
        default=None,
        metadata={"help": "A LoRA adapter (PEFT directory, e.g. an earlier SFT run) to continue training; "
                          "none: a fresh LoRA from the lora_* settings."},
    )

    @property
    def parent_adapter(self) -> str | None:
        return self.init_adapter


def build_trainer(data: SFTDataArguments, training: SFTConfig, model: ModelConfig) -> SFTTrainer:
    """The ``SFTTrainer`` for these arguments: base model, agent-template tokenizer, LoRA (fresh or continued),
    rows."""
    train_rows, eval_rows = load_splits(data, training)
    policy, peft_config = policy_with_lora(model, training.bf16, data.parent_adapter)
    return SFTTrainer(
        model=policy,
        args=training,
        train_dataset=train_rows,
        eval_dataset=eval_rows,
        processing_class=load_tokenizer(model.model_name_or_path),
        peft_config=peft_config,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``graph-agent finetune sft``: parse the YAML and flags, train (resuming after a kill), save the adapter."""
    return run_training((SFTDataArguments, SFTConfig, ModelConfig), build_trainer, "graph-agent finetune sft", argv)


if __name__ == "__main__":
    sys.exit(main())
