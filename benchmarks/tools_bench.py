"""``graph-agent bench tools``: how fast the graph tools and loaders are as graphs grow.

For generated graphs of the requested edge counts it prints the median wall time of shortest path (weighted),
connected components, PageRank and a cached tool call on the networkx backend, the load time of every file
format, and the same tools against the FalkorDB Bolt test server. Figures are medians over ``repeats`` runs,
measured through ``tools.registry.call_tool`` — what the agent pays per call.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from graphs.loaders import load_graph
from graphs.networkx_backend import NetworkxBackend
from tools.cache import GraphCache
from tools.registry import call_tool

AVERAGE_DEGREE = 10  # edges per node x2; keeps the node count at a fifth of the edge count
BOLT_TIMEOUT_S = 20.0
"""Server-wide query timeout of the Bolt test server (FalkorDB ignores per-query timeouts); a call that runs
past it shows as ``timeout`` in the table."""
BOLT_WEIGHTED_MAX_EDGES = 10_000
"""FalkorDB's ``algo.SPpaths`` enumerates paths and ignores the server timeout: at 10^5 edges one call ran for
minutes, so weighted paths are only timed up to this size on the Bolt server."""


def generated_graph(edges: int, seed: int = 7) -> nx.DiGraph:
    """A directed random graph with ``edges`` edges, ``edges / 5`` nodes and integer weights 1..100.

    Directed so that both backends answer the same questions (the Neo4j backend's PageRank is directed only).
    """
    rng = random.Random(seed)
    graph = nx.gnm_random_graph(max(edges * 2 // AVERAGE_DEGREE, 2), edges, seed=seed, directed=True)
    for _, _, data in graph.edges(data=True):
        data["weight"] = rng.randint(1, 100)
    return graph


def median_seconds(fn: Callable[[], Any], repeats: int, warm_up: bool = True) -> float:
    """Median wall time of ``fn`` over ``repeats`` calls, after one untimed warm-up call (imports, caches)."""
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_tool(
    backend: Any, name: str, args: Callable[[], dict[str, Any]], repeats: int, warm_up: bool = True,
    cache: GraphCache | None = None,
) -> float | str:
    """Median seconds of ``call_tool(backend, name, args())``, or the error code if any call failed (a
    figure for a failed call would time the error, not the tool)."""
    errors: list[str] = []

    def once() -> None:
        result = call_tool(backend, name, args(), cache=cache)
        if isinstance(result, dict) and "error" in result:
            errors.append(result["error"])

    seconds = median_seconds(once, repeats, warm_up)
    return errors[0] if errors else seconds


def _tool_timings(
    backend: Any, nodes: list[Any], repeats: int, cache_dir: str, weighted: bool = True
) -> dict[str, float | str]:
    rng = random.Random(1)
    pairs = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(repeats + 1)]
    weighted_pairs, hop_pairs = iter(pairs), iter(pairs)

    def weighted_pair() -> dict[str, Any]:
        source, target = next(weighted_pairs)
        return {"source": source, "target": target, "weight": "weight"}

    def hop_pair() -> dict[str, Any]:
        source, target = next(hop_pairs)
        return {"source": source, "target": target}

    figures: dict[str, float | str] = {}
    if weighted:
        # The first weighted call also checks every weight once (cached per attribute), so it is shown apart.
        figures["first_weighted_path_s"] = time_tool(backend, "shortest_path", weighted_pair, 1, warm_up=False)
        figures["weighted_path_s"] = time_tool(backend, "shortest_path", weighted_pair, repeats, warm_up=False)
    else:
        figures["first_weighted_path_s"] = figures["weighted_path_s"] = "skipped"
    figures["hops_path_s"] = time_tool(backend, "shortest_path", hop_pair, repeats)
    figures["components_s"] = time_tool(backend, "connected_components", dict, repeats)
    figures["pagerank_s"] = time_tool(
        backend, "centrality", lambda: {"measure": "pagerank", "k": 10}, max(1, repeats // 2)
    )
    cache = GraphCache(directory=cache_dir)
    args = {"source": nodes[0], "target": nodes[-1]}
    figures["cached_call_s"] = time_tool(
        backend, "shortest_path", lambda: args, max(repeats, 50), cache=cache  # the warm-up call fills it
    )
    return figures


def bench_networkx(edges: int, repeats: int, cache_dir: str) -> dict[str, Any]:
    """Tool timings on the networkx backend for one generated graph."""
    graph = generated_graph(edges)
    backend = NetworkxBackend(graph, name=f"gnm-{edges}")
    backend.fingerprint()  # computed once per graph version; not part of a tool call
    row = {"backend": "networkx", "edges": edges, "nodes": graph.number_of_nodes()}
    row.update(_tool_timings(backend, list(graph.nodes), repeats, cache_dir))
    return row


def _write_formats(graph: nx.Graph, folder: Path) -> dict[str, Path]:
    paths = {
        "graphml": folder / "g.graphml",
        "gml": folder / "g.gml",
        "json": folder / "g.json",
        "csv": folder / "g.csv",
        "tsv": folder / "g.tsv",
        "txt": folder / "g.txt",
    }
    nx.write_graphml(graph, paths["graphml"])
    nx.write_gml(graph, paths["gml"])
    paths["json"].write_text(json.dumps(nx.node_link_data(graph, edges="links")))
    rows = [(u, v, d["weight"]) for u, v, d in graph.edges(data=True)]
    paths["csv"].write_text("source,target,weight\n" + "".join(f"{u},{v},{w}\n" for u, v, w in rows))
    paths["tsv"].write_text("source\ttarget\tweight\n" + "".join(f"{u}\t{v}\t{w}\n" for u, v, w in rows))
    paths["txt"].write_text("".join(f"{u} {v} {w}\n" for u, v, w in rows))
    return paths


def bench_loaders(edges: int, repeats: int) -> dict[str, Any]:
    """Load time of each supported file format for one generated graph."""
    graph = generated_graph(edges)
    row: dict[str, Any] = {"edges": edges}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, path in _write_formats(graph, Path(tmp)).items():
            row[f"{fmt}_s"] = median_seconds(lambda p=path: load_graph(p), repeats)
    return row


def bench_bolt(edges: int, repeats: int, cache_dir: str) -> dict[str, Any]:
    """Tool timings on the Neo4j backend against a fresh FalkorDB Bolt test server."""
    from benchmarks.bolt_server import load_nx_graph, running_server
    from graphs.neo4j_backend import Neo4jBackend

    graph = generated_graph(edges)
    with running_server(timeout_ms=int(BOLT_TIMEOUT_S * 1000)) as (server, driver):
        load_start = time.perf_counter()
        load_nx_graph(driver, graph)
        load_s = time.perf_counter() - load_start
        backend = Neo4jBackend.connect(uri=server.uri, driver=driver, directed=True, timeout_s=BOLT_TIMEOUT_S)
        row = {"backend": "bolt", "edges": edges, "nodes": graph.number_of_nodes(), "bolt_load_s": load_s}
        weighted = edges <= BOLT_WEIGHTED_MAX_EDGES
        row.update(_tool_timings(backend, list(graph.nodes), repeats, cache_dir, weighted=weighted))
        backend.close()
    return row


def _print_table(title: str, rows: list[dict[str, Any]]) -> None:
    """Print ``rows`` as a Markdown table (times in ms), ready to paste into the README."""
    if not rows:
        return
    keys = list(rows[0])
    headers = [k[:-2] + " (ms)" if k.endswith("_s") else k for k in keys]
    print(f"\n{title}\n")
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---:" for _ in keys) + "|")
    for row in rows:
        cells = []
        for key in keys:
            value = row[key]
            cells.append(f"{value * 1000:.2f}" if key.endswith("_s") and isinstance(value, float) else str(value))
        print("| " + " | ".join(cells) + " |")


def run_tools_benchmark(
    sizes: list[int], bolt_sizes: list[int], repeats: int = 5, out: str | None = None
) -> dict[str, Any]:
    """Run every figure, print the tables, and optionally write them as JSON to ``out``."""
    results: dict[str, Any] = {"networkx": [], "loaders": [], "bolt": []}
    with tempfile.TemporaryDirectory() as cache_dir:
        for edges in sizes:
            print(f"networkx backend: {edges} edges ...", flush=True)
            results["networkx"].append(bench_networkx(edges, repeats, cache_dir))
        for edges in [s for s in sizes if s <= 100_000]:
            print(f"loaders: {edges} edges ...", flush=True)
            results["loaders"].append(bench_loaders(edges, max(1, repeats // 2)))
        for edges in bolt_sizes:
            print(f"Bolt test server: {edges} edges ...", flush=True)
            results["bolt"].append(bench_bolt(edges, repeats, cache_dir))
    _print_table("networkx backend (median per call)", results["networkx"])
    _print_table("file loaders (median load time)", results["loaders"])
    _print_table("Neo4j backend on the FalkorDB Bolt test server (median per call)", results["bolt"])
    if out:
        Path(out).write_text(json.dumps(results, indent=2))
        print(f"\nwrote {out}")
    return results
