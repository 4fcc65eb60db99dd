"""Paths and distances on networkx graphs: reachability, shortest paths, k-hop neighbourhoods, diameter.

Pure functions over a networkx graph and already-resolved node ids, returning the shapes of the
``GraphBackend`` protocol. Shortest paths use bidirectional search (BFS unweighted, Dijkstra weighted) so that
a single query on a 10^6-edge graph stays well under a second; negative weights fall back to Bellman-Ford.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphs.backend import Direction, Listing, make_listing
from graphs.errors import InvalidArgument, NoPath, TooLarge
from graphs.node_match import node_sort_key
from graphs.nx_attrs import scan_edge_attr
from graphs.nx_centrality import ALL_PAIRS_BUDGET
from graphs.nx_structure import largest_part


def check_direction(direction: object) -> None:
    """Raise ``InvalidArgument`` unless ``direction`` is ``"out"``, ``"in"`` or ``"both"``."""
    if direction not in ("out", "in", "both"):
        raise InvalidArgument(f"direction must be 'out', 'in' or 'both', not {direction!r}.")


def oriented(G: nx.Graph, direction: Direction) -> nx.Graph:
    """A view of ``G`` whose successors follow ``direction`` (``out``, ``in`` or ``both``).

    >>> list(oriented(nx.DiGraph([(1, 2)]), "in")[2])
    [1]
    """
    check_direction(direction)
    if not G.is_directed() or direction == "out":
        return G
    return G.reverse(copy=False) if direction == "in" else G.to_undirected(as_view=True)


def path_weight(G: nx.Graph, path: list[Any], weight: str) -> float:
    """Sum of ``weight`` along ``path`` (a missing attribute counts 1)."""
    return float(sum(G[u][v].get(weight, 1) for u, v in zip(path, path[1:], strict=False)))


def shortest_path(
    G: nx.Graph, source: Any, target: Any, weight: str | None = None, negative: bool | None = None
) -> dict[str, Any]:
    """Shortest path ``{"path", "hops", "total_weight"}`` from ``source`` to ``target``; ``NoPath`` if none.

    ``negative`` says whether some ``weight`` is negative (Bellman-Ford instead of Dijkstra); None scans the
    edges to find out (callers that cache the scan pass it to save the O(edges) pass).

    >>> shortest_path(nx.path_graph(4), 0, 3)
    {'path': [0, 1, 2, 3], 'hops': 3, 'total_weight': None}
    """
    try:
        if weight is None:
            path = nx.bidirectional_shortest_path(G, source, target)
        elif negative or (negative is None and scan_edge_attr(G, weight, "weight").negative):
            path = nx.bellman_ford_path(G, source, target, weight=weight)
        else:
            path = nx.bidirectional_dijkstra(G, source, target, weight=weight)[1]
    except nx.NetworkXNoPath as exc:
        raise NoPath(source, target) from exc
    except nx.NetworkXUnbounded as exc:
        raise InvalidArgument(
            f"Weight {weight!r} has a negative cycle, so shortest paths are undefined.", attribute=weight
        ) from exc
    total = None if weight is None else path_weight(G, path, weight)
    return {"path": path, "hops": len(path) - 1, "total_weight": total}


def k_hop(G: nx.Graph, node: Any, k: int, direction: Direction = "both", limit: int = 20) -> Listing:
    """Nodes at distance 1..k from ``node``, items ``{"id", "distance"}`` sorted by distance then id.

    >>> k_hop(nx.path_graph(4), 0, 2)["items"]
    [{'id': 1, 'distance': 1}, {'id': 2, 'distance': 2}]
    """
    if k < 0:
        raise InvalidArgument(f"k must be at least 0, not {k}.")
    distances = nx.single_source_shortest_path_length(oriented(G, direction), node, cutoff=k)
    found = sorted(
        ((dist, other) for other, dist in distances.items() if other != node),
        key=lambda item: (item[0], node_sort_key(item[1])),
    )
    return make_listing([{"id": other, "distance": dist} for dist, other in found], limit)


def diameter(G: nx.Graph, weight: str | None = None) -> dict[str, Any]:
    """Longest shortest path ``{"diameter", "connected", "nodes_considered"}``.

    On a disconnected graph (not strongly connected, if directed) the diameter of its largest (strongly)
    connected component is returned with ``connected`` False. A directed graph needs all-pairs shortest paths
    (networkx's bounding search is for undirected ones), so a component whose ``nodes * (nodes + edges)`` is
    over ``ALL_PAIRS_BUDGET`` is refused (``TooLarge``) rather than searched for hours.

    >>> diameter(nx.cycle_graph(6))
    {'diameter': 3, 'connected': True, 'nodes_considered': 6}
    """
    if G.number_of_nodes() == 0:
        raise InvalidArgument("The graph has no nodes, so it has no diameter.")
    if weight is not None and scan_edge_attr(G, weight, "weight").negative:
        raise InvalidArgument(f"Weight {weight!r} has negative values; a diameter needs non-negative ones.")
    parts = nx.strongly_connected_components(G) if G.is_directed() else nx.connected_components(G)
    largest = largest_part(parts)
    connected = len(largest) == G.number_of_nodes()
    core = G if connected else G.subgraph(largest)
    n, m = core.number_of_nodes(), core.number_of_edges()
    if G.is_directed() and n * (n + m) > ALL_PAIRS_BUDGET:
        raise TooLarge(
            f"The diameter of a directed graph needs all-pairs shortest paths, too slow for {n} nodes and {m} "
            "edges; try shortest_path between two nodes, or ask about the graph as undirected.",
            nodes=n,
            edges=m,
        )
    value = nx.diameter(core, usebounds=not G.is_directed(), weight=weight)
    return {"diameter": value, "connected": connected, "nodes_considered": len(largest)}
