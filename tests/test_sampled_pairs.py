"""``graph-agent finetune pairs --sample K``: the real model (llama.cpp, untuned, sampling) answers each gold
question K times; runs are graded as ``graph-agent eval`` grades and right/wrong runs of a question pair up."""

from __future__ import annotations

import json
from pathlib import Path

from agent.trajectory import FILE_NAME, TrajectoryLog
from finetune.sampled_pairs import sample_runs
from tui.cli import main

QUESTIONS = Path(__file__).parent / "data" / "eval" / "questions.jsonl"


def test_sampled_runs_are_logged_graded_and_paired(tmp_path: Path, capsys) -> None:
    out = tmp_path / "pairs.jsonl"
    status = main(["finetune", "pairs", "--sample", "3", "--questions", str(QUESTIONS), "--limit", "4",
                   "--adapter", "none", "--temperature", "1.2", "--out", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "graded answers" in printed and "preference pairs" in printed
    with TrajectoryLog(Path(f"{out}.runs") / FILE_NAME) as log:
        runs = log.runs()
    assert len(runs) == 12 and {run["adapter_id"] for run in runs} == {None}
    for line in out.read_text().splitlines():
        record = json.loads(line)
        assert record["provenance"]["source"] == "log_verified"
        assert record["provenance"]["chosen_label"].startswith("right:")
        assert record["chosen"] != record["rejected"]


def test_every_graded_run_is_in_the_log(tmp_path: Path) -> None:
    graded = sample_runs(QUESTIONS, 2, tmp_path, adapter="none", temperature=1.0, limit=2, progress=False)
    with TrajectoryLog(tmp_path / FILE_NAME) as log:
        ids = {run["id"] for run in log.runs()}
    assert set(graded) <= ids and set(graded.values()) <= {"right", "wrong"}


def test_bad_sampling_requests_are_one_error_line(tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "p.jsonl")
    assert main(["finetune", "pairs", "--sample", "1", "--questions", str(QUESTIONS), "--out", out]) == 2
    assert "at least 2" in capsys.readouterr().err
    assert main(["finetune", "pairs", "--sample", "2", "--out", out]) == 2
    assert "--questions" in capsys.readouterr().err
    assert main(["finetune", "pairs", "--sample", "2", "--questions", str(tmp_path / "none.jsonl"), "--out", out]) == 2
