"""Metrics of an eval run from its prediction lines: accuracy and verdicts, tool choice, latency and speed.

Per configuration (``config``, or ``config (engine)`` when one file holds several engines), per task, and per
held-out template set where the questions name one (``template_set``):
accuracy (correct / graded), the verdict counts, the majority-class rate beside each yes/no task (the accuracy of
always giving the commoner gold answer -- the untuned base model tends to say "yes" to everything, so its
accuracy means little below that rate) and the share of answers that read as "yes"; tool-choice accuracy (every
expected tool was called) and argument accuracy (a call of the expected tool had the expected arguments) where
``expected_calls`` is known; latency p50/p95, prefill and decode speed, prompt tokens and model calls per
question. Everything is plain JSON for ``metrics.json``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from finetune.answer_reading import parse_number
from finetune.eval_input import EvalQuestion
from finetune.grading import VERDICTS


def config_label(line: dict[str, Any], several_engines: bool) -> str:
    """How a prediction line's configuration is named in the tables."""
    return f"{line['config']} ({line.get('engine')})" if several_engines else line["config"]


def compute_metrics(lines: Sequence[dict[str, Any]], questions: Sequence[EvalQuestion]) -> dict[str, Any]:
    """``{"labels", "configs": {label: summary}, "tasks": {task: ...}}`` (see the module docstring)."""
    several = len({line.get("engine") for line in lines}) > 1
    by_label: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_label.setdefault(config_label(line, several), []).append(line)
    return {
        "labels": list(by_label),
        "configs": {label: summarize(group) for label, group in by_label.items()},
        "tasks": _tasks(by_label, questions),
        "template_sets": _template_sets(by_label),
    }


def summarize(lines: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one configuration's lines."""
    graded = [line for line in lines if line.get("gradable") and line.get("verdict")]
    counts = Counter(line["verdict"] for line in graded)
    answered = [line for line in lines if not line.get("error") or line.get("verdict") != "missing"]
    usage = [line.get("usage") or {} for line in answered]
    latencies = [line["latency_s"] for line in answered if line.get("latency_s") is not None]
    with_calls = [line for line in lines if line.get("expected_calls")]
    return {
        "questions": len(lines),
        "graded": len(graded),
        "accuracy": _share(counts["correct"], len(graded)),
        **{verdict: counts[verdict] for verdict in VERDICTS},
        "crashed": sum(1 for line in lines if line.get("error") and line.get("verdict") == "missing"),
        "tool_choice_accuracy": _share(sum(map(_tools_chosen, with_calls)), len(with_calls)),
        "argument_accuracy": _argument_accuracy(with_calls),
        "latency_p50_s": _median(latencies),
        "latency_p95_s": percentile(latencies, 95),
        "prefill_tok_s": _rate(sum(u.get("prompt_tokens", 0) - u.get("cached_prompt_tokens", 0) for u in usage),
                               sum(u.get("prefill_s", 0.0) for u in usage)),
        "decode_tok_s": _rate(sum(u.get("decoded_tokens", 0) for u in usage),
                              sum(u.get("decode_s", 0.0) for u in usage)),
        "prompt_tokens_per_question_p50": _median([u["prompt_tokens"] for u in usage if "prompt_tokens" in u]),
        "model_calls_per_question": _mean([u["model_calls"] for u in usage if "model_calls" in u]),
        "invalid_calls": sum(u.get("invalid_calls", 0) for u in usage),
        "forced_answers": sum(1 for u in usage if u.get("forced")),
    }


def _tasks(by_label: dict[str, list[dict[str, Any]]], questions: Sequence[EvalQuestion]) -> dict[str, Any]:
    tasks: dict[str, dict[str, Any]] = {}
    for question in questions:
        task = tasks.setdefault(task_name(question.task, question.kind), {"kinds": Counter(), "golds": Counter()})
        task["kinds"][question.kind] += 1
        if question.answer is not None:
            task["golds"][question.answer.strip().lower()] += 1
    result = {}
    for name, task in sorted(tasks.items()):
        kind = task["kinds"].most_common(1)[0][0]
        boolean = kind == "boolean" or (bool(task["golds"]) and set(task["golds"]) <= {"yes", "no"})
        entry: dict[str, Any] = {"kind": "boolean" if boolean else kind, "questions": sum(task["kinds"].values())}
        if boolean and task["golds"]:
            answer, count = task["golds"].most_common(1)[0]
            entry.update(majority_answer=answer, majority_rate=count / sum(task["golds"].values()))
        entry["configs"] = {}
        for label, lines in by_label.items():
            mine = [line for line in lines if task_name(line.get("task"), line.get("kind")) == name]
            figures = _accuracy(mine)
            if boolean:
                figures["said_yes"] = _share(sum(line.get("normalized") == "yes" for line in mine), len(mine))
            entry["configs"][label] = figures
        result[name] = entry
    return result


def _template_sets(by_label: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Accuracy per held-out template set (the ``template_set`` our test questions carry) and configuration."""
    names = sorted({line["template_set"] for lines in by_label.values() for line in lines if line.get("template_set")})
    return {name: {label: _accuracy([line for line in lines if line.get("template_set") == name])
                   for label, lines in by_label.items()} for name in names}


def _accuracy(lines: Sequence[dict[str, Any]]) -> dict[str, Any]:
    graded = [line for line in lines if line.get("gradable") and line.get("verdict")]
    correct = sum(line["verdict"] == "correct" for line in graded)
    return {"n": len(lines), "graded": len(graded), "correct": correct, "accuracy": _share(correct, len(graded))}


def task_name(task: str | None, kind: str | None) -> str:
    """The task a question is counted under: its ``task``, else its kind, else ``other``."""
    return task or kind or "other"


def _tools_chosen(line: dict[str, Any]) -> bool:
    called = Counter(call.get("name") for call in line.get("tool_calls") or [])
    return not Counter(call["name"] for call in line["expected_calls"]) - called


def _argument_accuracy(lines: Sequence[dict[str, Any]]) -> float | None:
    """Share of expected calls whose tool was called with the expected arguments (extra arguments allowed)."""
    hits = total = 0
    for line in lines:
        calls = line.get("tool_calls") or []
        for expected in line["expected_calls"]:
            made = [call for call in calls if call.get("name") == expected["name"]]
            if made:
                total += 1
                hits += any(_args_match(expected.get("args") or {}, call.get("args") or {}) for call in made)
    return _share(hits, total)


def _args_match(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    return all(key in actual and _same_value(value, actual[key]) for key, value in expected.items())


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(map(_same_value, a, b))
    x, y = parse_number(str(a)), parse_number(str(b))
    if x is not None and y is not None:
        return abs(x - y) < 1e-9
    return str(a).strip().casefold() == str(b).strip().casefold()


def percentile(values: Sequence[float], percent: int) -> float | None:
    """The ``percent``-th percentile (inclusive method); the value itself for one value; None for none."""
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rate(count: float, seconds: float) -> float | None:
    return count / seconds if seconds > 0 else None
