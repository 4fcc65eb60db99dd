"""Scalability: what happens to the tools, the model's prompt and the whole agent as the graph grows.

For generated graphs (``tools_bench.generated_graph``: directed G(n, m), n = m/5, integer weights) of 10^2 to
10^6 edges on networkx and 10^2 to 10^5 edges on the FalkorDB Bolt test server (one fresh server per size), it
measures, per size:

- **tool time**: median wall time of the tools a question about two nodes uses, through ``call_tool`` with no
  cache (has_path, degree, fewest-hop and weighted shortest path, neighbors, 2-hop neighbourhood, connected
  components, PageRank top 10), plus the graph fingerprint, paid once per graph version;
- **tokens that reach the model**: each tool result as the model reads it (``tools.registry.to_content``) and
  the graph description in the system turn, counted with the engine's own tokenizer. Results are sized for a
  small context (counts plus the first N items), so this should stay flat while the graph grows a
  ten-thousandfold;
- **the agent end to end**: questions whose answers the tools compute exactly (can node a reach node b, how
  many edges does node a have, the fewest-hop path from a to b), asked through ``AgentSession`` without the
  cache, graded with ``finetune.grading.grade`` against gold answers computed with networkx. The largest
  networkx point asks one question, the others ``questions_per_size``.

Guard: the product has no time bound on whole-graph algorithms yet, and the untuned model calls tools at random;
one diameter or betweenness call on 10^5 nodes would run for hours. So on graphs over ``GUARD_NODES`` nodes,
and for weighted paths on the Bolt server over ``BOLT_WEIGHTED_MAX_EDGES`` edges, this benchmark's backend
answers those calls with the ``too_large`` tool error instead. The output counts how often that happened.
FalkorDB's weighted paths (``algo.SPpaths``) enumerate paths and ignore the server timeout: on the 10^3-edge
graph one random pair ran for over 290 s, while others take milliseconds.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
from tabulate import tabulate

from agent.context import AgentConfig
from agent.engines.base import Engine
from agent.ingest import describe_graph
from agent.session import AgentSession
from benchmarks.cache_replay import engine_for
from benchmarks.tools_bench import BOLT_TIMEOUT_S, generated_graph, time_tool
from graphs.errors import TooLarge
from graphs.networkx_backend import NetworkxBackend
from tools.registry import call_tool, to_content

NAME = "scalability"
TITLE = "Scalability"
FULL = {"sizes": (100, 1_000, 10_000, 100_000, 1_000_000), "bolt_sizes": (100, 1_000, 10_000, 100_000),
        "questions_per_size": 3, "repeats": 3, "max_tokens": AgentConfig.max_tokens}
"""The full run's settings; ``max_tokens`` is the agent's default, so a long answer (a 9-node path of 6-digit ids
at 10^6 edges, ~70 tokens) is not cut short and graded wrong for a reason that is not the graph's size."""
QUICK = {"sizes": (100, 1_000), "bolt_sizes": (100,), "questions_per_size": 1, "repeats": 1, "max_tokens": 48}
SINGLE_QUESTION_FROM = 1_000_000
"""From this many edges the end-to-end point asks one question (the fewest-hop path)."""
GUARD_NODES = 1_000
BOLT_WEIGHTED_MAX_EDGES = 100
UNBOUNDED = {"diameter", "max_matching", "subgraph_match", "triangles", "max_flow", "min_cut", "similarity"}
UNBOUNDED_CENTRALITY = {"betweenness", "closeness"}
TOOL_PROBES = ("has_path", "degree", "hops_path", "weighted_path", "neighbors", "k_hop", "components", "pagerank")
PLOT = "scalability.png"


class GuardedBackend:
    """A backend that refuses calls with no time bound on a large graph (see the module docstring)."""

    def __init__(self, inner: Any, edges: int) -> None:
        self._inner, self._edges = inner, edges
        self.refused = 0
        self._large = inner.summary()["nodes"] > GUARD_NODES

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if self._refuses(name, args, kwargs):
                self.refused += 1
                raise TooLarge(f"{name} is not run on a graph of {self._edges:,} edges in the scalability benchmark "
                               "(no time bound)")
            return attribute(*args, **kwargs)

        return guarded

    def _refuses(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        if name == "shortest_path":
            weight = kwargs.get("weight", args[2] if len(args) > 2 else None)
            return bool(weight) and self._inner.kind != "networkx" and self._edges > BOLT_WEIGHTED_MAX_EDGES
        if not self._large:
            return False
        if name == "centrality":
            return kwargs.get("measure", args[0] if args else None) in UNBOUNDED_CENTRALITY
        return name in UNBOUNDED


def questions_for(graph: nx.DiGraph, count: int, seed: int = 3) -> list[dict[str, Any]]:
    """``count`` gradable questions about generated node ids (eval question fields): a fewest-hop path between a
    reachable pair first, then reachability and degree; gold answers computed with networkx."""
    rng = random.Random(seed)
    nodes = list(graph.nodes)
    for _ in range(1000):
        source, target = rng.choice(nodes), rng.choice(nodes)
        if source != target and nx.has_path(graph, source, target):
            break
    else:
        raise ValueError("no two connected nodes found in 1000 draws: the graph is too sparse for the questions")
    other, node = rng.choice(nodes), rng.choice(nodes)
    questions = [
        {"id": "path", "question": f"What is the shortest path from node {source} to node {target}?",
         "kind": "path", "answer": json.dumps(nx.shortest_path(graph, source, target)), "task": "shortest_path"},
        {"id": "reach", "question": f"Can node {target} reach node {other}?", "kind": "boolean",
         "answer": "yes" if nx.has_path(graph, target, other) else "no", "task": "has_path"},
        {"id": "degree", "question": f"How many edges does node {node} have?", "kind": "number",
         "answer": str(graph.degree(node)), "task": "degree"},
    ]
    return questions[:count]


def _probe_args(graph: nx.DiGraph, seed: int = 5) -> dict[str, tuple[str, Callable[[], dict[str, Any]]]]:
    rng = random.Random(seed)
    nodes = list(graph.nodes)

    def pair() -> dict[str, Any]:
        return {"source": rng.choice(nodes), "target": rng.choice(nodes)}

    def connected(weight: str | None = None) -> dict[str, Any]:
        """A pair with a path (a ``no_path`` error would time the error, not the search)."""
        args = next((p for p in (pair() for _ in range(100)) if nx.has_path(graph, p["source"], p["target"])), pair())
        return {**args, "weight": weight} if weight else args

    return {
        "has_path": ("has_path", pair), "degree": ("degree", lambda: {"node": rng.choice(nodes)}),
        "hops_path": ("shortest_path", connected), "weighted_path": ("shortest_path", lambda: connected("weight")),
        "neighbors": ("neighbors", lambda: {"node": rng.choice(nodes)}),
        "k_hop": ("k_hop", lambda: {"node": rng.choice(nodes), "k": 2}),
        "components": ("connected_components", dict),
        "pagerank": ("centrality", lambda: {"measure": "pagerank", "k": 10}),
    }


def measure_tools(backend: Any, graph: nx.DiGraph, engine: Engine, repeats: int) -> dict[str, Any]:
    """Median seconds and result tokens of every probe tool; ``skipped`` where the guard refuses it."""
    timings: dict[str, Any] = {}
    tokens: dict[str, int | None] = {}
    for probe, (tool, args) in _probe_args(graph).items():
        result = call_tool(backend, tool, args())
        if isinstance(result, dict) and result.get("error") == "too_large":
            timings[probe], tokens[probe] = "skipped", None
            continue
        tokens[probe] = engine.count_tokens(to_content(result))
        timings[probe] = time_tool(backend, tool, args, repeats, warm_up=False)
    return {"tool_s": timings, "tool_tokens": tokens}


def ask_all(backend: Any, grading_graph: NetworkxBackend, questions: list[dict[str, Any]], engine: Engine,
            config: AgentConfig) -> list[dict[str, Any]]:
    """Ask each question through a fresh ``AgentSession`` (no cache) and grade the answer."""
    from finetune.grading import grade

    rows = []
    with AgentSession(backend, config, engine=engine) as session:
        for question in questions:
            answer = session.ask(question["question"])
            verdict = grade(answer.answer, kind=question["kind"], gold=question["answer"],
                            tool_calls=answer.tool_calls, graph=grading_graph)
            rows.append({
                "id": question["id"], "question": question["question"], "gold": question["answer"],
                "answer": answer.answer, "verdict": verdict.verdict, "detail": verdict.detail,
                "latency_s": answer.latency_s, "tools": [call["name"] for call in answer.tool_calls],
                "prompt_tokens": answer.usage.get("prompt_tokens", 0),
                "tool_output_tokens": sum(engine.count_tokens(to_content(call["result"]))
                                          for call in answer.tool_calls),
            })
    return rows


@contextmanager
def _bolt_backend(graph: nx.DiGraph) -> Iterator[tuple[Any, float]]:
    """A fresh Bolt test server holding ``graph``, the Neo4j backend on it, and the load time."""
    from benchmarks.bolt_server import load_nx_graph, running_server
    from graphs.neo4j_backend import Neo4jBackend

    with running_server(timeout_ms=int(BOLT_TIMEOUT_S * 1000)) as (server, driver):
        started = time.perf_counter()
        load_nx_graph(driver, graph)
        load_s = time.perf_counter() - started
        backend = Neo4jBackend.connect(uri=server.uri, driver=driver, directed=True, timeout_s=BOLT_TIMEOUT_S)
        try:
            yield backend, load_s
        finally:
            backend.close()


def measure_point(kind: str, edges: int, engine: Engine, config: AgentConfig, settings: dict[str, Any],
                  progress: bool = True) -> dict[str, Any]:
    """Every figure for one backend kind (``networkx``/``bolt``) and one generated graph size."""
    started = time.perf_counter()
    graph = generated_graph(edges)
    twin = NetworkxBackend(graph, name=f"gnm-{edges}")
    count = 1 if edges >= SINGLE_QUESTION_FROM else settings["questions_per_size"]
    questions = questions_for(graph, count)
    row: dict[str, Any] = {"backend": kind, "edges": edges, "nodes": graph.number_of_nodes()}
    with _bolt_backend(graph) if kind == "bolt" else _networkx(twin) as (inner, load_s):
        row["load_s"] = load_s
        begin = time.perf_counter()
        inner.fingerprint()
        row["fingerprint_s"] = time.perf_counter() - begin
        backend = GuardedBackend(inner, edges)
        row["graph_context_tokens"] = engine.count_tokens(describe_graph(backend))
        row.update(measure_tools(backend, graph, engine, settings["repeats"] if edges < 10**6 else 1))
        row["questions"] = ask_all(backend, twin, questions, engine, config)
        row["guard_refusals"] = backend.refused
    row["wall_s"] = time.perf_counter() - started
    if progress:
        verdicts = [q["verdict"] for q in row["questions"]]
        print(f"[scale] {kind} {edges:,} edges: {row['wall_s']:.1f} s, verdicts {verdicts}", flush=True)
    return row


@contextmanager
def _networkx(backend: NetworkxBackend) -> Iterator[tuple[NetworkxBackend, float]]:
    yield backend, 0.0


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def point_summary(row: dict[str, Any]) -> dict[str, Any]:
    """The per-point figures that the table and the plot show."""
    questions = row["questions"]
    tokens = [t for t in row["tool_tokens"].values() if t is not None]
    return {
        "agent_p50_s": _median([q["latency_s"] for q in questions]),
        "correct": sum(q["verdict"] == "correct" for q in questions),
        "asked": len(questions),
        "accuracy": sum(q["verdict"] == "correct" for q in questions) / len(questions) if questions else None,
        "tool_tokens_max": max(tokens) if tokens else None,
        "agent_tool_output_tokens_p50": _median([q["tool_output_tokens"] for q in questions]),
    }


def _ms(value: Any) -> str:
    return f"{value * 1000:.2f}" if isinstance(value, float) else str(value)


def markdown(rows: list[dict[str, Any]]) -> str:
    """One row per backend and size: tool times (ms), tokens reaching the model, agent latency and accuracy."""
    table = []
    for row in rows:
        point = point_summary(row)
        table.append([row["backend"], f"{row['edges']:,}", f"{row['nodes']:,}", _ms(row["fingerprint_s"]),
                      *(_ms(row["tool_s"][p]) for p in TOOL_PROBES), point["tool_tokens_max"],
                      row["graph_context_tokens"], f"{point['agent_p50_s']:.1f}",
                      f"{point['correct']}/{point['asked']}", row["guard_refusals"]])
    headers = ["backend", "edges", "nodes", "fingerprint (ms)", *(f"{p} (ms)" for p in TOOL_PROBES),
               "max tool-output tokens", "graph-context tokens", "agent p50 (s)", "correct", "refused by the guard"]
    return tabulate(table, headers=headers, tablefmt="github", disable_numparse=True)


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Four panels against edge count (log): tool time, tokens reaching the model, agent latency, accuracy."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    styles = {"networkx": ("-", "#1565c0"), "bolt": ("--", "#ef6c00")}
    colors = dict(zip(TOOL_PROBES, plt.get_cmap("tab10").colors, strict=False))
    labelled: set[str] = set()
    for kind, (style, color) in styles.items():
        points = [r for r in rows if r["backend"] == kind]
        if not points:
            continue
        edges = [r["edges"] for r in points]
        for probe in ("hops_path", "weighted_path", "neighbors", "components", "pagerank"):
            xs = [r["edges"] for r in points if isinstance(r["tool_s"][probe], float)]
            ys = [r["tool_s"][probe] * 1000 for r in points if isinstance(r["tool_s"][probe], float)]
            label = None if probe in labelled else probe
            labelled.add(probe)
            axes[0, 0].plot(xs, ys, style, marker="o", color=colors[probe], label=label)
        axes[0, 1].plot(edges, [point_summary(r)["tool_tokens_max"] for r in points], style, marker="o",
                        color=color, label=f"largest tool result ({kind})")
        axes[0, 1].plot(edges, [r["graph_context_tokens"] for r in points], style, marker="s", color=color,
                        alpha=0.5, label=f"graph description ({kind})")
        axes[1, 0].plot(edges, [point_summary(r)["agent_p50_s"] for r in points], style, marker="o",
                        color=color, label=kind)
        axes[1, 1].plot(edges, [point_summary(r)["accuracy"] for r in points], style, marker="o",
                        color=color, label=kind)
    titles = [("tool time (ms, median, no cache; colour = tool)", True), ("tokens reaching the model", False),
              ("agent end-to-end latency (s, median)", False), ("accuracy (share graded correct)", False)]
    for ax, (title, log_y) in zip(axes.flat, titles, strict=True):
        ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log")
        ax.set_title(title, fontsize="medium")
        ax.set_xlabel("edges")
        ax.legend(fontsize="x-small")
        ax.grid(alpha=0.3)
    axes[1, 1].set_ylim(-0.05, 1.05)
    fig.suptitle("Scalability on generated graphs (solid: networkx, dashed: Bolt test server)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(*, out_dir: Path, quick: bool = False, engine: Engine | str | None = None, adapter: str = "default",
        sizes: tuple[int, ...] | None = None, bolt_sizes: tuple[int, ...] | None = None,
        progress: bool = True) -> dict[str, Any]:
    """The scalability measurement; the plot goes into ``out_dir``. ``engine`` and ``adapter`` as in
    ``cache_replay.run``; ``quick``: 10^2 and 10^3 edges on networkx and 10^2 on Bolt, one question each
    (about a minute)."""
    import matplotlib

    matplotlib.use("Agg")
    settings = dict(QUICK if quick else FULL)
    settings["sizes"] = tuple(settings["sizes"] if sizes is None else sizes)
    settings["bolt_sizes"] = tuple(settings["bolt_sizes"] if bolt_sizes is None else bolt_sizes)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    engine, owned = engine_for(engine, adapter)
    started = time.perf_counter()
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="graph-agent-scale-") as tmp:
            config = AgentConfig(engine=engine.name, adapter=adapter, use_cache=False, data_dir=Path(tmp),
                                 max_tokens=settings["max_tokens"])
            for kind, key in (("networkx", "sizes"), ("bolt", "bolt_sizes")):
                for edges in settings[key]:
                    rows.append(measure_point(kind, edges, engine, config, settings, progress))
    finally:
        if owned:
            engine.close()
    plot(rows, out_dir / PLOT)
    summary: dict[str, Any] = {"engine": engine.name, "adapter": engine.adapter_id or "none",
                               "wall_s": round(time.perf_counter() - started, 1)}
    for row in rows:
        point, label = point_summary(row), f"{row['backend']} {row['edges']:.0e}".replace("e+0", "e")
        summary[f"{label} agent p50 (s)"] = round(point["agent_p50_s"], 2)
        summary[f"{label} correct"] = f"{point['correct']}/{point['asked']}"
        summary[f"{label} max tool tokens"] = point["tool_tokens_max"]
    return {
        "name": NAME,
        "title": TITLE,
        "summary": summary,
        "table_md": markdown(rows),
        "plots": [{"file": PLOT, "caption": "Tool time, tokens of tool output reaching the model, agent latency and "
                                            "accuracy as generated graphs grow from 10^2 edges (networkx and Bolt)."}],
        "data": {"settings": settings, "points": rows},
    }
