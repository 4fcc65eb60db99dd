"""Cache hit ratio: replay a Zipf-distributed workload with repeats through the real agent, then change a graph.

What it measures (one measurement of the eval report, contract: ``run(..., out_dir, quick) -> dict``):

- **Replay.** Questions of our own wording about the bundled sample graphs are drawn with Zipf-distributed
  popularity (a few questions asked often, most rarely), and each is asked through ``AgentSession.ask`` in a
  new conversation, as a person would ask it again. Per request: answer-cache hit or miss, tool-cache lookups
  that hit or missed, and wall time. The workload's repeat share is the ceiling an answer cache could reach; the
  agent stores only clean answers (never one it was forced to give at a round or error bound) and tool results
  only when they are not errors, so the untuned base model, which often stops at a bound after failed calls,
  stays well below that ceiling.
- **Tool-layer latency.** Every distinct successful tool call of the replay is timed again on a fresh cache:
  the miss (lookup, compute, store) against the hit (lookup only).
- **Invalidation.** A graph file is asked about, asked again, dropped from the cache, edited and reopened,
  edited in place with and without ``backend.invalidate()``. Each step says whether the answer came from the
  cache and whether it was *stale* (served under a fingerprint that no longer matches the graph's content),
  for the final answer and for a ``count_nodes`` tool call.

Private directories: the answer and tool caches, the trajectory log and conversation memory live in a
temporary directory, so the user's caches are neither read nor written.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tabulate import tabulate

from agent.context import AgentConfig
from agent.engines.base import Engine
from agent.session import AgentAnswer, AgentSession
from graphs.fingerprint import fingerprint_nx
from graphs.sources import GraphSource, open_backend
from tools.cache import GraphCache
from tools.registry import call_tool

NAME = "cache_replay"
TITLE = "Cache hit ratio"
ZIPF_EXPONENT = 1.1
WORKLOAD: dict[str, tuple[str, ...]] = {
    "nordic_roads": (
        "Is there a route from Oslo to Bergen?",
        "How many cities are in this network?",
        "What is the fastest route from Oslo to Copenhagen?",
        "Which cities are directly connected to Stockholm?",
        "How many connections does Helsinki have?",
        "Can you get from Reykjavik to Tallinn?",
    ),
    "company_kg": (
        "Who does Ada Lindqvist know?",
        "How many people are in the graph?",
        "Is there a path from Grace Kim to Helix Robotics?",
        "Which nodes are most central by pagerank?",
        "What is Northwind Labs connected to?",
    ),
    "release_pipeline": (
        "In which order can the tasks be done?",
        "Does the pipeline contain a cycle?",
        "How many tasks are there?",
        "Which tasks must finish right before release?",
        "What is the shortest chain of tasks from write spec to release?",
    ),
}
FULL = {"requests": 60, "questions_per_graph": None, "max_tool_rounds": 4, "max_tokens": 64}
QUICK = {"requests": 6, "questions_per_graph": 2, "max_tool_rounds": 2, "max_tokens": 32}
INVALIDATION_QUESTION = "How many nodes does this graph have?"
HIT_PLOT, LATENCY_PLOT = "cache_hit_ratio.png", "cache_latency.png"


class MeteredCache(GraphCache):
    """A ``GraphCache`` that counts and times its own lookups, per layer, in memory."""

    def __init__(self, directory: str | Path) -> None:
        super().__init__(directory)
        self.lookups: Counter[str] = Counter()

    def get_tool(self, fingerprint: str, tool: str, args_json: str) -> dict[str, Any] | None:
        """The cached tool result, counted as a ``tool_hit`` or ``tool_miss``."""
        value = super().get_tool(fingerprint, tool, args_json)
        self.lookups["tool_hit" if value is not None else "tool_miss"] += 1
        return value

    def get_answer(self, fingerprint: str, model_id: str, question: str) -> Any:
        """The cached final answer, counted as an ``answer_hit`` or ``answer_miss``."""
        value = super().get_answer(fingerprint, model_id, question)
        self.lookups["answer_hit" if value is not None else "answer_miss"] += 1
        return value

    def peek_answer(self, fingerprint: str, model_id: str, question: str) -> Any:
        """The cached final answer without counting a lookup (for the benchmark's own checks)."""
        return super().get_answer(fingerprint, model_id, question)


def zipf_workload(requests: int, questions: Sequence[tuple[str, str]], seed: int = 0) -> list[tuple[str, str]]:
    """``requests`` draws from ``questions`` (``(graph, question)`` pairs) with Zipf popularity: the question
    at popularity rank r (a seeded shuffle) is drawn with probability proportional to 1 / r^``ZIPF_EXPONENT``."""
    if requests < 1 or not questions:
        raise ValueError(f"a replay needs at least one request and one question, got {requests} and "
                         f"{len(questions)}")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(questions))
    weights = 1.0 / np.arange(1, len(questions) + 1) ** ZIPF_EXPONENT
    draws = rng.choice(len(questions), size=requests, p=weights / weights.sum())
    return [questions[order[i]] for i in draws]


def _request_class(row: dict[str, Any]) -> str:
    if row["answer_hit"]:
        return "answer hit"
    if row["tool_misses"]:
        return "miss, tools computed"
    if row["tool_hits"]:
        return "miss, tool results cached"
    return "miss, no tool result"


def _ensure_stored(session: AgentSession, question: str, answer: AgentAnswer) -> bool:
    """Store the agent's own answer and trace if the agent did not (a forced answer); True if seeded."""
    cache: MeteredCache = session.cache
    fingerprint = session.log.get_run(answer.run_id)["fingerprint"]
    if not fingerprint or cache.peek_answer(fingerprint, session.context.model_key, question) is not None:
        return False
    entry = {"answer": answer.answer, "tool_calls": answer.tool_calls}
    cache.put_answer(fingerprint, session.context.model_key, question, entry, kind=session.backend.kind)
    return True


def replay(engine: Engine, cache: MeteredCache, config: AgentConfig, workload: list[tuple[str, str]],
           progress: bool = True) -> list[dict[str, Any]]:
    """Ask every ``(graph, question)`` of ``workload`` in a new conversation; one row per request."""
    sessions: dict[str, AgentSession] = {}
    seen: set[tuple[str, str]] = set()
    rows = []
    try:
        for number, (graph, question) in enumerate(workload, 1):
            if graph not in sessions:
                sessions[graph] = AgentSession(open_backend(GraphSource(sample=graph)), config, engine=engine,
                                               cache=cache)
            session = sessions[graph]
            before = Counter(cache.lookups)
            answer = session.ask(question)
            delta = cache.lookups - before
            fingerprint = session.log.get_run(answer.run_id)["fingerprint"]
            row = {
                "n": number, "graph": graph, "question": question, "repeat": (graph, question) in seen,
                "answer_hit": answer.cached, "tool_hits": delta["tool_hit"], "tool_misses": delta["tool_miss"],
                "latency_s": answer.latency_s, "tool_calls": answer.tool_calls,
                "tool_errors": sum(isinstance(c["result"], dict) and "error" in c["result"] for c in answer.tool_calls),
                "stored": cache.peek_answer(fingerprint, session.context.model_key, question) is not None,
            }
            row["class"] = _request_class(row)
            rows.append(row)
            seen.add((graph, question))
            if progress:
                print(f"[cache] {number}/{len(workload)} {row['class']}: {answer.latency_s:.2f} s  {question}",
                      flush=True)
    finally:
        for session in sessions.values():
            session.close()
            session.backend.close()
    return rows


def tool_latency(rows: list[dict[str, Any]], directory: Path, repeats: int = 5) -> dict[str, list[float]]:
    """Each distinct successful tool call of the replay timed on a fresh cache: first call (miss: lookup,
    compute, store) and the median of ``repeats`` later calls (hits)."""
    calls = {(row["graph"], call["name"], json.dumps(call["args"], sort_keys=True))
             for row in rows for call in row["tool_calls"]
             if not (isinstance(call["result"], dict) and "error" in call["result"])}
    timings: dict[str, list[float]] = {"miss_s": [], "hit_s": []}
    backends: dict[str, Any] = {}
    with GraphCache(directory) as cache:
        for graph, name, args_json in sorted(calls):
            backend = backends.setdefault(graph, open_backend(GraphSource(sample=graph)))
            backend.fingerprint()  # once per graph version, not part of a call
            args = json.loads(args_json)
            start = time.perf_counter()
            call_tool(backend, name, args, cache=cache)
            timings["miss_s"].append(time.perf_counter() - start)
            hits = []
            for _ in range(repeats):
                start = time.perf_counter()
                call_tool(backend, name, args, cache=cache)
                hits.append(time.perf_counter() - start)
            timings["hit_s"].append(statistics.median(hits))
    return timings


def invalidation(engine: Engine, cache: MeteredCache, config: AgentConfig, work: Path) -> list[dict[str, Any]]:
    """Ask about a graph file while it is cached, dropped, edited and reopened, edited in place; one row per step.

    ``expected`` is what a correct cache does; the last step (an in-place edit without ``invalidate()``) breaks
    the backend's contract on purpose, to show why the contract exists: the fingerprint is cached until then.
    """
    path = work / "changing_graph.txt"
    path.write_text("".join(f"{i} {i + 1} {1 + i % 7}\n" for i in range(30)))
    question = INVALIDATION_QUESTION
    rows: list[dict[str, Any]] = []

    def step(backend: Any, scenario: str, expected: str, dropped: int | None = None) -> None:
        with AgentSession(backend, config, engine=engine, cache=cache) as session:
            answer = session.ask(question)
            used = session.log.get_run(answer.run_id)["fingerprint"]
            seeded = _ensure_stored(session, question, answer)
        content = fingerprint_nx(backend.graph)
        before = cache.lookups["tool_hit"]
        count = call_tool(backend, "count_nodes", {}, cache=cache).get("count")
        rows.append({
            "scenario": scenario, "expected": expected, "answer_from_cache": answer.cached,
            "stale_answer": answer.cached and used != content, "fingerprint": used[:12],
            "tool_from_cache": cache.lookups["tool_hit"] > before, "tool_count": count,
            "true_count": backend.graph.number_of_nodes(), "stale_tool": count != backend.graph.number_of_nodes(),
            "answer_seeded": seeded, "entries_dropped": dropped, "latency_s": answer.latency_s,
            "contract_kept": not scenario.endswith("not called"),
        })

    first = open_backend(GraphSource(path=str(path)))
    step(first, "first ask", "miss")
    step(first, "same graph, asked again", "hit")
    dropped = cache.invalidate(first.fingerprint())
    step(first, "cache.invalidate(fingerprint), asked again", "miss", dropped)
    with path.open("a") as handle:
        handle.write("100 101 3\n")
    edited = open_backend(GraphSource(path=str(path)))
    step(edited, "file edited and reopened", "miss")
    edited.graph.add_edge("200", "201", weight=2)
    edited.invalidate()
    step(edited, "edited in place, invalidate() called", "miss")
    edited.graph.add_edge("300", "301", weight=2)
    step(edited, "edited in place, invalidate() not called", "hit (stale: the contract was broken)")
    edited.invalidate()
    return rows


def _p50(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarize(rows: list[dict[str, Any]], tools: dict[str, list[float]], steps: list[dict[str, Any]]
              ) -> dict[str, Any]:
    """The summary figures of one run (ratios in 0..1, latencies in the unit their name says)."""
    by_class: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        by_class["hit" if row["answer_hit"] else "miss"].append(row["latency_s"])
    tool_lookups = sum(row["tool_hits"] + row["tool_misses"] for row in rows)
    repeats = [row for row in rows if row["repeat"]]
    kept = [s for s in steps if s["contract_kept"]]
    broken = [s for s in steps if not s["contract_kept"]]
    return {
        "requests": len(rows),
        "distinct_questions": len({(r["graph"], r["question"]) for r in rows}),
        "repeat_share": len(repeats) / len(rows) if rows else 0.0,
        "answer_hit_ratio": sum(r["answer_hit"] for r in rows) / len(rows) if rows else 0.0,
        "repeats_missed_answer_not_stored": sum(not r["answer_hit"] for r in repeats),
        "tool_hit_ratio": sum(r["tool_hits"] for r in rows) / tool_lookups if tool_lookups else 0.0,
        "tool_calls_failed": f"{sum(r['tool_errors'] for r in rows)}/{sum(len(r['tool_calls']) for r in rows)}",
        "answer_hit_p50_ms": None if not by_class["hit"] else _p50(by_class["hit"]) * 1000,
        "answer_miss_p50_s": _p50(by_class["miss"]),
        "tool_call_miss_p50_ms": None if not tools["miss_s"] else _p50(tools["miss_s"]) * 1000,
        "tool_call_hit_p50_ms": None if not tools["hit_s"] else _p50(tools["hit_s"]) * 1000,
        "answer_hit_ms_in_invalidation_check": next(
            (s["latency_s"] * 1000 for s in steps if s["answer_from_cache"] and s["contract_kept"]), None),
        "stale_answers_after_a_change": sum(s["stale_answer"] or s["stale_tool"] for s in kept),
        "stale_when_invalidate_not_called": bool(broken and (broken[0]["stale_answer"] or broken[0]["stale_tool"])),
    }


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return "–" if value is None else str(value)


def markdown(summary: dict[str, Any], steps: list[dict[str, Any]]) -> str:
    """The replay's figures, then the invalidation steps, as two Markdown tables."""
    figures = tabulate([[key, _fmt(value)] for key, value in summary.items()], headers=["metric", "value"],
                       tablefmt="github", disable_numparse=True)
    changes = tabulate(
        [[s["scenario"], s["expected"], "hit" if s["answer_from_cache"] else "miss", f"{s['latency_s']:.3f}",
          s["stale_answer"], f"{s['tool_count']} / {s['true_count']}", s["stale_tool"]] for s in steps],
        headers=["graph change", "expected", "answer", "answer latency (s)", "stale answer",
                 "count_nodes tool / truth", "stale tool"],
        tablefmt="github",
    )
    return figures + "\n\n" + changes


def plot_hit_ratio(rows: list[dict[str, Any]], path: Path) -> None:
    """Cumulative answer-cache and tool-cache hit ratios over the replay, under the workload's repeat share."""
    import matplotlib.pyplot as plt

    n = np.arange(1, len(rows) + 1)
    answer = np.cumsum([r["answer_hit"] for r in rows]) / n
    ceiling = np.cumsum([r["repeat"] for r in rows]) / n
    hits, lookups = np.cumsum([r["tool_hits"] for r in rows]), np.cumsum([r["tool_hits"] + r["tool_misses"]
                                                                         for r in rows])
    tool = np.divide(hits, lookups, out=np.zeros(len(rows)), where=lookups > 0)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(n, ceiling, "--", color="grey", label="repeat share (ceiling)")
    ax.plot(n, answer, color="#1565c0", label="answer cache")
    ax.plot(n, tool, color="#ef6c00", label="tool-result cache")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("request")
    ax.set_ylabel("cumulative hit ratio")
    ax.set_title("Cache hit ratio over a Zipf-distributed replay")
    ax.legend(fontsize="small", loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_latency(rows: list[dict[str, Any]], tools: dict[str, list[float]], steps: list[dict[str, Any]],
                 path: Path) -> None:
    """End-to-end latency per request class (replay, then the invalidation steps), and tool-call latency on a
    miss vs a hit (log scale)."""
    import matplotlib.pyplot as plt

    classes = ["answer hit", "miss, tool results cached", "miss, tools computed", "miss, no tool result"]
    groups = {c: [r["latency_s"] * 1000 for r in rows if r["class"] == c] for c in classes}
    for hit, label in ((True, "answer hit, invalidation steps"), (False, "answer miss, invalidation steps")):
        groups[label] = [s["latency_s"] * 1000 for s in steps if s["answer_from_cache"] == hit]
    groups.update({"tool call, miss": [s * 1000 for s in tools["miss_s"]],
                   "tool call, hit": [s * 1000 for s in tools["hit_s"]]})
    groups = {f"{c} (n={len(v)})": v for c, v in groups.items() if v}
    fig, ax = plt.subplots(figsize=(7, 1.4 + 0.55 * len(groups)))
    ax.boxplot(list(groups.values()), orientation="horizontal", tick_labels=list(groups), showfliers=False)
    for y, values in enumerate(groups.values(), 1):
        ax.scatter(values, np.full(len(values), y), s=10, alpha=0.5, color="#1565c0", zorder=3)
    ax.set_xscale("log")
    ax.set_xlabel("milliseconds (log scale)")
    ax.set_title("Latency of cache hits and misses")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def engine_for(engine: Engine | str | None, adapter: str) -> tuple[Engine, bool]:
    """A ready engine and whether the caller must close it: ``engine`` itself, or one made by name (None:
    llama.cpp) on the default base model with ``adapter``."""
    if engine is not None and not isinstance(engine, str):
        return engine, False
    from agent.engines import make_engine

    return make_engine(engine or "llamacpp", None, adapter), True


def run(*, out_dir: Path, quick: bool = False, engine: Engine | str | None = None, adapter: str = "default",
        requests: int | None = None, seed: int = 0, progress: bool = True) -> dict[str, Any]:
    """The cache measurement: replay, tool-layer timing, invalidation; plots into ``out_dir``.

    ``engine``: an engine, or an engine name (default llama.cpp) loaded here with ``adapter`` (``default``: the
    shipped adapter, or the untuned base model when none is shipped; ``none``: the base model).
    ``quick``: 6 requests over 6 questions with shorter turns (about a minute on llama.cpp).
    """
    import matplotlib

    matplotlib.use("Agg")
    settings = dict(QUICK if quick else FULL)
    settings["requests"] = requests or settings["requests"]
    questions = [(graph, q) for graph, texts in WORKLOAD.items() for q in texts[:settings["questions_per_graph"]]]
    workload = zipf_workload(settings["requests"], questions, seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    engine, owned = engine_for(engine, adapter)
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="graph-agent-cache-replay-") as tmp:
            work = Path(tmp)
            config = AgentConfig(engine=engine.name, adapter=adapter, data_dir=work / "data",
                                 max_tool_rounds=settings["max_tool_rounds"], max_tokens=settings["max_tokens"])
            with MeteredCache(work / "cache") as cache:
                rows = replay(engine, cache, config, workload, progress)
                steps = invalidation(engine, cache, config, work)
            tools = tool_latency(rows, work / "tool-timing")
    finally:
        if owned:
            engine.close()
    summary = summarize(rows, tools, steps)
    summary.update(engine=engine.name, adapter=engine.adapter_id or "none", wall_s=round(time.perf_counter()
                                                                                          - started, 1))
    plot_hit_ratio(rows, out_dir / HIT_PLOT)
    plot_latency(rows, tools, steps, out_dir / LATENCY_PLOT)
    return {
        "name": NAME,
        "title": TITLE,
        "summary": summary,
        "table_md": markdown(summary, steps),
        "plots": [
            {"file": HIT_PLOT, "caption": "Cumulative answer- and tool-cache hit ratio over the replay, under the "
                                          "workload's repeat share (what a perfect answer cache would hit)."},
            {"file": LATENCY_PLOT, "caption": "Latency of answer-cache hits vs misses end to end, and of one tool "
                                              "call on a cache miss vs a hit (log scale)."},
        ],
        "data": {"settings": {**settings, "seed": seed, "zipf_exponent": ZIPF_EXPONENT},
                 "requests": [{k: v for k, v in r.items() if k != "tool_calls"} for r in rows],
                 "tool_latency": tools, "invalidation": steps},
    }
