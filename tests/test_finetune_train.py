"""SFT and DPO with TRL on a tiny random Gemma-3 (2 layers, hidden 64) with the real tokenizer and our own data:

- scoring the LM head only where the loss is gives the same loss and gradients as TRL's CPU default;
- ``graph-agent finetune sft`` trains on the model's turns only, saves a PEFT adapter, and resumes from its
  last checkpoint after a stop; two processes (torchrun, gloo) train one adapter together;
- ``graph-agent finetune dpo`` continues the SFT adapter against a frozen copy of it (first-step loss ln 2).

The real base model's speed is ``graph-agent bench train``'s business, not a test's.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from transformers import AutoTokenizer, Gemma3ForCausalLM, Gemma3TextConfig
from trl import ModelConfig, SFTConfig, SFTTrainer

from finetune import sft
from finetune.base_model import base_model_dir
from finetune.data import generate, parse_sizes
from finetune.run_info import read_run_info, training_summary
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A 2-layer random Gemma-3 with the base model's tokenizer, saved as a model directory."""
    out = tmp_path_factory.mktemp("tiny")
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir())
    config = Gemma3TextConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=2, num_key_value_heads=1, head_dim=32, max_position_embeddings=4096,
        sliding_window=128, layer_types=["sliding_attention", "full_attention"],
    )
    torch.manual_seed(0)
    Gemma3ForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return str(out)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("data")
    generate(out, seed=0, sizes=parse_sizes("8,2,2"))
    return str(out)


@pytest.fixture(scope="module")
def sft_adapter(tiny_model: str, data_dir: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("sft")
    code = main(["finetune", "sft", "--config", str(ROOT / "configs/sft.yaml"), "--data_dir", data_dir,
                 "--output_dir", str(out), "--model_name_or_path", tiny_model, "--max_steps", "2",
                 "--gradient_accumulation_steps", "1", "--save_steps", "1", "--eval_steps", "2",
                 "--disable_tqdm", "true"])
    assert code == 0
    yield out


def trainer_for(tiny_model: str, data_dir: str, out: Path, compact: bool) -> SFTTrainer:
    training = SFTConfig(output_dir=str(out), assistant_only_loss=True, per_device_train_batch_size=2,
                         use_cpu=True, bf16=False, report_to="none", max_length=2048, seed=0)
    lora = ModelConfig(model_name_or_path=tiny_model, use_peft=True, lora_target_modules=["all-linear"])
    data = sft.SFTDataArguments(data_dir=data_dir, eval_file=None, max_train_rows=2, compact_lm_head=compact)
    torch.manual_seed(0)
    return sft.build_trainer(data, training, lora)


def test_scoring_only_labelled_positions_gives_the_same_loss_and_gradients(
    tiny_model: str, data_dir: str, tmp_path: Path
) -> None:
    figures = []
    for compact in (False, True):
        trainer = trainer_for(tiny_model, data_dir, tmp_path / str(compact), compact)
        batch = next(iter(trainer.get_train_dataloader()))
        loss = trainer.compute_loss(trainer.model, batch)
        loss.backward()
        grads = {n: p.grad.clone() for n, p in trainer.model.named_parameters() if p.grad is not None}
        figures.append((loss.item(), grads))
    (full_loss, full_grads), (compact_loss, compact_grads) = figures
    assert compact_loss == pytest.approx(full_loss, rel=1e-5)
    assert full_grads.keys() == compact_grads.keys() and full_grads
    for name, grad in full_grads.items():
        torch.testing.assert_close(compact_grads[name], grad, rtol=1e-4, atol=1e-6, msg=name)


def test_only_the_model_turns_carry_loss(tiny_model: str, data_dir: str, tmp_path: Path) -> None:
    trainer = trainer_for(tiny_model, data_dir, tmp_path, compact=True)
    tokenizer = trainer.processing_class
    row = trainer.train_dataset[0]
    trained = [label for label in row["labels"] if label != -100]
    text = tokenizer.decode(trained)
    assert "<end_of_turn>" in text and ("<call>" in text)
    assert "<start_of_turn>" not in text and "Tools:" not in text
    conversation = json.loads((Path(data_dir) / "train.jsonl").read_text().splitlines()[0])
    question = next(m["content"] for m in conversation["messages"] if m["role"] == "user")
    assert question not in text


def test_sft_saves_a_peft_adapter_and_resumes_from_its_last_checkpoint(
    sft_adapter: Path, tiny_model: str, data_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (sft_adapter / "adapter_model.safetensors").is_file()
    config = json.loads((sft_adapter / "adapter_config.json").read_text())
    targets = {name.rsplit(".", 1)[-1] for name in config["target_modules"]}
    assert config["r"] == 16 and targets >= {"q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"}
    resumed: list[str | None] = []
    original = SFTTrainer.train

    def recording_train(self: SFTTrainer, resume_from_checkpoint: str | None = None, **kwargs: object) -> object:
        resumed.append(resume_from_checkpoint)
        return original(self, resume_from_checkpoint=resume_from_checkpoint, **kwargs)

    monkeypatch.setattr(SFTTrainer, "train", recording_train)
    code = main(["finetune", "sft", "--config", str(ROOT / "configs/sft.yaml"), "--data_dir", data_dir,
                 "--output_dir", str(sft_adapter), "--model_name_or_path", tiny_model, "--max_steps", "3",
                 "--gradient_accumulation_steps", "1", "--save_steps", "1", "--eval_file", "none",
                 "--disable_tqdm", "true"])
    assert code == 0 and resumed == [str(sft_adapter / "checkpoint-2")]
    state = json.loads((sft_adapter / "checkpoint-3" / "trainer_state.json").read_text())
    assert state["global_step"] == 3
    summary = training_summary(sft_adapter / "checkpoint-3")  # no train_runtime yet: the clock saved with it
    assert summary["train_runtime_s"] > 0


def test_sft_continues_an_earlier_adapter_and_records_it(
    sft_adapter: Path, tiny_model: str, data_dir: str, tmp_path: Path
) -> None:
    from safetensors.torch import load_file

    earlier = load_file(sft_adapter / "adapter_model.safetensors")
    assert any(value.abs().sum() > 0 for key, value in earlier.items() if "lora_B" in key), "not a fresh LoRA"
    code = main(["finetune", "sft", "--config", str(ROOT / "configs/sft.yaml"), "--data_dir", data_dir,
                 "--output_dir", str(tmp_path), "--model_name_or_path", tiny_model, "--init_adapter", str(sft_adapter),
                 "--max_steps", "1", "--learning_rate", "0", "--warmup_steps", "0", "--gradient_accumulation_steps",
                 "1", "--eval_file", "none", "--save_strategy", "no", "--disable_tqdm", "true"])
    assert code == 0
    continued = load_file(tmp_path / "adapter_model.safetensors")
    assert continued.keys() == earlier.keys()
    for key, value in earlier.items():  # learning rate 0: the saved adapter is the one it started from
        torch.testing.assert_close(continued[key], value, msg=key)
    assert read_run_info(tmp_path)["parent"]["dir"] == str(sft_adapter)
    assert main(["finetune", "sft", "--data_dir", data_dir, "--output_dir", str(tmp_path / "x"),
                 "--init_adapter", str(tmp_path / "missing")]) == 2


def test_dpo_continues_the_sft_adapter_against_a_frozen_copy_of_it(
    sft_adapter: Path, tiny_model: str, data_dir: str, tmp_path: Path
) -> None:
    from trl import DPOConfig

    from finetune.dpo import PreferenceDataArguments, build_trainer

    training = DPOConfig(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=1, logging_steps=1,
                         use_cpu=True, bf16=False, report_to="none", eval_strategy="no", save_strategy="no",
                         max_length=2048)
    data = PreferenceDataArguments(data_dir=data_dir, eval_file=None, max_train_rows=1,
                                   sft_adapter=str(sft_adapter))
    trainer = build_trainer(data, training, ModelConfig(model_name_or_path=tiny_model))
    trainer.train()
    first = next(entry for entry in trainer.state.log_history if "loss" in entry)
    assert float(first["loss"]) == pytest.approx(math.log(2), abs=1e-3)
    assert abs(float(first["rewards/margins"])) < 1e-4
    trainer.save_model(str(tmp_path / "dpo"))
    assert (tmp_path / "dpo" / "adapter_model.safetensors").is_file()


def test_two_processes_train_one_adapter_with_gloo(tiny_model: str, data_dir: str, tmp_path: Path) -> None:
    torchrun = Path(sys.executable).with_name("torchrun")
    done = subprocess.run(
        [str(torchrun), "--nproc_per_node", "2", "--master_port", "29531", "-m", "finetune.sft",
         "--config", str(ROOT / "configs/sft.yaml"), "--data_dir", data_dir, "--output_dir", str(tmp_path),
         "--model_name_or_path", tiny_model, "--max_steps", "1", "--gradient_accumulation_steps", "1",
         "--eval_file", "none", "--save_steps", "1", "--logging_steps", "1", "--disable_tqdm", "true"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    state = json.loads((tmp_path / "checkpoint-1" / "trainer_state.json").read_text())
    assert state["log_history"][0]["epoch"] == pytest.approx(2 / 8), "one step took one row from each process"
    assert (tmp_path / "adapter_model.safetensors").is_file()


def test_the_trainers_take_trl_flags_and_refuse_a_missing_data_set(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["finetune", "sft", "--help"])
    assert exit_info.value.code == 0 and "--data_dir" in capsys.readouterr().out
    assert main(["finetune", "dpo", "--data_dir", "/no/such/dir", "--output_dir", "/tmp/unused"]) == 2
    assert "no such file" in capsys.readouterr().err
