"""``graph-agent finetune pairs --from-log``: logged runs of the same question on the same graph, verified right and
wrong (a person's label first, else the automatic one), become chosen/rejected pairs; forced answers and
duplicates make none. Runs are made by the real agent loop with a scripted model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.context import AgentConfig
from agent.session import AgentSession
from agent.trajectory import FILE_NAME, TrajectoryLog
from finetune.log_pairs import log_pairs
from graphs.sources import GraphSource, open_backend
from tests.scripted_engine import ScriptedEngine
from tui.cli import main

QUESTION = "Edges: A-B, B-C. How many edges are there?"
CALL = "<call>count_edges {}</call>"


def run_answers(data_dir: Path, answers: list[str]) -> list[str]:
    """Ask QUESTION once per answer (each in a new conversation, no cache); the run ids."""
    replies = [reply for answer in answers for reply in (CALL, answer)]
    backend = open_backend(GraphSource(sample="nordic_roads"))
    config = AgentConfig(data_dir=data_dir, use_cache=False)
    with AgentSession(backend, config, engine=ScriptedEngine(replies)) as session:
        return [session.ask(QUESTION).run_id for _ in answers]


def test_a_right_and_a_wrong_run_of_one_question_make_a_pair(tmp_path: Path) -> None:
    right, wrong = run_answers(tmp_path, ["There are 2 edges.", "There are 5 edges."])
    with TrajectoryLog(tmp_path / FILE_NAME) as log:
        assert [log.get_run(r)["auto_label"] for r in (right, wrong)] == ["agrees", "disagrees"]
        export = log_pairs(log)
    [record] = export.records
    # Both runs made the same call and read the same result: those turns are prompt, each side is its answer.
    assert record["chosen"] == [{"role": "assistant", "content": "There are 2 edges."}]
    assert record["rejected"] == [{"role": "assistant", "content": "There are 5 edges."}]
    user, call, result = record["prompt"][-3:]
    assert user == {"role": "user", "content": "How many edges are there?"}
    assert call["tool_calls"][0]["function"]["name"] == "count_edges" and result["role"] == "tool"
    assert record["provenance"]["chosen_run"] == right and record["provenance"]["rejected_label"] == "wrong:auto"
    assert record["chat_template_kwargs"]["graph_context"].startswith("inline graph")


def test_a_persons_label_wins_over_the_automatic_one(tmp_path: Path) -> None:
    right, wrong = run_answers(tmp_path, ["There are 2 edges.", "There are 5 edges."])
    with TrajectoryLog(tmp_path / FILE_NAME) as log:
        log.set_human_label(right, "incorrect")
        log.set_human_label(wrong, "correct")
        [record] = log_pairs(log).records
    assert record["chosen"] == [{"role": "assistant", "content": "There are 5 edges."}]
    assert record["provenance"]["chosen_label"] == "right:human"


def test_a_gold_grade_ranks_between_a_persons_label_and_the_automatic_one(tmp_path: Path) -> None:
    first, second, third = run_answers(tmp_path, ["There are 2 edges.", "There are 5 edges.", "Two edges."])
    with TrajectoryLog(tmp_path / FILE_NAME) as log:
        log.set_human_label(third, "correct")
        assert log.get_run(first)["auto_label"] == "agrees"
        records = log_pairs(log, graded={first: "wrong", third: "wrong"}).records
    assert [r["provenance"]["chosen_label"] for r in records] == ["right:human", "right:human"]
    assert {(r["provenance"]["rejected_run"], r["provenance"]["rejected_label"]) for r in records} == {
        (first, "wrong:gold"), (second, "wrong:auto")}


def test_duplicates_and_forced_answers_make_no_pair(tmp_path: Path) -> None:
    run_answers(tmp_path, ["There are 2 edges.", "There are 5 edges.", "There are 5 edges."])
    backend = open_backend(GraphSource(sample="nordic_roads"))
    with AgentSession(backend, AgentConfig(data_dir=tmp_path, use_cache=False),
                      engine=ScriptedEngine([CALL, CALL])) as session:
        forced = session.ask(QUESTION)
    assert forced.answer.startswith("I stopped")
    with TrajectoryLog(tmp_path / FILE_NAME) as log:
        export = log_pairs(log)
    assert len(export.records) == 1 and export.verified == 2
    assert export.skipped["duplicate pair"] == 1


def test_the_command_writes_the_pairs_and_says_what_it_skipped(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    run_answers(tmp_path, ["There are 2 edges.", "There are 5 edges."])
    out = tmp_path / "pairs.jsonl"
    assert main(["finetune", "pairs", "--from-log", "--log", str(tmp_path / FILE_NAME), "--out", str(out)]) == 0
    assert "1 from verified runs" in capsys.readouterr().out
    assert [json.loads(line)["provenance"]["source"] for line in out.read_text().splitlines()] == ["log_verified"]
    assert main(["finetune", "pairs", "--from-log", "--log", str(tmp_path / "none.sqlite"), "--out", str(out)]) == 2


def test_runs_that_differ_from_their_first_call_keep_only_that_call(tmp_path: Path) -> None:
    backend = open_backend(GraphSource(sample="nordic_roads"))
    config = AgentConfig(data_dir=tmp_path, use_cache=False)
    replies = [CALL, "There are 2 edges.", "<call>count_nodes {}</call>", "There are 3 edges."]
    with AgentSession(backend, config, engine=ScriptedEngine(replies)) as session:
        right, wrong = (session.ask(QUESTION).run_id for _ in range(2))
    with TrajectoryLog(tmp_path / FILE_NAME) as log:
        [record] = log_pairs(log, graded={right: "right", wrong: "wrong"}).records
    assert record["prompt"][-1] == {"role": "user", "content": "How many edges are there?"}
    [chosen], [rejected] = record["chosen"], record["rejected"]
    assert chosen["tool_calls"][0]["function"]["name"] == "count_edges"
    assert rejected["tool_calls"][0]["function"]["name"] == "count_nodes"
