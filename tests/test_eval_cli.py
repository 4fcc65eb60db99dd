"""``graph-agent eval`` on the command line: bad options exit 2 with one line, and a real llama.cpp run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import agent.engines
from finetune.grading import VERDICTS
from tests.eval_engines import DATA, KeyedEngine, oracle_reply
from tui.cli import main


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRAPH_AGENT_DATA_DIR", str(tmp_path / "data"))


def run(tmp_path: Path, *extra: str) -> int:
    return main(["eval", "--data", str(DATA), "--out", str(tmp_path / "out"), "--measurements", "none",
                 "--no-progress", *extra])


@pytest.mark.parametrize(("extra", "message"), [
    (["--data", "nowhere.jsonl"], "cannot read the question file"),
    (["--compare", "base,./no-such-adapter"], "configuration './no-such-adapter'"),
    (["--measurements", "cache,speed"], "unknown measurement 'speed'"),
    (["--limit", "0"], "--limit must be at least 1"),
    (["--max-rounds", "0"], "--max-rounds must be at least 1"),
])
def test_bad_options_are_one_error_line_and_exit_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert run(tmp_path, *extra) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert not (tmp_path / "out" / "predictions.jsonl").exists()


def test_a_file_without_one_usable_question_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text("{oops\n")
    assert run(tmp_path, "--data", str(data)) == 2
    assert "holds no usable question (line 1: not JSON" in capsys.readouterr().err


def test_a_run_prints_the_summary_table_and_where_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agent.engines, "make_engine", lambda *a, **k: KeyedEngine(oracle_reply, "sft"))
    assert run(tmp_path, "--limit", "3") == 0
    out = capsys.readouterr().out
    assert "| **accuracy** (correct / graded) | **100.0%** |" in out
    assert f"wrote {tmp_path / 'out' / 'predictions.jsonl'}" in out
    report = (tmp_path / "out" / "report.md").read_text()
    assert f"Command: `graph-agent eval --data {DATA} --out {tmp_path / 'out'} --compare default" in report


def test_the_real_base_model_is_evaluated_end_to_end(tmp_path: Path) -> None:
    """Three questions on llama.cpp with the untuned base model: every line graded, speeds measured."""
    pytest.importorskip("llama_cpp")
    assert run(tmp_path, "--compare", "base", "--limit", "3", "--max-tokens", "48", "--max-rounds", "2") == 0
    lines = [json.loads(line) for line in (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == ["inline-reach-yes", "inline-reach-no", "roads-reach-no"]
    for line in lines:
        assert line["config"] == "base" and line["adapter_id"] is None
        assert line["verdict"] in VERDICTS and line["detail"]
        assert line["usage"]["model_calls"] >= 1 and line["usage"]["prefill_s"] > 0
    metrics: dict[str, Any] = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["configs"]["base"]["decode_tok_s"] > 0
    assert (tmp_path / "out" / "eval_latency.png").is_file()
