"""The adapter card, the DPO regression gate and the run record, on files shaped like the pipeline's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finetune.card import write_card
from finetune.gate import gate_markdown, regression_gate
from finetune.run_info import RUN_INFO, read_run_info, training_summary, write_run_info
from tui.cli import main


def metrics(sft: dict[str, float], dpo: dict[str, float], dpo_label: str = "runs/dpo") -> dict:
    tasks = {
        task: {"kind": "number", "questions": 4,
               "configs": {"runs/sft": {"accuracy": sft[task]}, dpo_label: {"accuracy": dpo[task]}}}
        for task in sft
    }
    return {
        "labels": ["runs/sft", dpo_label],
        "configs": {"runs/sft": {"accuracy": 0.5, "questions": 8}, dpo_label: {"accuracy": 0.6, "questions": 8}},
        "tasks": tasks,
        "input": {"file": "validation.eval.jsonl", "questions": 8},
    }


def test_the_gate_rejects_a_dpo_adapter_that_loses_more_than_a_point_on_any_task():
    result = regression_gate(metrics({"degree": 0.5, "has_path": 0.75}, {"degree": 1.0, "has_path": 0.5}),
                             "runs/sft", "runs/dpo")
    assert not result.accepted and result.failed == ["has_path"]
    report = gate_markdown(result)
    assert "**rejected**" in report and "| has_path | 4 | 75% | 50% | -25 pt | FAIL |" in report


def test_the_gate_accepts_equal_or_better_tasks_and_names_missing_configurations():
    result = regression_gate(metrics({"degree": 0.5}, {"degree": 0.5}), "runs/sft", "runs/dpo")
    assert result.accepted and "**accepted**" in gate_markdown(result)
    with pytest.raises(KeyError, match="runs/other"):
        regression_gate(metrics({"degree": 0.5}, {"degree": 0.5}), "runs/sft", "runs/other")


def test_gate_command_exits_1_on_rejection_and_writes_the_report_into_the_dpo_adapter(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs" / "dpo").mkdir(parents=True)
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "metrics.json").write_text(json.dumps(metrics({"degree": 1.0}, {"degree": 0.75})))
    assert main(["finetune", "gate", "eval", "--sft", "runs/sft", "--dpo", "runs/dpo"]) == 1
    assert "FAIL" in (tmp_path / "runs" / "dpo" / "gate.md").read_text()
    assert main(["finetune", "gate", "missing", "--sft", "runs/sft", "--dpo", "runs/dpo"]) == 2
    assert "error:" in capsys.readouterr().err


def test_gate_command_says_so_when_the_dpo_label_is_not_a_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "metrics.json").write_text(
        json.dumps(metrics({"degree": 1.0}, {"degree": 1.0}, dpo_label="default"))
    )
    assert main(["finetune", "gate", "eval", "--sft", "runs/sft", "--dpo", "default"]) == 0
    assert "gate.md not written: 'default' is a label" in capsys.readouterr().out
    assert not (tmp_path / "default").exists()


def trainer_state(path: Path, runtime: float = 120.0) -> None:
    history = [
        {"loss": 3.0, "num_tokens": 1000.0, "step": 5},
        {"eval_loss": 1.5, "step": 10},
        {"loss": 0.5, "num_tokens": 2400.0, "step": 10},
        {"train_runtime": runtime, "train_loss": 1.2, "step": 10},
    ]
    (path / "trainer_state.json").write_text(json.dumps({"global_step": 10, "epoch": 1.0, "log_history": history}))


def test_training_summary_reads_time_tokens_and_losses_from_the_trainer_log(tmp_path):
    trainer_state(tmp_path)
    summary = training_summary(tmp_path)
    assert summary["steps"] == 10 and summary["tokens"] == 2400 and summary["tokens_per_s"] == pytest.approx(20.0)
    assert (summary["first_loss"], summary["last_loss"], summary["last_eval_loss"]) == (3.0, 0.5, 1.5)
    assert training_summary(tmp_path / "nothing") is None


def test_a_resumed_run_adds_up_its_token_counts_and_rates_the_last_invocation(tmp_path):
    history = [{"loss": 1.0, "num_tokens": 500.0, "step": 5}, {"loss": 0.8, "num_tokens": 1000.0, "step": 10},
               {"loss": 0.6, "num_tokens": 400.0, "step": 15}, {"train_runtime": 10.0, "step": 15}]
    (tmp_path / "trainer_state.json").write_text(json.dumps({"global_step": 15, "epoch": 1.0, "log_history": history}))
    summary = training_summary(tmp_path)
    assert summary["tokens"] == 1400 and summary["tokens_per_s"] == pytest.approx(40.0)


def test_a_checkpoint_is_timed_by_the_clock_saved_in_its_state(tmp_path):
    history = [{"loss": 1.0, "num_tokens": 300.0, "step": 5}, {"loss": 0.8, "num_tokens": 600.0, "step": 10}]
    clock = {"TrainingClock": {"args": {}, "attributes": {"elapsed_s": 30.0}}}
    (tmp_path / "trainer_state.json").write_text(
        json.dumps({"global_step": 10, "epoch": 0.5, "log_history": history, "stateful_callbacks": clock}))
    summary = training_summary(tmp_path)
    assert summary["train_runtime_s"] == 30.0 and summary["tokens_per_s"] == pytest.approx(20.0)


def test_a_run_record_carries_the_runs_it_continued_and_the_card_shows_every_stage_in_order(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "manifest.json").write_text(json.dumps({"seed": 3, "sizes": {"train": 10, "validation": 2, "test": 2},
                                                    "dpo_pairs": {"train": {"wrong_tool": 7}}, "files": {}}))
    sft, sft2, dpo = tmp_path / "sft", tmp_path / "sft2", tmp_path / "dpo"
    write_run_info(sft, "graph-agent finetune sft", ["--data_dir", str(data)], data)
    trainer_state(sft)
    write_run_info(sft2, "graph-agent finetune sft", ["--init_adapter", str(sft)], data, parent=sft)
    trainer_state(sft2, runtime=240.0)
    write_run_info(dpo, "graph-agent finetune dpo", ["--sft_adapter", str(sft2)], data, parent=sft2)
    trainer_state(dpo, runtime=60.0)
    record = read_run_info(dpo)
    assert record["parent"]["run_info"]["command"].startswith("graph-agent finetune sft --init_adapter")
    assert record["parent"]["training"]["tokens_per_s"] == pytest.approx(10.0)
    assert record["parent"]["run_info"]["parent"]["training"]["tokens_per_s"] == pytest.approx(20.0)
    assert record["data"]["seed"] == 3 and record["machine"]["cores"] >= 1
    (dpo / "adapter_config.json").write_text(json.dumps({"r": 16, "lora_alpha": 32, "lora_dropout": 0.0,
                                                         "target_modules": ["q_proj", "v_proj"]}))
    (dpo / "gate.md").write_text("DPO adapter accepted.\n")
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    (eval_dir / "metrics.json").write_text(json.dumps(metrics({"degree": 0.5}, {"degree": 1.0})))
    card = write_card(dpo, eval_dir).read_text()
    assert "### SFT\n" in card and "### SFT, round 2 (continues the adapter above)\n" in card and "### DPO\n" in card
    commands = ("graph-agent finetune sft --data_dir", "--init_adapter", "graph-agent finetune dpo --sft_adapter")
    assert sorted(commands, key=card.index) == list(commands) and "10 tokens/s" in card
    assert "--seed 3" in card and "2400 tokens read, 20 tokens/s" in card and "40 tokens/s" in card
    assert "r=16, alpha=32" in card and "DPO adapter accepted." in card and "| degree |" in card
    assert (dpo / RUN_INFO).is_file()
