"""Exponential searches on networkx graphs, bounded in time: Hamiltonian paths and subgraph pattern matching.

Both problems are NP-hard, so each search carries a ``Deadline`` and raises ``QueryTimeout`` when it runs out
rather than hanging the agent; the Hamiltonian search also refuses graphs above a node limit (``TooLarge``).
Answers are exact whenever they are returned.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Hashable, Iterator
from typing import Any

import networkx as nx
from networkx.algorithms.isomorphism import DiGraphMatcher, GraphMatcher

from graphs.backend import make_listing
from graphs.errors import InvalidArgument, QueryTimeout, TooLarge
from graphs.node_match import node_sort_key
from graphs.nx_structure import sorted_ids

_MEMO_CAP = 2_000_000
_MAX_PATTERN_NODES = 20


class Deadline:
    """A wall-clock budget: ``tick`` raises ``QueryTimeout`` once ``seconds`` have passed."""

    def __init__(self, seconds: float, what: str) -> None:
        self.seconds = seconds
        self.what = what
        self._end = time.monotonic() + seconds
        self._ticks = 0

    def tick(self) -> None:
        """Count one unit of work; every 1024 units, compare the clock with the budget."""
        self._ticks += 1
        if self._ticks % 1024 == 0 and time.monotonic() > self._end:
            raise QueryTimeout(f"{self.what} gave up after {self.seconds:g} s.", seconds=self.seconds)


def hamiltonian_path(G: nx.Graph, max_nodes: int = 20, timeout_s: float = 30.0) -> dict[str, Any]:
    """A path visiting every node exactly once (following direction if directed), or proof there is none.

    Depth-first search over (current node, visited set) states, trying the neighbour with the fewest unvisited
    neighbours first and remembering dead states. The empty graph has no Hamiltonian path.

    >>> hamiltonian_path(nx.DiGraph([(3, 1), (1, 2)]))
    {'exists': True, 'path': [3, 1, 2]}
    """
    n = G.number_of_nodes()
    if n > max_nodes:
        message = f"Hamiltonian path search is limited to {max_nodes} nodes; this graph has {n}."
        raise TooLarge(message, nodes=n, max_nodes=max_nodes)
    nodes = sorted_ids(G)
    index = {node: i for i, node in enumerate(nodes)}
    succ = [0] * n
    pred = [0] * n
    for u, v in G.edges():
        if u != v:
            succ[index[u]] |= 1 << index[v]
            pred[index[v]] |= 1 << index[u]
            if not G.is_directed():
                succ[index[v]] |= 1 << index[u]
                pred[index[u]] |= 1 << index[v]
    starts = _hamiltonian_starts(n, succ, pred)
    deadline = Deadline(timeout_s, "Hamiltonian path search")
    full = (1 << n) - 1
    dead: set[tuple[int, int]] = set()

    def extend(v: int, seen: int) -> list[int] | None:
        if seen == full:
            return [v]
        if (v, seen) in dead:
            return None
        deadline.tick()
        options = [w for w in range(n) if succ[v] >> w & 1 and not seen >> w & 1]
        options.sort(key=lambda w: (bin(succ[w] & ~seen).count("1"), w))
        for w in options:
            rest = extend(w, seen | 1 << w)
            if rest is not None:
                return [v, *rest]
        if len(dead) < _MEMO_CAP:
            dead.add((v, seen))
        return None

    for start in starts:
        found = extend(start, 1 << start)
        if found is not None:
            return {"exists": True, "path": [nodes[i] for i in found]}
    return {"exists": False, "path": None}


def _hamiltonian_starts(n: int, succ: list[int], pred: list[int]) -> list[int]:
    """Start candidates for the path; empty when a degree count already rules a path out."""
    if n == 0:
        return []
    if n == 1:
        return [0]
    linked = [succ[i] | pred[i] for i in range(n)]
    if any(not link for link in linked):
        return []
    no_pred = [i for i in range(n) if not pred[i]]
    no_succ = [i for i in range(n) if not succ[i]]
    if len(no_pred) > 1 or len(no_succ) > 1:
        return []
    if no_pred:
        return no_pred
    ends = [i for i in range(n) if bin(linked[i]).count("1") == 1]
    if len(ends) > 2:
        return []
    return ends + [i for i in range(n) if i not in ends] if ends else list(range(n))


class _BoundedGraphMatcher(GraphMatcher):
    """networkx's VF2 matcher with a deadline checked at every candidate pair it tries."""

    deadline: Deadline

    def syntactic_feasibility(self, G1_node: Any, G2_node: Any) -> bool:
        self.deadline.tick()
        return super().syntactic_feasibility(G1_node, G2_node)


class _BoundedDiGraphMatcher(DiGraphMatcher):
    """networkx's directed VF2 matcher with a deadline checked at every candidate pair it tries."""

    deadline: Deadline

    def syntactic_feasibility(self, G1_node: Any, G2_node: Any) -> bool:
        self.deadline.tick()
        return super().syntactic_feasibility(G1_node, G2_node)


def _pattern_graph(pattern: list[tuple[Any, Any]], directed: bool) -> tuple[nx.Graph, list[Hashable]]:
    """The pattern as a graph plus its placeholders in order of first appearance."""
    if not isinstance(pattern, list | tuple) or not pattern:
        raise InvalidArgument("pattern must be a non-empty list of [a, b] edges between placeholder names.")
    P = nx.DiGraph() if directed else nx.Graph()
    for edge in pattern:
        if not isinstance(edge, list | tuple) or len(edge) != 2:
            raise InvalidArgument(f"Pattern edge {edge!r} is not a pair [a, b] of placeholder names.")
        for placeholder in edge:
            if not isinstance(placeholder, int | str) or isinstance(placeholder, bool):
                raise InvalidArgument(f"Placeholder {placeholder!r} must be a string or an integer.")
        P.add_edge(*edge)
    if P.number_of_nodes() > _MAX_PATTERN_NODES:
        message = f"Patterns are limited to {_MAX_PATTERN_NODES} placeholders."
        raise TooLarge(message, nodes=P.number_of_nodes())
    placeholders = list(P)
    if len({str(p) for p in placeholders}) < len(placeholders):
        raise InvalidArgument(f"Placeholders {placeholders!r} repeat a name as both a string and an integer.")
    return P, placeholders


def subgraph_match(
    G: nx.Graph,
    pattern: list[tuple[Any, Any]],
    directed: bool | None = None,
    limit: int = 20,
    timeout_s: float = 30.0,
) -> dict[str, Any]:
    """Every injective mapping of the pattern's placeholders onto nodes that keeps each pattern edge an edge.

    Not necessarily induced (a monomorphism). ``count`` counts distinct mappings, so a symmetric pattern is
    counted once per automorphism; matches are ordered by their ids in placeholder order.

    >>> subgraph_match(nx.path_graph(3), [("a", "b")])["count"]
    4
    """
    want_directed = G.is_directed() if directed is None else bool(directed)
    if want_directed and not G.is_directed():
        raise InvalidArgument("A directed pattern cannot match an undirected graph.")
    target = G if want_directed == G.is_directed() else G.to_undirected(as_view=True)
    P, placeholders = _pattern_graph(pattern, want_directed)
    matcher = (_BoundedDiGraphMatcher if want_directed else _BoundedGraphMatcher)(target, P)
    matcher.deadline = Deadline(timeout_s, "Subgraph matching")
    count = 0

    def mappings() -> Iterator[dict[Any, Any]]:
        nonlocal count
        for found in matcher.subgraph_monomorphisms_iter():
            count += 1
            yield {p: g for g, p in found.items()}

    def key(mapping: dict[Any, Any]) -> list[tuple[str, str]]:
        return [node_sort_key(mapping[p]) for p in placeholders]

    best = heapq.nsmallest(max(limit, 1), mappings(), key=key)
    items = [{str(p): mapping[p] for p in placeholders} for mapping in best]
    return {"count": count, "matches": make_listing(items, limit, count)}
