"""The trajectory log as DPO preference records (``finetune.records.preference_record``): people's feedback, and
pairs of logged runs verified right and wrong.

The chat UI writes two kinds of feedback that make a chosen/rejected pair:

- a **correction**: a run labelled ``incorrect`` with the answer it should have given. ``rejected`` is what
  the model did (its tool calls, their results, its answer); ``chosen`` keeps the same tool calls and results
  -- the tools compute exactly, and the model must keep using them -- and ends with the correction instead.
- a **blind A/B choice** of ``a`` or ``b``: both runs answered the same question; the winner's completion is
  ``chosen``, the loser's ``rejected``. A pair is only made when both runs saw the same prompt (same earlier
  turns and graph); ``tie`` and ``both_bad`` decide nothing and make no pair.

``log_pairs`` adds **verified on-policy pairs**: logged runs that answered the same question on the same graph
version (same fingerprint, same earlier turns) are labelled -- a person's ``human_label`` first, else the
``auto`` label (does the answer agree with what the tools computed: ``agrees`` right, ``disagrees`` wrong,
``undecidable`` unused) -- and each wrong run is paired with a right one. Answers the agent forced (round limit,
repeated call) are not the model's words and make no pair. Pairs are de-duplicated by their text; provenance
names the runs and who labelled them.

Every pair is cut to the turn where its sides part (``_from_divergence``): shared turns join the prompt, and
chosen and rejected are one model turn each, as in the generated pairs (a correction's pair: its answer against
the model's).

Each run is rebuilt from its logged steps as the messages the template renders (model turns, tool results as
the compact JSON the model read), its earlier turns from the earlier ``ok`` runs of its thread. Runs that fed a
malformed call back to the model are skipped (that turn is not a clean example), and so is anything else that
cannot be rebuilt; the counts say why.

>>> import tempfile, pathlib
>>> human_pairs(TrajectoryLog(pathlib.Path(tempfile.mkdtemp()) / "t.sqlite")).records
[]
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent.trajectory import TrajectoryLog
from finetune.records import chat_messages, preference_record
from tools.registry import applicable_tools, to_content, tool_specs


class FeedbackExportError(Exception):
    """The log cannot be read or the pairs cannot be written; the message says which and why."""


@dataclass
class PairExport:
    """The records and what went into them: ``corrections`` and ``comparisons`` made pairs; ``skipped``
    counts feedback that could not, by reason."""

    records: list[dict[str, Any]] = field(default_factory=list)
    corrections: int = 0
    comparisons: int = 0
    verified: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass
class _Turn:
    history: list[BaseMessage]
    question: HumanMessage
    completion: list[BaseMessage]
    graph_context: str | None
    tools: list[dict[str, Any]]


def human_pairs(log: TrajectoryLog) -> PairExport:
    """Every correction and decided blind A/B choice in ``log`` as preference records."""
    export = PairExport()
    runs = log.runs()
    for run in runs:
        if run["human_label"] == "incorrect" and run["correction"]:
            _add(export, "corrections", lambda run=run: _correction_pair(log, runs, run))
    for comparison in log.comparisons():
        if comparison["choice"] in ("a", "b"):
            _add(export, "comparisons", lambda c=comparison: _comparison_pair(log, runs, c))
        else:
            export.skipped[f"A/B choice {comparison['choice']} decides nothing"] += 1
    return export


def log_pairs(log: TrajectoryLog, graded: Mapping[str, str] | None = None) -> PairExport:
    """``human_pairs`` plus verified on-policy pairs (see the module docstring), de-duplicated. ``graded`` maps
    run ids to ``right``/``wrong`` found by grading against a gold answer; it ranks below a person's label and
    above the automatic one."""
    export = human_pairs(log)
    runs = log.runs(status="ok")
    groups: dict[tuple[str, str], list[tuple[_Turn, dict[str, Any], str]]] = {}
    for run in runs:
        label, by = _verdict(run, graded or {})
        if label is None:
            continue
        try:
            turn = _turn(log, runs, run["id"])
        except _Skip as skip:
            export.skipped[str(skip)] += 1
            continue
        if _forced(log.get_run(run["id"])):
            export.skipped["answer forced by the agent, not the model's"] += 1
            continue
        key = (" ".join(turn.question.text.lower().split()), run["fingerprint"] or "")
        groups.setdefault(key, []).append((turn, run, f"{label}:{by}"))
    for members in groups.values():
        right = [m for m in members if m[2].startswith("right")]
        wrong = [m for m in members if m[2].startswith("wrong")]
        for index, (turn, run, label) in enumerate(wrong):
            if not right:
                break
            good_turn, good_run, good_label = right[index % len(right)]
            _add(export, "verified", lambda g=(good_turn, good_run, good_label), b=(turn, run, label):
                 _verified_pair(g, b))
    unique = _unique(export.records)
    if len(unique) < len(export.records):
        export.skipped["duplicate pair"] += len(export.records) - len(unique)
    export.records = unique
    return export


def export_pairs(log_path: str | os.PathLike[str], out: str | os.PathLike[str],
                 verified: bool = False, graded: Mapping[str, str] | None = None) -> PairExport:
    """Write the human pairs of the log at ``log_path`` (with ``verified``: also the verified on-policy pairs,
    ``graded`` as in ``log_pairs``) to ``out`` (JSON lines, replaced atomically)."""
    log_path, out = Path(log_path), Path(out)
    if not log_path.is_file():
        raise FeedbackExportError(f"no trajectory log at {log_path}: chat with the agent first")
    with TrajectoryLog(log_path) as log:
        export = log_pairs(log, graded) if verified else human_pairs(log)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=out.parent, delete=False,
                                         prefix=f".{out.name}.", suffix=".tmp") as handle:
            for record in export.records:
                handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        os.replace(handle.name, out)
    except OSError as exc:
        raise FeedbackExportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return export


def _add(export: PairExport, kind: str, build: Any) -> None:
    try:
        record = build()
    except _Skip as skip:
        export.skipped[str(skip)] += 1
        return
    export.records.append(record)
    setattr(export, kind, getattr(export, kind) + 1)


class _Skip(Exception):
    """Feedback that makes no pair; the message is the reason."""


def _correction_pair(log: TrajectoryLog, runs: list[dict[str, Any]], run: dict[str, Any]) -> dict[str, Any]:
    turn = _turn(log, runs, run["id"])
    calls = turn.completion[:-1]
    chosen = [*calls, AIMessage(run["correction"])]
    provenance = {"source": "human_correction", "run_id": run["id"], "adapter_id": run["adapter_id"],
                  "engine": run["engine"], "kept_tool_calls": len(calls)}
    return _record(turn, chosen, turn.completion, provenance)


def _comparison_pair(log: TrajectoryLog, runs: list[dict[str, Any]], comparison: dict[str, Any]) -> dict[str, Any]:
    turn_a, turn_b = _turn(log, runs, comparison["run_a"]), _turn(log, runs, comparison["run_b"])
    if (turn_a.history, turn_a.question, turn_a.graph_context) != (turn_b.history, turn_b.question,
                                                                   turn_b.graph_context):
        raise _Skip("A/B runs saw different prompts")
    winner, loser = (turn_a, turn_b) if comparison["choice"] == "a" else (turn_b, turn_a)
    if comparison["choice"] == "a":
        names = comparison["config_a"], comparison["config_b"]
    else:
        names = comparison["config_b"], comparison["config_a"]
    provenance = {"source": "human_ab", "comparison_id": comparison["id"], "chosen_config": names[0],
                  "rejected_config": names[1], "run_a": comparison["run_a"], "run_b": comparison["run_b"]}
    if [m.text for m in winner.completion] == [m.text for m in loser.completion]:
        raise _Skip("A/B answers were identical")
    return _record(winner, winner.completion, loser.completion, provenance)


def _verdict(run: dict[str, Any], graded: Mapping[str, str]) -> tuple[str | None, str]:
    """``right``/``wrong``/None for a run, and who said so (a person, then the gold answer, then the automatic
    label)."""
    if run["human_label"] in ("correct", "incorrect"):
        return ("right" if run["human_label"] == "correct" else "wrong"), "human"
    if run["id"] in graded:
        return graded[run["id"]], "gold"
    return {"agrees": "right", "disagrees": "wrong"}.get(run["auto_label"] or ""), "auto"


def _forced(run: dict[str, Any]) -> bool:
    models = [step["data"] for step in run["steps"] if step["kind"] == "model"]
    return bool(models) and bool((models[-1].get("metadata") or {}).get("forced"))


def _verified_pair(good: tuple[_Turn, dict[str, Any], str], bad: tuple[_Turn, dict[str, Any], str]) -> dict[str, Any]:
    (good_turn, good_run, good_label), (bad_turn, bad_run, bad_label) = good, bad
    if (good_turn.history, good_turn.graph_context) != (bad_turn.history, bad_turn.graph_context):
        raise _Skip("verified runs saw different prompts")
    if [m.text for m in good_turn.completion] == [m.text for m in bad_turn.completion]:
        raise _Skip("right and wrong runs gave the same completion")
    provenance = {"source": "log_verified", "chosen_run": good_run["id"], "rejected_run": bad_run["id"],
                  "chosen_label": good_label, "rejected_label": bad_label,
                  "adapter_ids": [good_run["adapter_id"], bad_run["adapter_id"]]}
    return _record(good_turn, good_turn.completion, bad_turn.completion, provenance)


def _unique(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records with distinct (prompt, chosen, rejected) text, first kept (tool-call ids, which differ between
    runs and never reach the model's text, are ignored)."""
    seen: set[str] = set()
    kept = []
    for record in records:
        turns = [[_without_call_id(m) for m in record[part]] for part in ("prompt", "chosen", "rejected")]
        key = json.dumps(turns, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


def _record(turn: _Turn, chosen: list[BaseMessage], rejected: list[BaseMessage],
            provenance: dict[str, Any]) -> dict[str, Any]:
    prompt, chosen, rejected = _from_divergence([*turn.history, turn.question], chosen, rejected)
    try:
        return preference_record(prompt, chosen, rejected, tools=turn.tools,
                                 graph_context=turn.graph_context, provenance=provenance)
    except ValueError as exc:
        raise _Skip(f"not a valid pair: {exc}") from None


def _from_divergence(prompt: list[BaseMessage], chosen: list[BaseMessage], rejected: list[BaseMessage],
                     ) -> tuple[list[BaseMessage], list[BaseMessage], list[BaseMessage]]:
    """The turns both sides share join the prompt, and each side keeps only its first turn that differs, as in
    the generated pairs: DPO scores every token of a completion, and what follows that turn (tool results, the
    tools' text, and turns that answer them) would be scored as the model's choice too."""
    shared = 0
    while (shared < min(len(chosen), len(rejected))
           and _turn_text(chosen[shared]) == _turn_text(rejected[shared])):
        shared += 1
    return [*prompt, *chosen[:shared]], chosen[shared:shared + 1], rejected[shared:shared + 1]


def _turn_text(message: BaseMessage) -> str:
    """A turn as the template renders it (tool-call ids, which differ between runs, left out)."""
    (rendered,) = chat_messages([message])
    return json.dumps(_without_call_id(rendered), sort_keys=True, default=str)


def _without_call_id(message: dict[str, Any]) -> dict[str, Any]:
    """A rendered message without its tool-call id (ids differ between runs and never reach the model's text)."""
    return {key: value for key, value in message.items() if key != "tool_call_id"}


def _turn(log: TrajectoryLog, runs: list[dict[str, Any]], run_id: str) -> _Turn:
    """Run ``run_id`` as messages: its thread's earlier ``ok`` turns, its question, and its completion."""
    try:
        run = log.get_run(run_id)
    except KeyError:
        raise _Skip("run missing from the log") from None
    if run["status"] != "ok" or not run["answer"]:
        raise _Skip(f"run ended {run['status']}, without an answer")
    ingest = next((step["data"] for step in run["steps"] if step["kind"] == "ingest"), {})
    history: list[BaseMessage] = []
    earlier = [r for r in runs if r["thread_id"] and r["thread_id"] == run["thread_id"]
               and r["started_at"] < run["started_at"] and r["status"] == "ok"]
    for previous in earlier:
        question, completion = _messages(log.get_run(previous["id"]))
        history += [question, *completion]
    question, completion = _messages(run)
    kind = "networkx" if ingest.get("inline_graph") else run["graph_backend"]
    tools = tool_specs(applicable_tools(SimpleNamespace(kind=kind)))  # only the backend's kind matters here
    return _Turn(history, question, completion, ingest.get("graph_context"), tools)


def _messages(run: dict[str, Any]) -> tuple[HumanMessage, list[BaseMessage]]:
    """One logged run as its user turn and the model/tool turns that answered it."""
    if any(step["kind"] == "invalid" for step in run["steps"]):
        raise _Skip("run fed a malformed tool call back to the model")
    question = run["question"]
    completion: list[BaseMessage] = []
    for step in run["steps"]:
        data = step["data"]
        if step["kind"] == "ingest" and data.get("question"):
            question = data["question"]
        elif step["kind"] == "model":
            calls = [{"name": c["name"], "args": c["args"], "id": c["id"]} for c in data.get("tool_calls") or []]
            completion.append(AIMessage(data.get("content") or "", tool_calls=calls))
        elif step["kind"] == "tool":
            completion.append(ToolMessage(to_content(data["result"]), tool_call_id=data["id"], name=data["name"]))
    last = completion[-1] if completion else None
    if not isinstance(last, AIMessage) or last.tool_calls:
        completion.append(AIMessage(run["answer"]))
    return HumanMessage(question), completion
