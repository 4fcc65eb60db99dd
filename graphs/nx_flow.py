"""Flows and matchings on networkx graphs: maximum flow, minimum cut, maximum-cardinality matching.

Pure functions over a networkx graph and already-resolved node ids, returning the shapes of the
``GraphBackend`` protocol. Flows use networkx's preflow-push; undirected edges carry their capacity both
ways and an edge without the capacity attribute is unbounded (networkx's convention), so a source-sink path
made only of such edges is reported as a clear ``InvalidArgument`` instead of an infinite answer.
Matchings use Hopcroft-Karp when the graph is bipartite and Edmonds' blossom algorithm otherwise; both are
exact.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from networkx.algorithms.flow import preflow_push

from graphs.backend import make_listing
from graphs.errors import InvalidArgument
from graphs.node_match import node_sort_key
from graphs.nx_attrs import scan_edge_attr
from graphs.nx_structure import sorted_ids, two_colouring


def _pair_key(pair: tuple[Any, Any]) -> tuple[tuple[str, str], tuple[str, str]]:
    return node_sort_key(pair[0]), node_sort_key(pair[1])


def _check_terminals(G: nx.Graph, source: Any, sink: Any, capacity: str) -> None:
    if source == sink:
        raise InvalidArgument(f"Source and sink are the same node ({source!r}); a flow needs two nodes.")
    if scan_edge_attr(G, capacity, "capacity").negative:
        raise InvalidArgument(f"Capacity attribute {capacity!r} has negative values.", attribute=capacity)


def _unbounded(source: Any, sink: Any, capacity: str) -> InvalidArgument:
    return InvalidArgument(
        f"Some path from {source!r} to {sink!r} uses only edges without the capacity attribute {capacity!r}, "
        "which count as unbounded, so the flow is infinite.",
        attribute=capacity,
    )


def max_flow(
    G: nx.Graph, source: Any, sink: Any, capacity: str = "capacity", limit: int = 50
) -> dict[str, Any]:
    """Maximum flow value and the positive edge flows, sorted by (source, target).

    >>> G = nx.DiGraph([("s", "a", {"capacity": 3}), ("a", "t", {"capacity": 2})])
    >>> max_flow(G, "s", "t")["value"]
    2
    """
    _check_terminals(G, source, sink, capacity)
    try:
        value, flow = nx.maximum_flow(G, source, sink, capacity=capacity, flow_func=preflow_push)
    except nx.NetworkXUnbounded as exc:
        raise _unbounded(source, sink, capacity) from exc
    positive = ((u, v) for u, out in flow.items() for v, amount in out.items() if amount > 0)
    edges = sorted(positive, key=_pair_key)
    items = [{"source": u, "target": v, "flow": flow[u][v]} for u, v in edges]
    return {"value": value, "flows": make_listing(items, limit)}


def min_cut(
    G: nx.Graph, source: Any, sink: Any, capacity: str = "capacity", limit: int = 50
) -> dict[str, Any]:
    """Minimum cut value, the cut edges ``[u, v]`` (``u`` on the source side) and the source side.

    >>> G = nx.DiGraph([("s", "a", {"capacity": 3}), ("a", "t", {"capacity": 2})])
    >>> min_cut(G, "s", "t")["cut_edges"]["items"]
    [['a', 't']]
    """
    _check_terminals(G, source, sink, capacity)
    try:
        value, (side, _) = nx.minimum_cut(G, source, sink, capacity=capacity, flow_func=preflow_push)
    except nx.NetworkXUnbounded as exc:
        raise _unbounded(source, sink, capacity) from exc
    cut = sorted(((u, v) for u in side for v in G[u] if v not in side), key=_pair_key)
    return {
        "value": value,
        "cut_edges": make_listing([[u, v] for u, v in cut], limit),
        "source_side": make_listing(sorted_ids(side), limit),
    }


def max_matching(G: nx.Graph, limit: int = 50) -> dict[str, Any]:
    """A maximum-cardinality matching, direction and self-loops ignored; pairs sorted, each ``[u, v]`` too.

    >>> max_matching(nx.path_graph(4))["size"]
    2
    """
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    # networkx iterates sets of nodes inside both algorithms; with string nodes that order (and so which of
    # several maximum matchings comes out) changes with Python's hash seed. Integer labels hash to themselves.
    names = list(U.nodes)
    H = nx.convert_node_labels_to_integers(U, ordering="default")
    colour, odd_cycle = two_colouring(H)
    if odd_cycle is None:
        top = {node for node, side in colour.items() if side == 0}
        mate = nx.bipartite.hopcroft_karp_matching(H, top_nodes=top)
        pairs = {(u, v) for u, v in mate.items() if u in top}
    else:
        pairs = nx.max_weight_matching(H, maxcardinality=True, weight=None)
    ordered = sorted((tuple(sorted_ids((names[u], names[v]))) for u, v in pairs), key=_pair_key)
    return {"size": len(ordered), "pairs": make_listing([list(pair) for pair in ordered], limit)}
