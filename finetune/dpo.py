"""``graph-agent finetune dpo``: DPO of the SFT adapter on preference pairs with TRL's ``DPOTrainer``.

The policy is the base model with the SFT adapter (``--sft_adapter``), trained further; the reference is that
same SFT model, frozen (TRL copies the loaded adapter into a ``ref`` adapter), so DPO moves the SFT policy and
the result stays one LoRA adapter that both engines can load. Without ``--sft_adapter`` a fresh LoRA
(``ModelConfig``'s ``lora_*``) is trained against the base model. Rows are ``finetune.records.preference_record``
rows (``dpo_train.jsonl``: synthetic failures; ``graph-agent feedback export``: human pairs). The same
``TrlParser`` YAML + flags, resume after a kill, and the fast LM head as ``finetune.sft``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from trl import DPOConfig, DPOTrainer, ModelConfig

from finetune.base_model import load_tokenizer
from finetune.train_args import DataArguments, load_splits, policy_with_lora, run_training


@dataclass
class PreferenceDataArguments(DataArguments):
    """Which pairs to train on, and the SFT adapter to start from."""

    train_file: str = field(default="dpo_train.jsonl", metadata={"help": "Preference rows, relative to data_dir."})
    eval_file: str | None = field(
        default="dpo_test.jsonl",
        metadata={"help": "Rows for the periodic evaluation (monitoring only: no checkpoint is chosen by it)."},
    )
    sft_adapter: str | None = field(
        default=None, metadata={"help": "The SFT adapter (PEFT directory) to continue from; none: a fresh LoRA."}
    )

    @property
    def parent_adapter(self) -> str | None:
        return self.sft_adapter


def build_trainer(data: PreferenceDataArguments, training: DPOConfig, model: ModelConfig) -> DPOTrainer:
    """The ``DPOTrainer``: SFT policy (or fresh LoRA), agent-template tokenizer, pairs."""
    train_rows, eval_rows = load_splits(data, training)
    policy, peft_config = policy_with_lora(model, training.bf16, data.parent_adapter)
    return DPOTrainer(
        model=policy,
        args=training,
        train_dataset=train_rows,
        eval_dataset=eval_rows,
        processing_class=load_tokenizer(model.model_name_or_path),
        peft_config=peft_config,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``graph-agent finetune dpo``: parse the YAML and flags, train (resuming after a kill), save the adapter."""
    dataclasses = (PreferenceDataArguments, DPOConfig, ModelConfig)
    return run_training(dataclasses, build_trainer, "graph-agent finetune dpo", argv)


if __name__ == "__main__":
    sys.exit(main())
