"""``graph-agent eval``: run each configuration on the same questions, grade every answer, write the report.

A configuration is ``base`` (the untuned model with its few-shot prompt, ``--adapter none``), ``default`` (the
shipped adapter; the base model when none is shipped) or an adapter path. Each runs in this process with one
engine, one ``AgentSession`` per graph and a new conversation per question, without the query cache (every
answer is computed, so latencies compare), logging its trajectories under ``DIR/runs/``.

Resumable: every answer is appended to ``DIR/predictions.jsonl`` (flushed per line) and a later run skips the
``(id, config, engine)`` triples already there, so a killed eval goes on where it stopped; a line cut by the
kill is dropped. Answers a configuration gave with other adapter weights than it has now (``default`` after a
new adapter was shipped) are moved to ``DIR/superseded.jsonl`` and asked again. A question that crashes the
agent is recorded as ``missing`` with the error. At the end the metrics (``metrics.json``), the plots and
``report.md`` are made from the whole file, with the measurements of ``MEASUREMENTS`` (cache replay,
scalability, human evaluation) embedded when their modules run.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track

from finetune.answer_reading import normalize
from finetune.eval_input import EvalInput, EvalQuestion, read_questions
from finetune.eval_metrics import compute_metrics
from finetune.grading import can_grade, grade, guess_kind
from graphs.networkx_backend import NetworkxBackend
from graphs.text_graph import parse_question_graph

PREDICTIONS = "predictions.jsonl"
SUPERSEDED = "superseded.jsonl"
METRICS = "metrics.json"
REPORT = "report.md"
RUNS_DIR = "runs"
CONFIG_ADAPTERS = {"base": "none", "default": "default"}
"""Configuration names that are not adapter paths, and the ``--adapter`` value each stands for."""
MEASUREMENTS = {
    "cache": "benchmarks.cache_replay",
    "scalability": "benchmarks.scalability",
    "human": "finetune.human_eval",
}
"""The other measurements: name → module exposing ``run(..., out_dir, quick) -> dict``."""


class EvalError(ValueError):
    """The eval cannot start: bad options, an adapter that does not exist, or no usable question."""


@dataclass
class EvalOptions:
    """What ``graph-agent eval`` was asked to do."""

    data: Path
    out: Path
    configs: tuple[str, ...] = ("default",)
    engine: str = "llamacpp"
    model: str | None = None
    engine_options: dict[str, Any] = field(default_factory=dict)
    limit: int | None = None
    max_tokens: int = 256
    max_rounds: int = 4
    measurements: tuple[str, ...] = tuple(MEASUREMENTS)
    quick: bool = False
    progress: bool = True
    command: str = ""

    def __post_init__(self) -> None:
        self.data, self.out = Path(self.data), Path(self.out)
        if not self.configs:
            raise EvalError("--compare needs at least one configuration")
        for name in ("max_tokens", "max_rounds"):
            if getattr(self, name) < 1:
                raise EvalError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        unknown = [name for name in self.measurements if name not in MEASUREMENTS]
        if unknown:
            raise EvalError(f"unknown measurement {unknown[0]!r}; choose from {', '.join(MEASUREMENTS)}, all or none")


def parse_configs(text: str) -> tuple[str, ...]:
    """``"base,default,PATH"`` as configuration names, without blanks or repeats."""
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def parse_measurements(text: str) -> tuple[str, ...]:
    """``all`` (every measurement), ``none``, or a comma list of ``MEASUREMENTS`` names."""
    if text.strip() == "all":
        return tuple(MEASUREMENTS)
    if text.strip() == "none":
        return ()
    return parse_configs(text)


def adapter_for(config: str) -> str:
    """The ``--adapter`` value of a configuration name."""
    return CONFIG_ADAPTERS.get(config, config)


def run_eval(options: EvalOptions) -> dict[str, Any]:
    """Run, grade, measure and report (see the module docstring); the metrics. ``EvalError`` before any run
    when the options or the question file cannot be used."""
    from finetune.eval_input import EvalInputError

    try:
        data = read_questions(options.data, options.limit)
    except EvalInputError as exc:
        raise EvalError(str(exc)) from None
    notes, adapter_ids = _check_adapters(options)
    load_average = os.getloadavg()[0]
    options.out.mkdir(parents=True, exist_ok=True)
    predictions_file = options.out / PREDICTIONS
    console = Console(stderr=True)
    kept = _set_aside_superseded(predictions_file, options.engine, adapter_ids, console)
    done = {_key(line) for line in kept}
    for problem in data.problems:
        console.print(f"skipped {options.data}:{problem}", markup=False, highlight=False)
    for config in options.configs:
        todo = [q for q in data.questions if (q.id, config, options.engine) not in done]
        if todo:
            _run_config(config, todo, data, options, predictions_file, console)
    ids = {q.id for q in data.questions}
    every = read_predictions(predictions_file)
    mine = [index for index, line in enumerate(every) if line["id"] in ids and line["config"] in options.configs]
    lines = regrade([every[index] for index in mine], data)
    for index, line in zip(mine, lines, strict=True):
        every[index] = line
    _write_lines(predictions_file, every)
    metrics = compute_metrics(lines, data.questions)
    metrics["input"] = {"file": str(options.data), "questions": len(data.questions),
                        "skipped": [str(problem) for problem in data.problems]}
    metrics["notes"] = notes
    metrics["load_average_at_start"] = load_average
    measured = [run_measurement(name, options, console) for name in options.measurements]
    metrics["measurements"] = {m["name"]: {k: m.get(k) for k in ("title", "summary", "error")} for m in measured}
    (options.out / METRICS).write_text(json.dumps(metrics, indent=2, ensure_ascii=False, default=str))
    from finetune.eval_plots import make_plots
    from finetune.report import write_report

    plots = make_plots(lines, metrics, options.out)
    write_report(options.out / REPORT, metrics, plots, measured, lines, command=options.command)
    return metrics


def _check_adapters(options: EvalOptions) -> tuple[list[str], dict[str, str | None]]:
    """Resolve every configuration's adapter before anything runs: notes for the report, and each
    configuration's adapter id (None: no adapter), which the engine will record in its answers."""
    from agent.engines.base import AdapterError
    from agent.model_files import resolve_adapter

    notes: list[str] = []
    adapter_ids: dict[str, str | None] = {}
    if options.engine not in ("llamacpp", "hf"):
        return notes, adapter_ids
    for config in options.configs:
        try:
            source = resolve_adapter(adapter_for(config), options.engine)
        except AdapterError as exc:
            raise EvalError(f"configuration {config!r}: {exc}") from None
        adapter_ids[config] = source.adapter_id if source else None
        if config == "default" and source is None:
            notes.append("`default` ran the untuned base model with its few-shot prompt, the same as `base`: "
                         "adapters/default/ holds no adapter.")
    return notes, adapter_ids


def _set_aside_superseded(
    path: Path, engine: str, adapter_ids: dict[str, str | None], console: Console
) -> list[dict[str, Any]]:
    """Move the answers that a configuration gave with other adapter weights than ``adapter_ids`` names to
    ``superseded.jsonl`` beside ``path``, so that they are asked again instead of counted for the new weights;
    the answers kept."""
    lines = read_predictions(path)
    is_stale = [line.get("engine", "") == engine and line["config"] in adapter_ids
                and line.get("adapter_id") != adapter_ids[line["config"]] for line in lines]
    stale = [line for line, flag in zip(lines, is_stale, strict=True) if flag]
    if not stale:
        return lines
    with path.with_name(SUPERSEDED).open("a", encoding="utf-8") as sink:
        sink.writelines(json.dumps(line, ensure_ascii=False, default=str) + "\n" for line in stale)
    kept = [line for line, flag in zip(lines, is_stale, strict=True) if not flag]
    _write_lines(path, kept)
    for config in dict.fromkeys(line["config"] for line in stale):
        count = sum(line["config"] == config for line in stale)
        console.print(f"{config}: {count} answers made with other adapter weights moved to {SUPERSEDED}; "
                      f"asking again with {adapter_ids[config] or 'no adapter'}", markup=False, highlight=False)
    return kept


def _run_config(
    config: str, todo: Sequence[EvalQuestion], data: EvalInput, options: EvalOptions, out: Path, console: Console
) -> None:
    """Load the configuration's engine once and answer ``todo``, appending each prediction line."""
    from agent.context import AgentConfig
    from agent.engines import make_engine
    from agent.session import AgentSession

    engine = make_engine(options.engine, options.model, adapter_for(config), **options.engine_options)
    agent_config = AgentConfig(
        engine=options.engine, model=options.model, adapter=adapter_for(config), use_cache=False,
        max_tokens=options.max_tokens, max_tool_rounds=options.max_rounds, data_dir=options.out / RUNS_DIR,
    )
    sessions: dict[str | None, AgentSession] = {}
    try:
        with out.open("a", encoding="utf-8") as sink:
            for question in track(todo, description=f"{config} ({options.engine})", console=console,
                                  disable=not options.progress, transient=False):
                if question.graph_key not in sessions:
                    sessions[question.graph_key] = AgentSession(question_backend(question, data), agent_config,
                                                                 engine=engine)
                line = answer_question(sessions[question.graph_key], question, config, options.engine)
                sink.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
                sink.flush()
    finally:
        for session in sessions.values():
            session.close()
            session.backend.close()
        engine.close()


def question_backend(question: EvalQuestion, data: EvalInput) -> Any:
    """The graph the agent is given: the question's file or sample, else the default sample (as ``ask``)."""
    from graphs.sources import GraphSource, open_backend

    if question.graph_key is None:
        return open_backend(GraphSource())
    name = question.graph_key.removeprefix("sample:").rsplit("/", 1)[-1]
    return NetworkxBackend(data.graphs[question.graph_key], name=name, read_only=True)


def grading_graph(question: EvalQuestion, given: Any) -> NetworkxBackend | None:
    """The graph the answer is checked on: the one written in the question, else the one the agent was given."""
    parsed = parse_question_graph(question.question)
    if parsed is not None:
        return NetworkxBackend(parsed.graph, name="inline graph", read_only=True)
    return given if isinstance(given, NetworkxBackend) else None


def answer_question(session: Any, question: EvalQuestion, config: str, engine: str) -> dict[str, Any]:
    """Ask one question and grade it: the prediction line (a crash gives a ``missing`` line with the error)."""
    from agent.engines.base import GenerationCancelled

    line: dict[str, Any] = {
        "id": question.id, "config": config, "engine": engine, "adapter_id": session.engine.adapter_id,
        "task": question.task, "question": question.question, "expected_calls": question.expected_calls,
        **question.meta,
    }
    started = time.perf_counter()
    try:
        answer = session.ask(question.question)
    except (KeyboardInterrupt, GenerationCancelled):
        raise
    except Exception as exc:  # noqa: BLE001 - one question's crash is recorded, never the end of the eval
        line.update(answer="", tool_calls=[], latency_s=time.perf_counter() - started, cached=False, usage={},
                    run_id=None, error=f"{type(exc).__name__}: {exc}")
    else:
        line.update(answer=answer.answer, tool_calls=answer.tool_calls, latency_s=answer.latency_s,
                    cached=answer.cached, usage=run_usage(session.log.get_run(answer.run_id)), run_id=answer.run_id,
                    error=None)
    return grade_line(line, question, grading_graph(question, session.backend))


def grade_line(line: dict[str, Any], question: EvalQuestion, graph: NetworkxBackend | None) -> dict[str, Any]:
    """``line`` with ``kind``, ``gold``, ``normalized``, ``gradable``, ``verdict`` and ``detail`` (re)computed
    from ``question`` (a crashed line stays ``missing``; ``verdict`` is None when it cannot be graded)."""
    kind = question.kind or (guess_kind(question.answer) if question.answer is not None else None)
    crashed = bool(line.get("error")) and not line.get("answer") and line.get("run_id") is None
    answer = line.get("answer") or ""
    line = {**line, "kind": kind, "gold": question.answer, "gradable": kind is not None and can_grade(
        kind, question.answer, graph), "verdict": None, "detail": None}
    line["normalized"] = normalize(answer, kind, graph.graph if graph is not None else None) if answer else None
    if crashed:
        return {**line, "verdict": "missing", "detail": "the agent crashed"}
    if line["gradable"]:
        try:
            verdict = grade(answer, kind=kind, gold=question.answer, tool_calls=line["tool_calls"], graph=graph)
            line.update(verdict=verdict.verdict, detail=verdict.detail)
        except ValueError as exc:
            line.update(gradable=False, error=f"cannot grade: {exc}")
    return line


def regrade(lines: Sequence[dict[str, Any]], data: EvalInput) -> list[dict[str, Any]]:
    """Every line graded again with the current grader and question file (answers are never recomputed), so
    verdicts of a resumed eval are all made the same way."""
    questions = {q.id: q for q in data.questions}
    backends: dict[str | None, Any] = {}
    graded = []
    for line in lines:
        question = questions[line["id"]]
        if question.graph_key not in backends:
            backends[question.graph_key] = question_backend(question, data)
        graded.append(grade_line(line, question, grading_graph(question, backends[question.graph_key])))
    return graded


def run_usage(run: dict[str, Any]) -> dict[str, Any]:
    """Token counts and timings of one logged run, summed over its model steps (see ``agent.chat_model``), and
    ``forced``: why the agent answered in the model's stead (``round_limit``, ``repeated_call``, ...), or None."""
    models = [step["data"] for step in run["steps"] if step["kind"] == "model"]
    usage = [data.get("usage") or {} for data in models]
    meta = [data.get("metadata") or {} for data in models]
    return {
        "model_calls": len(models),
        "prompt_tokens": sum(u.get("input_tokens", 0) for u in usage),
        "cached_prompt_tokens": sum(m.get("cached_prompt_tokens", 0) for m in meta),
        "completion_tokens": sum(u.get("output_tokens", 0) for u in usage),
        "decoded_tokens": sum(max(u.get("output_tokens", 0) - 1, 0) for u in usage),
        "prefill_s": sum(m.get("prefill_s", 0.0) for m in meta),
        "decode_s": sum(m.get("decode_s", 0.0) for m in meta),
        "invalid_calls": sum(step["kind"] == "invalid" for step in run["steps"]),
        "forced": next((m["forced"] for m in reversed(meta) if m.get("forced")), None),
    }


def read_predictions(path: Path) -> list[dict[str, Any]]:
    """The prediction lines of ``path`` (none if absent); a last line cut by a kill is removed from the file."""
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
        path.write_text(text, encoding="utf-8")
    lines = []
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and {"id", "config"} <= line.keys():
            lines.append(line)
    return lines


def _write_lines(path: Path, lines: Sequence[dict[str, Any]]) -> None:
    """Replace ``path`` with ``lines`` atomically (a kill leaves the old file or the new one, never half)."""
    staging = path.with_name(path.name + ".tmp")
    staging.write_text("".join(json.dumps(line, ensure_ascii=False, default=str) + "\n" for line in lines),
                       encoding="utf-8")
    staging.replace(path)


def _key(line: dict[str, Any]) -> tuple[str, str, str]:
    return line["id"], line["config"], line.get("engine", "")


def run_measurement(name: str, options: EvalOptions, console: Console) -> dict[str, Any]:
    """One contract-3 measurement, or ``{"name", "title", "error"}`` when its module is missing or fails. Its
    ``run`` also gets ``engine``, ``adapter`` (of ``default`` if compared, else the last configuration) and
    ``progress`` when it takes them."""
    module_name = MEASUREMENTS[name]
    console.print(f"measurement {name} ({module_name}) ...", markup=False, highlight=False)
    try:
        run = importlib.import_module(module_name).run
    except (ImportError, AttributeError) as exc:
        return {"name": name, "title": name, "error": f"module {module_name} is not available ({exc})"}
    product = "default" if "default" in options.configs else options.configs[-1]
    offered = {"engine": options.engine, "adapter": adapter_for(product), "progress": options.progress}
    accepted = inspect.signature(run).parameters
    kwargs = {"out_dir": options.out, "quick": options.quick,
              **{key: value for key, value in offered.items() if key in accepted}}
    try:
        result = run(**kwargs)
    except Exception as exc:  # noqa: BLE001 - a failed measurement is a note in the report, not a failed eval
        print(f"measurement {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return {"name": name, "title": name, "error": f"{type(exc).__name__}: {exc}"}
    return {**result, "name": name}
