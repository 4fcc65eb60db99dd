"""The eval runner with fake engines: predictions, grading, metrics, report and plots, resuming, crashes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import agent.engines
from agent.model_files import resolve_adapter
from finetune import evaluate
from finetune.evaluate import PREDICTIONS, SUPERSEDED, EvalOptions, run_eval
from finetune.grading import VERDICTS
from tests.eval_engines import DATA, KeyedEngine, oracle_reply, yes_sayer_reply

QUESTIONS = 16
PNG = b"\x89PNG"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GRAPH_AGENT_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> list[KeyedEngine]:
    """``base`` (adapter none) is a yes-sayer; anything else is the oracle. Every engine made is recorded."""
    made: list[KeyedEngine] = []

    def make(name: str, model: Any = None, adapter: Any = None, **options: Any) -> KeyedEngine:
        source = resolve_adapter(adapter, name)  # the id a real engine records for these weights
        engine = KeyedEngine(yes_sayer_reply) if source is None else KeyedEngine(oracle_reply, source.adapter_id)
        made.append(engine)
        return engine

    monkeypatch.setattr(agent.engines, "make_engine", make)
    return made


def options(tmp_path: Path, **overrides: Any) -> EvalOptions:
    values: dict[str, Any] = {"data": DATA, "out": tmp_path / "eval", "configs": ("base", "default"),
                              "measurements": (), "progress": False}
    return EvalOptions(**{**values, **overrides})


def predictions(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (tmp_path / "eval" / PREDICTIONS).read_text().splitlines()]


def test_each_configuration_answers_every_question_and_each_line_has_the_documented_fields(
    tmp_path: Path, engines: list[KeyedEngine]
) -> None:
    run_eval(options(tmp_path))
    lines = predictions(tmp_path)
    assert len(lines) == 2 * QUESTIONS
    assert {line["config"] for line in lines} == {"base", "default"}
    for line in lines:
        assert {"id", "config", "answer", "normalized", "tool_calls", "latency_s", "usage", "cached",
                "verdict"} <= line.keys()
        assert line["verdict"] in (*VERDICTS, None)
    assert all(engine.closed for engine in engines)


def test_the_oracle_is_graded_correct_everywhere_and_the_yes_sayer_hallucinated(
    tmp_path: Path, engines: list[KeyedEngine]
) -> None:
    metrics = run_eval(options(tmp_path))
    oracle, yes = metrics["configs"]["default"], metrics["configs"]["base"]
    wrong = [(line["id"], line["detail"]) for line in predictions(tmp_path)
             if line["config"] == "default" and line["verdict"] not in ("correct", None)]
    assert wrong == []
    assert oracle["graded"] == QUESTIONS - 1 and oracle["accuracy"] == 1.0
    assert oracle["tool_choice_accuracy"] == 1.0 and oracle["argument_accuracy"] == 1.0
    assert yes["hallucinated"] == yes["graded"] and yes["accuracy"] == 0.0 and yes["tool_choice_accuracy"] == 0.0
    reach = metrics["tasks"]["has_path"]
    assert reach["majority_rate"] == pytest.approx(2 / 3) and reach["majority_answer"] == "no"
    assert reach["configs"]["base"]["said_yes"] == 1.0


def test_a_question_without_a_gold_answer_is_answered_but_not_graded(
    tmp_path: Path, engines: list[KeyedEngine]
) -> None:
    run_eval(options(tmp_path, configs=("default",)))
    describe = next(line for line in predictions(tmp_path) if line["id"] == "roads-describe")
    assert describe["answer"] and describe["verdict"] is None and describe["gradable"] is False


def test_speed_and_tokens_come_from_the_logged_model_steps(tmp_path: Path, engines: list[KeyedEngine]) -> None:
    metrics = run_eval(options(tmp_path, configs=("default",)))
    line = predictions(tmp_path)[0]
    assert line["usage"]["model_calls"] == 2 and line["usage"]["prompt_tokens"] > 0
    assert line["usage"]["forced"] is None
    assert line["usage"]["prefill_s"] == pytest.approx(0.02)
    figures = metrics["configs"]["default"]
    assert figures["prefill_tok_s"] > 0 and figures["decode_tok_s"] > 0 and figures["latency_p95_s"] is not None


def test_the_report_opens_with_the_summary_then_tasks_then_plots_that_exist(
    tmp_path: Path, engines: list[KeyedEngine]
) -> None:
    run_eval(options(tmp_path))
    report = (tmp_path / "eval" / "report.md").read_text()
    assert report.index("## Summary") < report.index("## Per task") < report.index("## Plots")
    assert "| **accuracy** (correct / graded) | **0.0%** | **100.0%** |" in report
    assert "67% (no)" in report
    images = [part.split(")")[0] for part in report.split("](")[1:]]
    assert len(images) == 4
    for image in images:
        assert (tmp_path / "eval" / image).read_bytes().startswith(PNG)
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert metrics["labels"] == ["base", "default"]


def test_a_killed_run_resumes_with_only_the_questions_not_yet_answered(
    tmp_path: Path, engines: list[KeyedEngine]
) -> None:
    run_eval(options(tmp_path, configs=("default",), limit=5))
    file = tmp_path / "eval" / PREDICTIONS
    kept = file.read_text().splitlines()[:3]
    file.write_text("\n".join(kept) + "\n" + kept[-1][:40])
    run_eval(options(tmp_path, configs=("default",)))
    lines = predictions(tmp_path)
    assert len(lines) == QUESTIONS and len({line["id"] for line in lines}) == QUESTIONS
    assert len(engines[-1].questions) == QUESTIONS - 3


def test_answers_made_with_other_adapter_weights_are_set_aside_and_asked_again(
    tmp_path: Path, engines: list[KeyedEngine]
) -> None:
    run_eval(options(tmp_path, limit=5))
    file = tmp_path / "eval" / PREDICTIONS
    earlier = [json.loads(line) for line in file.read_text().splitlines()]
    for line in earlier:
        if line["config"] == "default":
            line["adapter_id"] = "default-weights-shipped-before"
    file.write_text("".join(json.dumps(line) + "\n" for line in earlier))
    metrics = run_eval(options(tmp_path))
    lines = predictions(tmp_path)
    current = resolve_adapter("default", "llamacpp")
    assert current is not None
    assert len(lines) == 2 * QUESTIONS
    assert {line["adapter_id"] for line in lines if line["config"] == "default"} == {current.adapter_id}
    assert len(engines[-1].questions) == QUESTIONS  # default asked everything again, base only the rest
    assert len(engines[-2].questions) == QUESTIONS - 5
    superseded = [json.loads(line) for line in (tmp_path / "eval" / SUPERSEDED).read_text().splitlines()]
    assert len(superseded) == 5 and {line["adapter_id"] for line in superseded} == {"default-weights-shipped-before"}
    assert metrics["configs"]["default"]["graded"] == QUESTIONS - 1


def test_a_question_that_crashes_the_agent_is_missing_with_the_error_and_the_rest_go_on(
    tmp_path: Path, engines: list[KeyedEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash_on_degree(question: str, has_result: bool) -> str:
        if "degree" in question:
            raise RuntimeError("engine exploded")
        return oracle_reply(question, has_result)

    monkeypatch.setattr(agent.engines, "make_engine", lambda *a, **k: KeyedEngine(crash_on_degree, "sft"))
    metrics = run_eval(options(tmp_path, configs=("default",)))
    lines = predictions(tmp_path)
    crashed = next(line for line in lines if line["id"] == "inline-degree")
    assert crashed["verdict"] == "missing" and crashed["error"] == "RuntimeError: engine exploded"
    assert len(lines) == QUESTIONS and metrics["configs"]["default"]["crashed"] == 1


def test_bad_lines_are_reported_with_their_line_numbers_and_skipped(
    tmp_path: Path, engines: list[KeyedEngine]
) -> None:
    good = DATA.read_text().splitlines()[:2]
    data = tmp_path / "questions.jsonl"
    data.write_text("\n".join([
        good[0],
        "{not json",
        '{"id": "q-none"}',
        '{"id": "gone", "question": "How many nodes?", "graph": "missing.graphml"}',
        good[0],
        '["a list"]',
        good[1],
    ]) + "\n")
    metrics = run_eval(options(tmp_path, data=data, configs=("default",)))
    skipped = metrics["input"]["skipped"]
    assert [problem.split(":")[0] for problem in skipped] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert "not JSON" in skipped[0] and "question" in skipped[1] and "not found" in skipped[2]
    assert "duplicate id" in skipped[3]
    assert len(predictions(tmp_path)) == 2
    assert "Skipped input lines (5)" in (tmp_path / "eval" / "report.md").read_text()


def test_measurements_are_embedded_and_a_missing_module_is_a_note(
    tmp_path: Path, engines: list[KeyedEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluate, "MEASUREMENTS", {"fake": "tests.fake_measurement", "gone": "benchmarks.nope"})
    run_eval(options(tmp_path, configs=("default",), limit=2, measurements=("fake", "gone"), quick=True))
    report = (tmp_path / "eval" / "report.md").read_text()
    assert "### Fake replay" in report and "| hits | 3 |" in report
    assert "![Hit ratio over the replay.](fake.png)" in report
    assert "Skipped: module benchmarks.nope is not available" in report
    assert json.loads((tmp_path / "eval" / "metrics.json").read_text())["measurements"]["fake"]["summary"] == {
        "hit_ratio": 0.75, "quick": True}


def test_a_rerun_regrades_stored_answers_without_asking_the_model_again(
    tmp_path: Path, engines: list[KeyedEngine]
) -> None:
    run_eval(options(tmp_path, configs=("default",), limit=3))
    file = tmp_path / "eval" / PREDICTIONS
    stale = [{**line, "verdict": "wrong", "detail": "an older grader"} for line in predictions(tmp_path)]
    file.write_text("".join(json.dumps(line) + "\n" for line in stale))
    metrics = run_eval(options(tmp_path, configs=("default",), limit=3))
    assert [line["verdict"] for line in predictions(tmp_path)] == ["correct"] * 3
    assert metrics["configs"]["default"]["accuracy"] == 1.0
    assert len(engines) == 1, "no engine is loaded when every answer is already there"
