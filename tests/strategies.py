"""Hypothesis strategies for small random graphs of every family the backends must handle.

Graphs follow the shared networkx conventions (``labels`` node attribute, ``type`` edge attribute, other
attributes are properties) and stay at most 12 nodes so that the brute-force references in
``tests/backend_checks.py`` are cheap. ``graphs()`` draws arbitrary simple graphs (directed or not, int or str
ids, weights, self-loops, isolated nodes, labels, names, a numeric ``score``); ``named_graphs()`` draws the
classic families (trees, DAGs, grids, cycles, complete, bipartite, scale-free) from seeded generators;
``flow_networks()`` puts an integer ``capacity`` on every edge.
"""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
from hypothesis import strategies as st

MAX_NODES = 12
LABELS = ("Person", "City", "Thing")
TYPES = ("KNOWS", "NEAR")


def _ids(n: int, kind: str) -> list[Any]:
    if kind == "int":
        return list(range(n))
    if kind == "str":
        return [f"n{i}" for i in range(n)]
    return [i if i % 2 else f"v{i}" for i in range(n)]


positive_weights = st.one_of(st.integers(1, 9), st.integers(1, 40).map(lambda x: x / 4))


@st.composite
def graphs(
    draw: st.DrawFn,
    directed: bool | None = None,
    weighted: bool | None = None,
    self_loops: bool | None = None,
    min_nodes: int = 0,
    max_nodes: int = MAX_NODES,
    id_kind: str | None = None,
) -> nx.Graph:
    """A simple graph with optional weights, self-loops, labels, relationship types and node properties."""
    n = draw(st.integers(min_nodes, max_nodes))
    is_directed = draw(st.booleans()) if directed is None else directed
    has_weights = draw(st.booleans()) if weighted is None else weighted
    loops = draw(st.booleans()) if self_loops is None else self_loops
    ids = _ids(n, id_kind or draw(st.sampled_from(["int", "str", "mixed"])))
    G: nx.Graph = nx.DiGraph() if is_directed else nx.Graph()
    decorate = draw(st.booleans())
    for node in ids:
        attrs: dict[str, Any] = {}
        if decorate:
            attrs["labels"] = [draw(st.sampled_from(LABELS))]
            attrs["score"] = draw(st.integers(0, 20))
        G.add_node(node, **attrs)
    pairs = list(itertools.permutations(range(n), 2) if is_directed else itertools.combinations(range(n), 2))
    if loops:
        pairs += [(i, i) for i in range(n)]
    density = draw(st.sampled_from([0.15, 0.3, 0.5, 0.8]))
    coins = draw(st.lists(st.floats(0, 1), min_size=len(pairs), max_size=len(pairs)))
    for (i, j), coin in zip(pairs, coins, strict=True):
        if coin >= density:
            continue
        attrs = {}
        if has_weights:
            attrs["weight"] = draw(positive_weights)
        if decorate:
            attrs["type"] = draw(st.sampled_from(TYPES))
        G.add_edge(ids[i], ids[j], **attrs)
    return G


def _relabel(G: nx.Graph) -> nx.Graph:
    """Grid and product generators use tuple ids; renumber them 0..n-1 in sorted order."""
    return nx.convert_node_labels_to_integers(G, ordering="sorted")


@st.composite
def named_graphs(draw: st.DrawFn) -> nx.Graph:
    """A graph from a classic family, built by a seeded networkx generator (undirected unless a DAG)."""
    seed = draw(st.integers(0, 10_000))
    n = draw(st.integers(1, MAX_NODES))
    family = draw(st.sampled_from(["tree", "dag", "grid", "cycle", "complete", "bipartite", "scale_free"]))
    if family == "tree":
        return nx.random_labeled_tree(n, seed=seed)
    if family == "dag":
        dag = nx.DiGraph()
        dag.add_nodes_from(range(n))
        random = nx.gnp_random_graph(n, 0.35, seed=seed, directed=True)
        dag.add_edges_from((u, v) for u, v in random.edges() if u < v)
        return dag
    if family == "grid":
        return _relabel(nx.grid_2d_graph(draw(st.integers(1, 3)), draw(st.integers(1, 4))))
    if family == "cycle":
        return nx.cycle_graph(max(n, 3))
    if family == "complete":
        return nx.complete_graph(min(n, 7))
    if family == "bipartite":
        left = draw(st.integers(1, 5))
        return _relabel(nx.bipartite.random_graph(left, draw(st.integers(1, 6)), 0.5, seed=seed))
    return nx.barabasi_albert_graph(max(n, 3), 2 if n > 3 else 1, seed=seed)


def any_graphs(**kwargs: Any) -> st.SearchStrategy[nx.Graph]:
    """Random graphs (``graphs(**kwargs)``) or, without constraints, classic families as well."""
    return st.one_of(graphs(**kwargs), named_graphs()) if not kwargs else graphs(**kwargs)


@st.composite
def flow_networks(draw: st.DrawFn, max_nodes: int = 9) -> nx.Graph:
    """A graph with at least two nodes and an integer ``capacity`` on every edge."""
    G = draw(graphs(min_nodes=2, max_nodes=max_nodes, weighted=False))
    for _, _, data in G.edges(data=True):
        data["capacity"] = draw(st.integers(0, 9))
    return G
