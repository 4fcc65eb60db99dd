"""The trajectory log: runs and steps recorded durably, labels, JSONL export, and surviving a kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.trajectory import TrajectoryLog

WRITER = """
import sys
from agent.trajectory import TrajectoryLog
log = TrajectoryLog(sys.argv[1])
n = 0
while True:
    run = log.start_run(f"question {n}", engine="scripted")
    for seq in range(5):
        log.add_step(run, "model", {"seq": seq, "text": "x" * 2000})
    log.finish_run(run, status="ok", answer=f"answer {n}")
    n += 1
"""


def test_a_run_is_recorded_with_its_steps_and_totals(tmp_path: Path) -> None:
    with TrajectoryLog(tmp_path / "t.sqlite") as log:
        run = log.start_run("How many nodes?", thread_id="t1", engine="llamacpp", model_id="m", adapter_id=None)
        log.add_step(run, "tool", {"name": "count_nodes", "args": {}, "result": {"count": 3}})
        assert log.get_run(run)["status"] == "running"
        log.finish_run(run, status="ok", answer="3", latency_s=0.5, prompt_tokens=10, auto_label="agrees")
        stored = log.get_run(run)
    assert stored["status"] == "ok" and stored["answer"] == "3" and stored["prompt_tokens"] == 10
    assert stored["steps"][0]["kind"] == "tool" and stored["steps"][0]["data"]["result"] == {"count": 3}


def test_the_log_uses_wal_mode(tmp_path: Path) -> None:
    TrajectoryLog(tmp_path / "t.sqlite").close()
    with sqlite3.connect(tmp_path / "t.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_human_label_and_correction_can_be_set_later(tmp_path: Path) -> None:
    with TrajectoryLog(tmp_path / "t.sqlite") as log:
        run = log.start_run("q")
        log.finish_run(run, status="ok", answer="wrong")
        log.set_human_label(run, "incorrect", correction="right")
        stored = log.get_run(run)
        assert (stored["human_label"], stored["correction"]) == ("incorrect", "right")
        with pytest.raises(ValueError, match="correct, incorrect"):
            log.set_human_label(run, "meh")
        with pytest.raises(KeyError):
            log.set_human_label("no-such-run", "correct")


def test_a_blind_ab_choice_is_recorded_between_two_known_runs(tmp_path: Path) -> None:
    with TrajectoryLog(tmp_path / "t.sqlite") as log:
        run_a, run_b = log.start_run("q"), log.start_run("q")
        comparison = log.record_comparison("q", run_a, run_b, "base", "adapters/sft", "b")
        stored = log.comparisons()
        assert [row["id"] for row in stored] == [comparison]
        assert (stored[0]["config_a"], stored[0]["config_b"], stored[0]["choice"]) == ("base", "adapters/sft", "b")
        with pytest.raises(ValueError, match="a, b, tie, both_bad"):
            log.record_comparison("q", run_a, run_b, "base", "x", "left")
        with pytest.raises(KeyError):
            log.record_comparison("q", run_a, "no-such-run", "base", "x", "a")
    with TrajectoryLog(tmp_path / "t.sqlite") as reopened:
        assert len(reopened.comparisons()) == 1


def test_bad_fields_and_statuses_are_refused(tmp_path: Path) -> None:
    with TrajectoryLog(tmp_path / "t.sqlite") as log:
        with pytest.raises(ValueError, match="unknown run fields: colour"):
            log.start_run("q", colour="red")
        run = log.start_run("q")
        with pytest.raises(ValueError, match="status must be one of"):
            log.finish_run(run, status="running")
        with pytest.raises(KeyError):
            log.add_step("not-started", "model", {})


def test_export_writes_one_json_object_per_run_with_its_steps(tmp_path: Path) -> None:
    with TrajectoryLog(tmp_path / "t.sqlite") as log:
        for n in range(3):
            run = log.start_run(f"q{n}")
            log.add_step(run, "model", {"content": f"a{n}"})
            log.finish_run(run, status="ok", answer=f"a{n}")
        assert log.export_jsonl(tmp_path / "out.jsonl") == 3
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [line["question"] for line in lines] == ["q0", "q1", "q2"]
    assert lines[2]["steps"][0]["data"] == {"content": "a2"}


def test_a_kill_9_mid_run_loses_at_most_the_run_in_flight(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=root, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if path.exists() and _finished_runs(path) >= 20:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the writer did not finish 20 runs in 60 s")
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with TrajectoryLog(path) as log:
        runs = log.runs()
        finished = [run for run in runs if run["status"] == "ok"]
        assert len(finished) >= 20 and len(runs) - len(finished) <= 1
        for run in finished:
            stored = log.get_run(run["id"])
            assert stored["answer"] == "answer " + stored["question"].split()[-1]
            assert [step["data"]["seq"] for step in stored["steps"]] == list(range(5))


def _finished_runs(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=1) as db:
            return db.execute("SELECT count(*) FROM runs WHERE status = 'ok'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
