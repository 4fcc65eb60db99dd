"""Read an eval question file (JSON lines; format: README, Evaluation) into checked questions and the graphs they name.

Why: an eval run takes many minutes, so a bad line must never abort it, nor be silently lost. Every line is
checked up front; a line that is not a JSON object, lacks a question, repeats an id, names an unknown kind or a
graph file that is missing or unreadable is reported with its line number (``InputProblem``) and skipped, and the
rest is evaluated. Each graph file (relative to the JSONL file's directory) is loaded once and shared by every
question naming it; a question may instead carry its own graph in its text, or name a bundled ``sample``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from finetune.grading import KINDS
from graphs.errors import GraphError
from graphs.loaders import load_graph
from graphs.samples import SAMPLES, sample_path
from graphs.text_graph import parse_question_graph

KNOWN_FIELDS = ("id", "question", "answer", "task", "kind", "graph", "sample", "expected_calls")


class EvalInputError(ValueError):
    """The question file as a whole cannot be used (missing, unreadable, or without one valid question)."""


@dataclass(frozen=True)
class EvalQuestion:
    """One checked question. ``graph_key`` names its graph in ``EvalInput.graphs`` (None: inline or default)."""

    id: str
    question: str
    line: int
    answer: str | None = None
    task: str | None = None
    kind: str | None = None
    graph_key: str | None = None
    expected_calls: list[dict[str, Any]] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    """Free metadata (``split``, ``family``, ``template``, ``notation``, ...)."""


@dataclass(frozen=True)
class InputProblem:
    """A skipped line: its number and what is wrong with it."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class EvalInput:
    """The usable questions, the skipped lines, and the graphs named by the questions (by key)."""

    path: Path
    questions: list[EvalQuestion]
    problems: list[InputProblem]
    graphs: dict[str, nx.Graph]


def read_questions(path: str | os.PathLike[str], limit: int | None = None) -> EvalInput:
    """The questions of ``path`` (the first ``limit`` usable ones); see the module docstring.

    ``EvalInputError`` when the file cannot be read or holds no usable question.
    """
    path = Path(path)
    if limit is not None and limit < 1:
        raise EvalInputError(f"--limit must be at least 1, got {limit}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"cannot read the question file {path}: {exc}") from None
    result = EvalInput(path, [], [], {})
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if limit is not None and len(result.questions) >= limit:
            break
        try:
            question = _question(json.loads(line), number, path.parent, result.graphs)
        except ValueError as exc:
            result.problems.append(InputProblem(number, _reason(exc)))
            continue
        if question.id in seen:
            result.problems.append(InputProblem(number, f"duplicate id {question.id!r}"))
            continue
        seen.add(question.id)
        result.questions.append(question)
    if not result.questions:
        shown = "; ".join(map(str, result.problems[:3]))
        raise EvalInputError(f"{path} holds no usable question" + (f" ({shown})" if shown else ""))
    return result


def _reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg} at column {exc.colno})"
    return str(exc)


def _question(row: Any, number: int, base: Path, graphs: dict[str, nx.Graph]) -> EvalQuestion:
    if not isinstance(row, dict):
        raise ValueError(f"not a JSON object but {type(row).__name__}")
    qid, text = row.get("id"), row.get("question")
    if not isinstance(qid, str | int) or isinstance(qid, bool) or not str(qid).strip():
        raise ValueError("no \"id\" (a non-empty string)")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no \"question\" (a non-empty string)")
    kind = row.get("kind")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    try:
        parse_question_graph(text)
    except GraphError as exc:
        raise ValueError(f"the graph written in the question cannot be built: {exc.message}") from None
    return EvalQuestion(
        id=str(qid),
        question=text,
        line=number,
        answer=_gold(row.get("answer")),
        task=_optional_str(row, "task"),
        kind=kind,
        graph_key=_graph_key(row, base, graphs),
        expected_calls=_expected_calls(row.get("expected_calls")),
        meta={key: value for key, value in row.items() if key not in KNOWN_FIELDS},
    )


def _optional_str(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"\"{key}\" must be a string, not {type(value).__name__}")
    return value


def _gold(value: Any) -> str | None:
    """The gold answer as the question format encodes it; a JSON number, boolean or list given raw is encoded here."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | list):
        return json.dumps(value, ensure_ascii=False)
    raise ValueError(f"\"answer\" must be a string, not {type(value).__name__}")


def _graph_key(row: dict[str, Any], base: Path, graphs: dict[str, nx.Graph]) -> str | None:
    """Load the question's graph file (once per file) or bundled sample; its key in ``graphs``."""
    file, sample = row.get("graph"), row.get("sample")
    if file is not None and sample is not None:
        raise ValueError("give \"graph\" or \"sample\", not both")
    if sample is not None:
        if sample not in SAMPLES:
            raise ValueError(f"unknown sample {sample!r} (one of {', '.join(sorted(SAMPLES))})")
        key, location = f"sample:{sample}", sample_path(sample)
    elif file is not None:
        if not isinstance(file, str) or not file.strip():
            raise ValueError("\"graph\" must be a file path")
        location = (base / file).resolve()
        key = str(location)
        if not location.is_file():
            raise ValueError(f"graph file {file!r} not found (looked at {location})")
    else:
        return None
    if key not in graphs:
        try:
            graphs[key] = load_graph(location)
        except GraphError as exc:
            raise ValueError(f"graph file {file!r} cannot be loaded: {exc.message}") from None
    return key


def _expected_calls(value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    ok = isinstance(value, list) and all(
        isinstance(call, dict) and isinstance(call.get("name"), str) and isinstance(call.get("args", {}), dict)
        for call in value
    )
    if not ok:
        raise ValueError("\"expected_calls\" must be a list of {\"name\": str, \"args\": {...}}")
    return [{"name": call["name"], "args": call.get("args", {})} for call in value]
