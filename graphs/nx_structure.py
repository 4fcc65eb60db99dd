"""Structure of networkx graphs: components, cycles, topological order, bipartiteness, triangles, similarity.

Pure functions over a networkx graph and already-resolved node ids, returning the shapes of the
``GraphBackend`` protocol with deterministic ordering (node ids by string form). Where a "no" answer needs
a witness (a cycle for "not a DAG", an odd cycle for "not bipartite") it is computed here so a user can check
it.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from graphs.backend import ComponentKind, Listing, make_listing
from graphs.errors import InvalidArgument, NotADag
from graphs.node_match import node_sort_key
from graphs.nx_attrs import node_numbers


def sorted_ids(nodes: Iterable[Any]) -> list[Any]:
    """Node ids sorted by string form (the protocol's deterministic order)."""
    return sorted(nodes, key=node_sort_key)


def largest_part(parts: Iterable[set[Any]]) -> set[Any]:
    """The largest of disjoint node sets; ties go to the set holding the smallest id (by string form)."""
    return min(parts, key=lambda part: (-len(part), min(map(node_sort_key, part))))


def _parts(G: nx.Graph, kind: ComponentKind) -> tuple[str, list[set[Any]]]:
    if kind not in ("weak", "strong"):
        raise InvalidArgument(f"kind must be 'weak' or 'strong', not {kind!r}.")
    if not G.is_directed():
        return "connected", list(nx.connected_components(G))
    if kind == "strong":
        return "strong", list(nx.strongly_connected_components(G))
    return "weak", list(nx.weakly_connected_components(G))


def components(G: nx.Graph, kind: ComponentKind = "weak", limit: int = 20) -> dict[str, Any]:
    """Component count, sizes (largest first) and the members of the largest component.

    >>> components(nx.Graph([(1, 2), (3, 4), (4, 5)]))["sizes"]
    [3, 2]
    """
    reported, parts = _parts(G, kind)
    sizes = sorted((len(part) for part in parts), reverse=True)
    largest = sorted_ids(largest_part(parts)) if parts else []
    return {
        "kind": reported,
        "count": len(parts),
        "sizes": sizes[: max(limit, 0)],
        "largest": make_listing(largest, limit),
    }


def component_of(G: nx.Graph, node: Any, kind: ComponentKind = "weak", limit: int = 20) -> Listing:
    """Members of the component containing ``node`` (weak or strong when directed), sorted by string form.

    >>> component_of(nx.DiGraph([(1, 2), (2, 1), (2, 3)]), 1, "strong")["items"]
    [1, 2]
    """
    _parts(G, kind)
    if not G.is_directed():
        members = nx.node_connected_component(G, node)
    elif kind == "weak":
        members = nx.node_connected_component(G.to_undirected(as_view=True), node)
    else:
        members = (nx.descendants(G, node) & nx.ancestors(G, node)) | {node}
    return make_listing(sorted_ids(members), limit)


def find_cycle(G: nx.Graph) -> list[Any] | None:
    """A witness cycle as a node list (first node not repeated; a self-loop is ``[n]``), or None.

    >>> find_cycle(nx.DiGraph([(1, 2), (2, 3), (3, 1)]))
    [1, 2, 3]
    """
    try:
        edges = nx.find_cycle(G)
    except nx.NetworkXNoCycle:
        return None
    return [edge[0] for edge in edges]


def topological_order(G: nx.Graph, limit: int = 50) -> Listing:
    """The lexicographically smallest topological order (by string form); ``NotADag`` with a witness cycle.

    >>> topological_order(nx.DiGraph([("b", "c"), ("a", "c")]))["items"]
    ['a', 'b', 'c']
    """
    if not G.is_directed():
        raise NotADag("The graph is undirected; only a directed acyclic graph has a topological order.")
    try:
        order = list(nx.lexicographical_topological_sort(G, key=node_sort_key))
    except nx.NetworkXUnfeasible as exc:
        cycle = find_cycle(G) or []
        shown = " -> ".join(map(str, [*cycle, *cycle[:1]]))
        raise NotADag(f"The graph has a cycle ({shown}), so no topological order exists.", cycle) from exc
    return make_listing(order, limit)


def _odd_cycle(parent: dict[Any, Any], u: Any, v: Any) -> list[Any]:
    """The odd cycle closed by edge ``u``–``v`` between two same-level nodes of a BFS tree."""
    up, vp = [u], [v]
    while up[-1] != vp[-1]:
        up.append(parent[up[-1]])
        vp.append(parent[vp[-1]])
    return up + vp[-2::-1]


def two_colouring(G: nx.Graph) -> tuple[dict[Any, int], list[Any] | None]:
    """BFS 2-colouring ignoring direction: ``(colour per node, None)`` or ``(partial colouring, odd cycle)``.

    Each component's smallest node (by string form) gets colour 0. BFS layering makes a same-colour edge join
    two nodes of one level, whose tree paths meet at a common ancestor: that closes an odd cycle.

    >>> two_colouring(nx.cycle_graph(3))[1]
    [1, 0, 2]
    """
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    colour: dict[Any, int] = {}
    parent: dict[Any, Any] = {}
    for root in sorted_ids(U):
        if root in colour:
            continue
        colour[root] = 0
        queue = deque([root])
        while queue:
            u = queue.popleft()
            for v in sorted_ids(U[u]):
                if v not in colour:
                    colour[v] = 1 - colour[u]
                    parent[v] = u
                    queue.append(v)
                elif colour[v] == colour[u]:
                    return colour, [u] if u == v else _odd_cycle(parent, u, v)
    return colour, None


def bipartite(G: nx.Graph, limit: int = 20) -> dict[str, Any]:
    """Two sides of a bipartition, or an odd cycle proving there is none (direction ignored).

    >>> bipartite(nx.path_graph(3))["left"]["items"]
    [0, 2]
    """
    colour, odd = two_colouring(G)
    if odd is not None:
        return {"bipartite": False, "odd_cycle": odd}
    left = sorted_ids(node for node, side in colour.items() if side == 0)
    right = sorted_ids(node for node, side in colour.items() if side == 1)
    return {"bipartite": True, "left": make_listing(left, limit), "right": make_listing(right, limit)}


def _neighbour_sets(G: nx.Graph) -> dict[Any, set[Any]]:
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    return {node: set(U[node]) - {node} for node in U}


def _all_triangles(nbrs: dict[Any, set[Any]]) -> Iterator[tuple[Any, Any, Any]]:
    rank = {node: i for i, node in enumerate(sorted(nbrs, key=lambda n: (len(nbrs[n]), node_sort_key(n))))}
    for u, around in nbrs.items():
        later = {v for v in around if rank[v] > rank[u]}
        for v in later:
            for w in later & nbrs[v]:
                if rank[w] > rank[v]:
                    yield u, v, w


def _triangles_through(nbrs: dict[Any, set[Any]], node: Any) -> Iterator[tuple[Any, Any, Any]]:
    for v, w in itertools.combinations(sorted_ids(nbrs[node]), 2):
        if w in nbrs[v]:
            yield node, v, w


def triangles(G: nx.Graph, node: Any = None, rank_by: str | None = None, limit: int = 20) -> dict[str, Any]:
    """Triangles ignoring direction and self-loops: ``{"count", "triangles": Listing of [a, b, c]}``.

    Each triangle is sorted by string form; the listing is ordered by those triples, or with ``rank_by`` (a
    numeric node property; missing counts 0) by the summed property, heaviest first, and ``"heaviest"`` is
    added.

    >>> triangles(nx.complete_graph(4))["count"]
    4
    """
    nbrs = _neighbour_sets(G)
    found = _all_triangles(nbrs) if node is None else _triangles_through(nbrs, node)
    values = node_numbers(G, rank_by) if rank_by is not None else {}
    count = 0

    def counted() -> Iterator[tuple[Any, Any, Any]]:
        nonlocal count
        for triple in found:
            count += 1
            yield triple

    def key(triple: tuple[Any, Any, Any]) -> tuple[Any, ...]:
        keys = tuple(sorted(map(node_sort_key, triple)))
        return (-sum(values[n] for n in triple), keys) if rank_by is not None else keys

    best = heapq.nsmallest(max(limit, 1), counted(), key=key)
    items = [sorted_ids(triple) for triple in best]
    result: dict[str, Any] = {"count": count, "triangles": make_listing(items, limit, count)}
    if rank_by is not None:
        top = items[0] if items else None
        result["heaviest"] = {"nodes": top, "total": sum(values[n] for n in top)} if top else None
    return result


def similarity(G: nx.Graph, a: Any, b: Any, limit: int = 20) -> dict[str, Any]:
    """Common neighbours and Jaccard similarity of ``a`` and ``b``, direction ignored (networkx's definition).

    >>> similarity(nx.Graph([(1, 3), (2, 3), (2, 4)]), 1, 2)["jaccard"]
    0.5
    """
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    first, second = set(U[a]), set(U[b])
    common = sorted_ids(first & second)
    union = len(first | second)
    jaccard = len(common) / union if union else 0.0
    return {"common": make_listing(common, limit), "jaccard": jaccard, "union_size": union}
