"""Eval metrics from prediction lines: accuracy, verdicts, tool choice and arguments, speed, labels."""

from __future__ import annotations

from typing import Any

import pytest

from finetune.eval_input import EvalQuestion
from finetune.eval_metrics import compute_metrics, percentile, summarize
from finetune.report import template_set_table


def line(verdict: str | None = "correct", **fields: Any) -> dict[str, Any]:
    base = {"id": "q", "config": "base", "engine": "llamacpp", "task": "has_path", "kind": "boolean",
            "gradable": verdict is not None, "verdict": verdict, "latency_s": 1.0, "tool_calls": [], "usage": {}}
    return {**base, **fields}


def test_accuracy_is_correct_over_graded_and_ungraded_lines_do_not_count() -> None:
    figures = summarize([line("correct"), line("wrong"), line("suboptimal"), line(None)])
    assert figures["graded"] == 3 and figures["accuracy"] == pytest.approx(1 / 3)
    assert (figures["correct"], figures["wrong"], figures["suboptimal"], figures["missing"]) == (1, 1, 1, 0)


def test_tool_choice_needs_every_expected_tool_and_arguments_compare_loosely() -> None:
    expected = [{"name": "shortest_path", "args": {"source": "Oslo", "target": 3}}]
    good = line(expected_calls=expected, tool_calls=[
        {"name": "find_nodes", "args": {}}, {"name": "shortest_path", "args": {"source": "oslo", "target": "3",
                                                                              "weight": "weight"}}])
    wrong_args = line(expected_calls=expected, tool_calls=[{"name": "shortest_path", "args": {"source": "Bergen",
                                                                                              "target": 3}}])
    wrong_tool = line(expected_calls=expected, tool_calls=[{"name": "has_path", "args": {}}])
    figures = summarize([good, wrong_args, wrong_tool, line()])
    assert figures["tool_choice_accuracy"] == pytest.approx(2 / 3)
    assert figures["argument_accuracy"] == pytest.approx(1 / 2)


def test_speeds_sum_tokens_over_seconds_and_crashes_are_left_out_of_latency() -> None:
    usage = {"prompt_tokens": 1000, "cached_prompt_tokens": 600, "decoded_tokens": 30, "prefill_s": 1.0,
             "decode_s": 0.5, "model_calls": 2}
    crashed = line("missing", error="RuntimeError: boom", latency_s=99.0)
    figures = summarize([line(usage=usage, latency_s=2.0), line(usage=usage, latency_s=4.0), crashed])
    assert figures["prefill_tok_s"] == pytest.approx(400) and figures["decode_tok_s"] == pytest.approx(60)
    assert figures["latency_p50_s"] == 3.0 and figures["crashed"] == 1 and figures["missing"] == 1
    assert figures["prompt_tokens_per_question_p50"] == 1000 and figures["model_calls_per_question"] == 2


def test_answers_the_agent_gave_at_a_bound_are_counted() -> None:
    figures = summarize([line(usage={"forced": "repeated_call"}), line(usage={"forced": None}), line()])
    assert figures["forced_answers"] == 1


def test_yes_no_tasks_carry_the_majority_rate_and_the_share_of_yes_answers() -> None:
    questions = [EvalQuestion(id=str(i), question="?", line=i, answer=gold, task="has_path", kind="boolean")
                 for i, gold in enumerate(["no", "no", "no", "yes"])]
    lines = [line("wrong", id=str(i), normalized="yes") for i in range(3)] + [line("correct", id="3",
                                                                                 normalized="yes")]
    task = compute_metrics(lines, questions)["tasks"]["has_path"]
    assert task["majority_rate"] == 0.75 and task["majority_answer"] == "no"
    assert task["configs"]["base"] == {"n": 4, "graded": 4, "correct": 1, "accuracy": 0.25, "said_yes": 1.0}


def test_configurations_run_on_several_engines_are_labelled_with_the_engine() -> None:
    metrics = compute_metrics([line(), line(engine="hf")], [])
    assert metrics["labels"] == ["base (llamacpp)", "base (hf)"]


def test_percentile_of_few_values() -> None:
    assert percentile([], 95) is None and percentile([2.0], 95) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0


def test_accuracy_is_split_by_the_template_set_questions_name_and_the_report_shows_it() -> None:
    lines = [line("correct", template_set="held_out"), line("wrong", template_set="held_out"),
             line("correct", template_set="fresh"), line("correct", config="tuned", template_set="fresh"), line()]
    metrics = compute_metrics(lines, [])
    assert metrics["template_sets"]["held_out"]["base"] == {"n": 2, "graded": 2, "correct": 1, "accuracy": 0.5}
    assert metrics["template_sets"]["fresh"]["tuned"]["accuracy"] == 1.0
    table = template_set_table(metrics)
    assert "| held_out | 2 | 50% (1/2) |" in table and "| fresh | 1 | 100% (1/1) | 100% (1/1) |" in table
    assert template_set_table(compute_metrics([line()], [])) == ""
