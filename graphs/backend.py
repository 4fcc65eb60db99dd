"""The ``GraphBackend`` protocol: the one interface every graph tool computes through.

A backend owns a graph (an in-memory networkx graph, or a user's Neo4j database) and performs each graph
operation *where the data lives*: networkx algorithms in Python, Cypher in the database. The tool layer
(``tools/``) only validates arguments, calls one method, and sizes the result for a small model.

Conventions shared by every implementation:

- A node reference (``NodeRef``) is what a user or model typed: an int or a string. ``resolve_node`` turns it
  into the backend's canonical node id (``NodeId``) or raises ``NodeNotFound`` with close matches (or
  ``AmbiguousNode``). Every method that takes a node accepts a ``NodeRef`` and resolves it itself.
- Results are plain JSON-serializable Python values (dicts, lists, str, int, float, bool, None). Node ids are
  returned as they are stored (ints stay ints).
- Anything that can be large is returned as a ``Listing``: the total ``count`` plus at most ``limit`` ``items``
  (``truncated`` says whether items were cut). Items are ordered deterministically (documented per method).
- Errors are the typed errors of ``graphs.errors``; an operation that a backend cannot do raises ``Unsupported``.
- ``direction`` is ``"out"``, ``"in"`` or ``"both"``; on an undirected graph every direction means "both".
- ``weight`` / ``capacity`` name an edge attribute (relationship property on Neo4j); ``None`` means unweighted
  (every edge counts 1). A missing attribute on an edge counts as 1 for weights and as infinite for capacities
  (networkx's conventions).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, TypedDict, runtime_checkable

NodeId = int | str
NodeRef = int | str
Direction = Literal["out", "in", "both"]
ComponentKind = Literal["weak", "strong"]
CentralityMeasure = Literal["degree", "betweenness", "closeness", "pagerank"]


class Listing(TypedDict):
    """A bounded view of a possibly large collection."""

    count: int
    items: list[Any]
    truncated: bool


def make_listing(items: list[Any], limit: int, count: int | None = None) -> Listing:
    """Build a ``Listing`` from the full (or already-cut) item list; ``count`` defaults to ``len(items)``."""
    total = len(items) if count is None else count
    shown = items[: max(limit, 0)]
    return {"count": total, "items": shown, "truncated": total > len(shown)}


@runtime_checkable
class GraphBackend(Protocol):
    """What a graph must offer to the tools. See the module docstring for the shared conventions."""

    kind: str
    """``"networkx"`` or ``"neo4j"``."""

    name: str
    """A short display name (file name, sample name, or database URI + name)."""

    read_only: bool
    """True when writes are refused (always true for Neo4j in this product)."""

    @property
    def directed(self) -> bool:
        """Whether edges have a direction."""
        ...

    # --- identity, schema, lookup ------------------------------------------------------------------------
    def summary(self, samples: int = 3) -> dict[str, Any]:
        """Size and schema: ``{"backend", "name", "directed", "nodes", "edges", "weighted",
        "labels": {label: count}, "relationship_types": {type: count}, "node_properties": [keys],
        "edge_properties": [keys], "name_property": str|None, "samples": {label: [names]}}``."""
        ...

    def fingerprint(self) -> str:
        """A stable hex digest that changes whenever the graph's content (or, for Neo4j, schema, counts or the
        user's refresh epoch) changes. Used as the cache key."""
        ...

    def resolve_node(self, ref: NodeRef) -> NodeId:
        """Canonical id for ``ref``: exact match, then int/str coercion, then a unique case-insensitive match;
        otherwise ``NodeNotFound(ref, close_matches)`` or ``AmbiguousNode``."""
        ...

    def find_nodes(
        self,
        query: str | None = None,
        label: str | None = None,
        prop: str | None = None,
        value: Any = None,
        limit: int = 20,
    ) -> Listing:
        """Nodes whose name matches ``query`` (exact, substring, then fuzzy; best first), that carry ``label``,
        and whose property ``prop`` equals ``value`` (or merely exists when ``value`` is None). Items:
        ``{"id", "labels", "match"}`` with ``match`` in ``exact|substring|fuzzy|filter``."""
        ...

    def node_info(self, node: NodeRef) -> dict[str, Any]:
        """``{"id", "labels", "properties", "degree", "in_degree", "out_degree"}`` (in/out only if directed)."""
        ...

    def neighbors(
        self, node: NodeRef, direction: Direction = "both", rel_type: str | None = None, limit: int = 20
    ) -> Listing:
        """Distinct adjacent nodes, sorted by id's string form. Items: ``{"id", "direction", "rel_type",
        "weight"}`` (``rel_type``/``weight`` None when absent; ``direction`` ``out``/``in``/``both``)."""
        ...

    def degree(self, node: NodeRef, direction: Direction = "both", rel_type: str | None = None) -> int:
        """Number of incident edges (self-loop counts twice in undirected ``both``, as networkx does)."""
        ...

    def count_nodes(self, label: str | None = None) -> int:
        """Number of nodes, optionally only those with ``label``."""
        ...

    def count_edges(self, rel_type: str | None = None) -> int:
        """Number of edges, optionally only those of ``rel_type``."""
        ...

    # --- paths and neighbourhoods --------------------------------------------------------------------
    def has_path(self, source: NodeRef, target: NodeRef) -> bool:
        """Whether ``target`` is reachable from ``source`` (following direction if directed)."""
        ...

    def shortest_path(self, source: NodeRef, target: NodeRef, weight: str | None = None) -> dict[str, Any]:
        """``{"path": [ids], "hops": int, "total_weight": float|None}``; ``NoPath`` if unreachable.
        ``total_weight`` is None when ``weight`` is None."""
        ...

    def k_hop(self, node: NodeRef, k: int, direction: Direction = "both", limit: int = 20) -> Listing:
        """Nodes at distance 1..k (not the start node). Items ``{"id", "distance"}`` sorted by distance then id."""
        ...

    # --- structure ----------------------------------------------------------------------------------
    def components(self, kind: ComponentKind = "weak", limit: int = 20) -> dict[str, Any]:
        """``{"kind", "count", "sizes": [sizes, largest first, at most limit], "largest": Listing}``. On an
        undirected graph ``kind`` is ignored (reported as ``"connected"``)."""
        ...

    def component_of(self, node: NodeRef, kind: ComponentKind = "weak", limit: int = 20) -> Listing:
        """The component containing ``node`` (ids sorted by string form)."""
        ...

    def find_cycle(self) -> list[NodeId] | None:
        """A witness cycle as a node list without repeating the first node (direction-respecting when
        directed; a self-loop is ``[n]``), or None if acyclic."""
        ...

    def topological_order(self, limit: int = 50) -> Listing:
        """A topological order; ``NotADag`` (with a witness cycle) on a cyclic or undirected graph."""
        ...

    def bipartite(self, limit: int = 20) -> dict[str, Any]:
        """``{"bipartite": True, "left": Listing, "right": Listing}`` or
        ``{"bipartite": False, "odd_cycle": [ids]}`` (direction ignored)."""
        ...

    def triangles(self, node: NodeRef | None = None, rank_by: str | None = None, limit: int = 20) -> dict[str, Any]:
        """Triangles (direction ignored): ``{"count", "triangles": Listing of [a, b, c]}``; with ``node``,
        only those through it; with ``rank_by`` (a numeric node property) items are sorted by the summed
        property, heaviest first, and ``"heaviest": {"nodes", "total"}`` is added."""
        ...

    def diameter(self, weight: str | None = None) -> dict[str, Any]:
        """``{"diameter", "connected": bool, "nodes_considered"}``: the longest shortest path in the graph
        (directed distances if directed). If not (strongly) connected, the diameter of the largest
        (strongly) connected component, with ``connected`` False."""
        ...

    def centrality(
        self, measure: CentralityMeasure, k: int = 10, weight: str | None = None
    ) -> list[dict[str, Any]]:
        """Top-k ``{"id", "score"}``, highest first, ties by id string. Scores use networkx's normalisation."""
        ...

    # --- flows, matchings, hard problems ------------------------------------------------------------
    def max_flow(self, source: NodeRef, sink: NodeRef, capacity: str = "capacity", limit: int = 50) -> dict[str, Any]:
        """``{"value", "flows": Listing of {"source", "target", "flow"} with flow > 0}``. Undirected edges
        carry capacity both ways."""
        ...

    def min_cut(self, source: NodeRef, sink: NodeRef, capacity: str = "capacity", limit: int = 50) -> dict[str, Any]:
        """``{"value", "cut_edges": Listing of [u, v], "source_side": Listing}``."""
        ...

    def max_matching(self, limit: int = 50) -> dict[str, Any]:
        """Maximum-cardinality matching (direction ignored): ``{"size", "pairs": Listing of [u, v]}``."""
        ...

    def hamiltonian_path(self, max_nodes: int = 20) -> dict[str, Any]:
        """Exact search: ``{"exists": bool, "path": [ids]|None}``; ``TooLarge`` above ``max_nodes`` nodes."""
        ...

    def subgraph_match(
        self, pattern: list[tuple[NodeRef, NodeRef]], directed: bool | None = None, limit: int = 20
    ) -> dict[str, Any]:
        """Occurrences of the pattern (edge list over placeholder names) as a subgraph (monomorphism, not
        necessarily induced): ``{"count", "matches": Listing of {placeholder: id}}``. ``directed`` None
        means "as the graph is"."""
        ...

    def similarity(self, a: NodeRef, b: NodeRef, limit: int = 20) -> dict[str, Any]:
        """Common neighbours (direction ignored) and Jaccard similarity:
        ``{"common": Listing, "jaccard": float, "union_size": int}``."""
        ...

    def run_cypher(self, query: str, params: dict[str, Any] | None = None, limit: int = 50) -> Listing:
        """A read-only Cypher query (checked by ``graphs.cypher_guard``); rows as dicts. ``Unsupported`` on
        networkx."""
        ...

    def close(self) -> None:
        """Release connections; idempotent."""
        ...
