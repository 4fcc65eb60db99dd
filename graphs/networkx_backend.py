"""``NetworkxBackend``: the embedded default ``GraphBackend``, computing every operation exactly.

It wraps an ``nx.Graph`` or ``nx.DiGraph`` that follows the shared conventions (optional node attribute
``labels``; optional edge attribute ``type``; everything else is a property). This module holds identity,
schema and lookup; the algorithms live in ``graphs.nx_paths``, ``nx_structure``, ``nx_centrality``,
``nx_flow`` and ``nx_search`` as pure functions, and the backend only resolves node references and delegates.

Derived data (the node lookup index, the fingerprint, label and type counts, weight scans) is cached: the
backend treats its graph as fixed, and after any in-place edit the owner calls ``invalidate()``.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from typing import Any

import networkx as nx

from graphs import nx_centrality, nx_flow, nx_paths, nx_search, nx_structure
from graphs.backend import CentralityMeasure, ComponentKind, Direction, Listing, NodeId, NodeRef, make_listing
from graphs.errors import InvalidArgument, Unsupported
from graphs.fingerprint import fingerprint_nx
from graphs.node_match import NodeIndex, node_sort_key, normalize
from graphs.nx_attrs import EdgeAttrStats, check_node_property, scan_edge_attr
from graphs.schema_names import unknown_name

_MATCH_RANK = {"exact": 0, "substring": 1, "fuzzy": 2}


def node_labels(data: dict[str, Any]) -> list[str]:
    """The labels of a node from its attribute dict (``labels`` may be a list or a single string)."""
    labels = data.get("labels")
    if labels is None:
        return []
    return [labels] if isinstance(labels, str) else list(labels)


class NetworkxBackend:
    """A ``GraphBackend`` over an in-memory networkx graph.

    >>> backend = NetworkxBackend(nx.path_graph(4), name="path")
    >>> backend.shortest_path("0", 3)["path"]
    [0, 1, 2, 3]
    """

    kind = "networkx"

    def __init__(
        self,
        graph: nx.Graph | nx.DiGraph,
        name: str | None = None,
        read_only: bool = False,
        timeout_s: float = 30.0,
    ) -> None:
        if not isinstance(graph, nx.Graph) or graph.is_multigraph():
            raise InvalidArgument(
                f"NetworkxBackend needs an nx.Graph or nx.DiGraph, not {type(graph).__name__}; "
                "collapse multigraphs first."
            )
        self.graph = graph
        self.name = name or graph.graph.get("name") or "graph"
        self.read_only = read_only
        self.timeout_s = timeout_s
        self._cache: dict[Any, Any] = {}

    @property
    def directed(self) -> bool:
        """Whether edges have a direction."""
        return self.graph.is_directed()

    # --- caching -------------------------------------------------------------------------------------------
    def invalidate(self) -> None:
        """Forget cached derived data (fingerprint, node index, schema); call after editing the graph in place.

        The backend treats its graph as fixed so that the hot path of a cached tool call stays O(1): checking
        for edits would cost O(nodes) per call (networkx counts edges by summing degrees).
        """
        self._cache.clear()

    def _cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _index(self) -> NodeIndex:
        return self._cached("index", lambda: NodeIndex(self.graph.nodes(data="name")))

    def _label_counts(self) -> Counter[str]:
        nodes = self.graph.nodes(data=True)
        return self._cached("labels", lambda: Counter(lab for _, data in nodes for lab in node_labels(data)))

    def _type_counts(self) -> Counter[str]:
        types = self.graph.edges(data="type")
        return self._cached("types", lambda: Counter(t for *_, t in types if t is not None))

    def _weights(self, attr: str) -> EdgeAttrStats:
        return self._cached(("weight", attr), lambda: scan_edge_attr(self.graph, attr, "weight"))

    def _check_label(self, label: str | None) -> None:
        if label is not None and label not in self._label_counts():
            known = sorted(self._label_counts())
            raise unknown_name(f"Unknown label {label!r}. Labels: {known}.", label, known, label=label)

    def _check_type(self, rel_type: str | None) -> None:
        if rel_type is not None and rel_type not in self._type_counts():
            known = sorted(self._type_counts())
            raise unknown_name(f"Unknown relationship type {rel_type!r}. Types: {known}.", rel_type, known,
                               rel_type=rel_type)

    # --- identity, schema, lookup --------------------------------------------------------------------------
    def summary(self, samples: int = 3) -> dict[str, Any]:
        """Size and schema of the graph (see ``GraphBackend.summary``); unlabelled nodes sample as ``""``."""
        return self._cached(("summary", samples), lambda: self._summary(samples))

    def _summary(self, samples: int) -> dict[str, Any]:
        G = self.graph
        node_keys = sorted({key for _, data in G.nodes(data=True) for key in data if key != "labels"})
        edge_keys = sorted({key for *_, data in G.edges(data=True) for key in data if key != "type"})
        picked: dict[str, list[Any]] = {}
        for node in sorted(G, key=node_sort_key):
            data = G.nodes[node]
            for label in node_labels(data) or [""]:
                shown = picked.setdefault(label, [])
                if len(shown) < samples:
                    shown.append(data.get("name", node))
        return {
            "backend": self.kind,
            "name": self.name,
            "directed": self.directed,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "weighted": "weight" in edge_keys,
            "labels": dict(sorted(self._label_counts().items())),
            "relationship_types": dict(sorted(self._type_counts().items())),
            "node_properties": node_keys,
            "edge_properties": edge_keys,
            "name_property": "name" if "name" in node_keys else None,
            "samples": picked,
        }

    def fingerprint(self) -> str:
        """SHA-256 of the graph's content (``graphs.fingerprint.fingerprint_nx``), cached until ``invalidate()``."""
        return self._cached("fingerprint", lambda: fingerprint_nx(self.graph))

    def resolve_node(self, ref: NodeRef) -> NodeId:
        """Canonical id for ``ref`` (exact, int/str coercion, unique case-insensitive id or name match)."""
        return self._index().resolve(ref)

    def find_nodes(
        self,
        query: str | None = None,
        label: str | None = None,
        prop: str | None = None,
        value: Any = None,
        limit: int = 20,
    ) -> Listing:
        """Nodes matching a name ``query`` and filters (see ``GraphBackend.find_nodes``).

        A node's name is its ``name`` property and its id; fuzzy matches are only sought when exact and
        substring matches number fewer than ``limit``. ``value`` also matches a property whose
        case-insensitive string form equals it (``"30"`` finds ``30``).
        """
        self._check_label(label)
        G = self.graph
        if prop is not None:
            check_node_property(G, prop)
        candidates = []
        for node, data in G.nodes(data=True):
            if label is not None and label not in node_labels(data):
                continue
            if prop is not None:
                if prop not in data:
                    continue
                if value is not None and data[prop] != value and normalize(data[prop]) != normalize(value):
                    continue
            candidates.append((node, data))
        if query is None:
            ordered = sorted(candidates, key=lambda item: node_sort_key(item[0]))
            items = [{"id": node, "labels": node_labels(data), "match": "filter"} for node, data in ordered]
            return make_listing(items, limit)
        return self._match_names(normalize(query), candidates, limit)

    def _match_names(self, key: str, candidates: list[tuple[Any, dict[str, Any]]], limit: int) -> Listing:
        ranked: list[tuple[tuple[Any, ...], str, Any, dict[str, Any]]] = []
        rest = []
        for node, data in candidates:
            forms = [normalize(node)] + ([normalize(data["name"])] if data.get("name") is not None else [])
            if key in forms:
                ranked.append(((0, node_sort_key(node)), "exact", node, data))
            elif any(key in form for form in forms):
                shortest = min(len(form) for form in forms if key in form)
                ranked.append(((1, shortest, node_sort_key(node)), "substring", node, data))
            else:
                rest.append((node, data, forms))
        if len(ranked) < limit:
            matcher = difflib.SequenceMatcher(b=key)
            for node, data, forms in rest:
                score = 0.0
                for form in forms:
                    matcher.set_seq1(form)
                    if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                        score = max(score, matcher.ratio())
                if score >= 0.6:
                    ranked.append(((2, -score, node_sort_key(node)), "fuzzy", node, data))
        ranked.sort(key=lambda item: item[0])
        items = [{"id": node, "labels": node_labels(data), "match": kind} for _, kind, node, data in ranked]
        return make_listing(items, limit)

    def node_info(self, node: NodeRef) -> dict[str, Any]:
        """Labels, properties and degrees of one node."""
        n = self.resolve_node(node)
        data = self.graph.nodes[n]
        info: dict[str, Any] = {
            "id": n,
            "labels": node_labels(data),
            "properties": {key: val for key, val in data.items() if key != "labels"},
            "degree": self.graph.degree(n),
        }
        if self.directed:
            info["in_degree"] = self.graph.in_degree(n)
            info["out_degree"] = self.graph.out_degree(n)
        return info

    def _incident(self, n: Any, direction: Direction, rel_type: str | None) -> list[tuple[Any, str, dict]]:
        """Incident edges as ``(other end, "out"|"in"|"both", edge data)``, filtered by type."""
        nx_paths.check_direction(direction)
        self._check_type(rel_type)
        G = self.graph
        if not self.directed:
            found = [(v, "both", data) for v, data in G[n].items()]
        else:
            found = []
            if direction in ("out", "both"):
                found += [(v, "out", data) for v, data in G.succ[n].items()]
            if direction in ("in", "both"):
                found += [(u, "in", data) for u, data in G.pred[n].items()]
        return [edge for edge in found if rel_type is None or edge[2].get("type") == rel_type]

    def neighbors(
        self, node: NodeRef, direction: Direction = "both", rel_type: str | None = None, limit: int = 20
    ) -> Listing:
        """Distinct adjacent nodes sorted by id string (see ``GraphBackend.neighbors``)."""
        n = self.resolve_node(node)
        seen: dict[Any, dict[str, Any]] = {}
        for other, way, data in self._incident(n, direction, rel_type):
            if other in seen:
                seen[other]["direction"] = "both"
                continue
            seen[other] = {
                "id": other,
                "direction": way,
                "rel_type": data.get("type"),
                "weight": data.get("weight"),
            }
        return make_listing([seen[other] for other in sorted(seen, key=node_sort_key)], limit)

    def degree(self, node: NodeRef, direction: Direction = "both", rel_type: str | None = None) -> int:
        """Number of incident edges; a self-loop counts twice in ``both`` (networkx's convention)."""
        n = self.resolve_node(node)
        edges = self._incident(n, direction, rel_type)
        loops = sum(1 for other, *_ in edges if other == n)
        return len(edges) + (loops if not self.directed else 0)

    def count_nodes(self, label: str | None = None) -> int:
        """Number of nodes, optionally only those carrying ``label``."""
        self._check_label(label)
        return self.graph.number_of_nodes() if label is None else self._label_counts()[label]

    def count_edges(self, rel_type: str | None = None) -> int:
        """Number of edges, optionally only those of ``rel_type``."""
        self._check_type(rel_type)
        return self.graph.number_of_edges() if rel_type is None else self._type_counts()[rel_type]

    # --- paths and neighbourhoods ------------------------------------------------------------------------
    def has_path(self, source: NodeRef, target: NodeRef) -> bool:
        """Whether ``target`` is reachable from ``source``."""
        return nx.has_path(self.graph, self.resolve_node(source), self.resolve_node(target))

    def shortest_path(self, source: NodeRef, target: NodeRef, weight: str | None = None) -> dict[str, Any]:
        """Shortest path by hops or by ``weight`` (see ``graphs.nx_paths.shortest_path``)."""
        s, t = self.resolve_node(source), self.resolve_node(target)
        negative = None if weight is None else self._weights(weight).negative
        return nx_paths.shortest_path(self.graph, s, t, weight, negative)

    def k_hop(self, node: NodeRef, k: int, direction: Direction = "both", limit: int = 20) -> Listing:
        """Nodes within ``k`` hops (see ``graphs.nx_paths.k_hop``)."""
        return nx_paths.k_hop(self.graph, self.resolve_node(node), k, direction, limit)

    # --- structure ---------------------------------------------------------------------------------------
    def components(self, kind: ComponentKind = "weak", limit: int = 20) -> dict[str, Any]:
        """Connected components (see ``graphs.nx_structure.components``)."""
        return nx_structure.components(self.graph, kind, limit)

    def component_of(self, node: NodeRef, kind: ComponentKind = "weak", limit: int = 20) -> Listing:
        """The component containing ``node``."""
        return nx_structure.component_of(self.graph, self.resolve_node(node), kind, limit)

    def find_cycle(self) -> list[NodeId] | None:
        """A witness cycle or None."""
        return nx_structure.find_cycle(self.graph)

    def topological_order(self, limit: int = 50) -> Listing:
        """A topological order, or ``NotADag`` with a witness cycle."""
        return nx_structure.topological_order(self.graph, limit)

    def bipartite(self, limit: int = 20) -> dict[str, Any]:
        """Two sides, or an odd cycle."""
        return nx_structure.bipartite(self.graph, limit)

    def triangles(
        self, node: NodeRef | None = None, rank_by: str | None = None, limit: int = 20
    ) -> dict[str, Any]:
        """Triangles, optionally through ``node`` and ranked by a numeric node property."""
        n = None if node is None else self.resolve_node(node)
        return nx_structure.triangles(self.graph, n, rank_by, limit)

    def diameter(self, weight: str | None = None) -> dict[str, Any]:
        """Diameter of the graph or of its largest (strongly) connected component."""
        return nx_paths.diameter(self.graph, weight)

    def centrality(
        self, measure: CentralityMeasure, k: int = 10, weight: str | None = None
    ) -> list[dict[str, Any]]:
        """Top-k nodes by a centrality measure."""
        return nx_centrality.centrality(self.graph, measure, k, weight)

    # --- flows, matchings, hard problems -------------------------------------------------------------------
    def max_flow(
        self, source: NodeRef, sink: NodeRef, capacity: str = "capacity", limit: int = 50
    ) -> dict[str, Any]:
        """Maximum flow from ``source`` to ``sink``."""
        s, t = self.resolve_node(source), self.resolve_node(sink)
        return nx_flow.max_flow(self.graph, s, t, capacity, limit)

    def min_cut(
        self, source: NodeRef, sink: NodeRef, capacity: str = "capacity", limit: int = 50
    ) -> dict[str, Any]:
        """Minimum ``source``-``sink`` cut."""
        s, t = self.resolve_node(source), self.resolve_node(sink)
        return nx_flow.min_cut(self.graph, s, t, capacity, limit)

    def max_matching(self, limit: int = 50) -> dict[str, Any]:
        """A maximum-cardinality matching."""
        return nx_flow.max_matching(self.graph, limit)

    def hamiltonian_path(self, max_nodes: int = 20) -> dict[str, Any]:
        """Exact Hamiltonian path search, bounded by ``max_nodes`` and the backend's ``timeout_s``."""
        return nx_search.hamiltonian_path(self.graph, max_nodes, self.timeout_s)

    def subgraph_match(
        self, pattern: list[tuple[NodeRef, NodeRef]], directed: bool | None = None, limit: int = 20
    ) -> dict[str, Any]:
        """Pattern occurrences (monomorphisms), bounded by the backend's ``timeout_s``."""
        return nx_search.subgraph_match(self.graph, pattern, directed, limit, self.timeout_s)

    def similarity(self, a: NodeRef, b: NodeRef, limit: int = 20) -> dict[str, Any]:
        """Common neighbours and Jaccard similarity."""
        return nx_structure.similarity(self.graph, self.resolve_node(a), self.resolve_node(b), limit)

    def run_cypher(self, query: str, params: dict[str, Any] | None = None, limit: int = 50) -> Listing:
        """Always ``Unsupported``: an in-memory graph has no Cypher engine."""
        raise Unsupported("Cypher queries need a Neo4j backend; this graph is an in-memory networkx graph.")

    def close(self) -> None:
        """Nothing to release for an in-memory graph."""
