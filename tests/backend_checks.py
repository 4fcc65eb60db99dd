"""Backend-independent correctness checks: each ``check_<op>(backend, G)`` compares one ``GraphBackend``
operation with an independent brute-force reference computed from the networkx graph ``G`` it was built from.

They assume the backend holds exactly ``G`` with the same node ids, and assert only what the protocol promises
(shapes, counts, the documented orderings, witnesses that can be verified), never one implementation's tie
breaking, so the same checks run against the networkx backend and the Neo4j backend on the Bolt server.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import networkx as nx
import pytest

from graphs.backend import GraphBackend
from graphs.errors import InvalidArgument, NoPath, NotADag
from tests import graph_references as ref

ALL = 10_000


def _by_str(nodes: Any) -> list[Any]:
    return sorted(nodes, key=str)


def _pairs(G: nx.Graph, cap: int = 40) -> list[tuple[Any, Any]]:
    """A deterministic sample of ordered node pairs (all of them on tiny graphs)."""
    return list(itertools.product(G.nodes, repeat=2))[:: max(1, G.number_of_nodes() ** 2 // cap)]


def _weight_of(G: nx.Graph) -> str | None:
    return "weight" if any("weight" in data for *_, data in G.edges(data=True)) else None


def _is_edge(G: nx.Graph, u: Any, v: Any, directed: bool | None = None) -> bool:
    directed = G.is_directed() if directed is None else directed
    return G.has_edge(u, v) or (not directed and G.has_edge(v, u))


def check_counts(backend: GraphBackend, G: nx.Graph) -> None:
    """Node and edge counts, directedness and the summary's size fields agree with ``G``."""
    assert backend.directed == G.is_directed()
    assert backend.count_nodes() == G.number_of_nodes()
    assert backend.count_edges() == G.number_of_edges()
    summary = backend.summary()
    assert (summary["nodes"], summary["edges"], summary["directed"]) == (
        G.number_of_nodes(),
        G.number_of_edges(),
        G.is_directed(),
    )
    labels: dict[str, int] = {}
    for _, data in G.nodes(data=True):
        for label in data.get("labels", []):
            labels[label] = labels.get(label, 0) + 1
    assert summary["labels"] == labels


def check_neighbors_and_degree(backend: GraphBackend, G: nx.Graph) -> None:
    """Neighbour sets per direction (sorted by id string) and degrees match the edge list."""
    for node in G.nodes:
        outs = {v for u, v in G.edges() if u == node}
        ins = {u for u, v in G.edges() if v == node}
        if not G.is_directed():
            outs = ins = outs | ins
        for direction, expected in (("out", outs), ("in", ins), ("both", outs | ins)):
            listing = backend.neighbors(node, direction=direction, limit=ALL)
            ids = [item["id"] for item in listing["items"]]
            assert ids == _by_str(expected)
            assert listing["count"] == len(expected) and not listing["truncated"]
        loops = 1 if G.has_edge(node, node) else 0
        if G.is_directed():
            assert backend.degree(node, "out") == sum(1 for u, _ in G.edges() if u == node)
            assert backend.degree(node, "in") == sum(1 for _, v in G.edges() if v == node)
        incident = sum(1 for u, v in G.edges() if node in (u, v))
        assert backend.degree(node) == incident + loops


def check_has_path(backend: GraphBackend, G: nx.Graph) -> None:
    """Reachability agrees with the transitive closure from Floyd-Warshall."""
    dist = ref.floyd_warshall(G)
    for s, t in _pairs(G):
        assert backend.has_path(s, t) == (dist[s][t] < ref.INF)


def check_shortest_path(backend: GraphBackend, G: nx.Graph) -> None:
    """Returned paths are real paths whose hop count or weight equals the Floyd-Warshall distance."""
    weight = _weight_of(G)
    for attr in {None, weight}:
        dist = ref.floyd_warshall(G, attr)
        for s, t in _pairs(G):
            if dist[s][t] == ref.INF:
                with pytest.raises(NoPath):
                    backend.shortest_path(s, t, weight=attr)
                continue
            found = backend.shortest_path(s, t, weight=attr)
            path = found["path"]
            assert path[0] == s and path[-1] == t and found["hops"] == len(path) - 1
            assert all(_is_edge(G, u, v) for u, v in itertools.pairwise(path))
            if attr is None:
                assert found["hops"] == dist[s][t] and found["total_weight"] is None
            else:
                walked = sum(G.edges[u, v].get(attr, 1) for u, v in itertools.pairwise(path))
                assert math.isclose(found["total_weight"], dist[s][t]) and math.isclose(walked, dist[s][t])


def check_k_hop(backend: GraphBackend, G: nx.Graph) -> None:
    """k-hop neighbourhoods (direction ignored) equal undirected distance balls, by distance then id."""
    dist = ref.floyd_warshall(G, undirected=True)
    for node in list(G.nodes)[:4]:
        for k in (1, 2, 3):
            ball = [(d, v) for v, d in dist[node].items() if v != node and d <= k]
            expected = sorted(ball, key=lambda item: (item[0], str(item[1])))
            listing = backend.k_hop(node, k, limit=ALL)
            assert [(item["distance"], item["id"]) for item in listing["items"]] == expected


def check_components(backend: GraphBackend, G: nx.Graph) -> None:
    """Component counts and sizes match union-find (weak) and mutual reachability (strong)."""
    kinds = ("weak", "strong") if G.is_directed() else ("weak",)
    for kind in kinds:
        parts = ref.strong_components(G) if kind == "strong" else ref.union_find_components(G)
        found = backend.components(kind=kind, limit=ALL)
        assert found["count"] == len(parts)
        assert found["sizes"] == sorted((len(part) for part in parts), reverse=True)
        if parts:
            largest = set(found["largest"]["items"])
            assert largest in parts and len(largest) == max(map(len, parts))
        for part in parts:
            for node in list(part)[:2]:
                assert backend.component_of(node, kind=kind, limit=ALL)["items"] == _by_str(part)


def _is_cycle(G: nx.Graph, cycle: list[Any], directed: bool) -> bool:
    if len(cycle) == 1:
        return G.has_edge(cycle[0], cycle[0])
    if len(set(cycle)) != len(cycle) or (not directed and len(cycle) < 3):
        return False
    return all(_is_edge(G, u, v, directed) for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True))


def check_find_cycle(backend: GraphBackend, G: nx.Graph) -> None:
    """A returned cycle is real (direction-respecting if directed); None only when no cycle exists."""
    cycle = backend.find_cycle()
    if cycle is None:
        assert not ref.has_cycle(G)
    else:
        assert _is_cycle(G, cycle, G.is_directed())


def check_topological_order(backend: GraphBackend, G: nx.Graph) -> None:
    """On a DAG every edge points forward in the order; otherwise NotADag, with a real cycle when directed."""
    if not G.is_directed() or ref.has_cycle(G):
        with pytest.raises(NotADag) as error:
            backend.topological_order(limit=ALL)
        if G.is_directed():
            assert _is_cycle(G, error.value.details["cycle"], True)
        return
    listing = backend.topological_order(limit=ALL)
    position = {node: i for i, node in enumerate(listing["items"])}
    assert listing["count"] == G.number_of_nodes() and set(position) == set(G.nodes)
    assert all(position[u] < position[v] for u, v in G.edges())


def check_bipartite(backend: GraphBackend, G: nx.Graph) -> None:
    """Either a valid 2-colouring of all nodes or a real odd cycle (direction ignored)."""
    found = backend.bipartite(limit=ALL)
    if found["bipartite"]:
        left, right = set(found["left"]["items"]), set(found["right"]["items"])
        assert left | right == set(G.nodes) and not left & right
        assert all((u in left) != (v in left) for u, v in G.edges())
    else:
        odd = found["odd_cycle"]
        assert len(odd) % 2 == 1 and _is_cycle(G, odd, directed=False)


def check_triangles(backend: GraphBackend, G: nx.Graph) -> None:
    """Triangle count, members and per-node counts equal triple enumeration; ranking finds the heaviest."""
    expected = ref.triangles(G)
    found = backend.triangles(limit=ALL)
    assert found["count"] == len(expected)
    assert {frozenset(t) for t in found["triangles"]["items"]} == expected
    for node in list(G.nodes)[:4]:
        assert backend.triangles(node=node, limit=ALL)["count"] == sum(1 for t in expected if node in t)
    if expected and all("score" in data for _, data in G.nodes(data=True)):
        ranked = backend.triangles(rank_by="score", limit=ALL)
        totals = [sum(G.nodes[n]["score"] for n in t) for t in ranked["triangles"]["items"]]
        assert totals == sorted(totals, reverse=True)
        assert ranked["heaviest"]["total"] == max(sum(G.nodes[n]["score"] for n in t) for t in expected)


def check_diameter(backend: GraphBackend, G: nx.Graph) -> None:
    """Diameter equals the largest Floyd-Warshall distance inside a largest (strongly) connected component."""
    if G.number_of_nodes() == 0:
        with pytest.raises(InvalidArgument):
            backend.diameter()
        return
    parts = ref.strong_components(G) if G.is_directed() else ref.union_find_components(G)
    size = max(map(len, parts))
    for attr in {None, _weight_of(G)}:
        dist = ref.floyd_warshall(G, attr)
        candidates = [max(dist[u][v] for u in part for v in part) for part in parts if len(part) == size]
        found = backend.diameter(weight=attr)
        assert found["connected"] == (len(parts) == 1) and found["nodes_considered"] == size
        assert any(math.isclose(found["diameter"], value) for value in candidates)


def _check_top(ranked: list[dict[str, Any]], scores: dict[Any, float], k: int) -> None:
    expected = sorted(scores.values(), reverse=True)[:k]
    assert len(ranked) == len(expected)
    for item, value in zip(ranked, expected, strict=True):
        assert math.isclose(item["score"], value, abs_tol=1e-6)
        assert math.isclose(scores[item["id"]], item["score"], abs_tol=1e-6)
    for first, second in itertools.pairwise(ranked):
        if math.isclose(first["score"], second["score"], abs_tol=1e-9):
            assert str(first["id"]) <= str(second["id"])


def check_centrality(backend: GraphBackend, G: nx.Graph) -> None:
    """Top-k degree, closeness, betweenness and PageRank scores equal brute-force references."""
    n = G.number_of_nodes()
    k = max(1, n // 2)
    if n > 1:
        degree = {node: (G.degree(node)) / (n - 1) for node in G.nodes}
        _check_top(backend.centrality("degree", k=k), degree, k)
    weight = _weight_of(G)
    _check_top(backend.centrality("closeness", k=k, weight=weight), ref.closeness(G, weight), k)
    _check_top(backend.centrality("betweenness", k=k, weight=weight), ref.betweenness(G, weight), k)
    if n:
        _check_top(backend.centrality("pagerank", k=k, weight=weight), ref.pagerank(G, weight), k)


def check_flow_and_cut(backend: GraphBackend, G: nx.Graph) -> None:
    """Max flow value = min cut value = exhaustive cut minimum; flows respect capacity and conservation."""
    nodes = list(G.nodes)
    for source, sink in [(nodes[0], nodes[-1]), (nodes[-1], nodes[0])]:
        expected = ref.min_cut_value(G, source, sink)
        flow = backend.max_flow(source, sink, limit=ALL)
        cut = backend.min_cut(source, sink, limit=ALL)
        assert math.isclose(flow["value"], expected) and math.isclose(cut["value"], expected)
        net = dict.fromkeys(nodes, 0.0)
        used: set[frozenset[Any]] = set()
        for item in flow["flows"]["items"]:
            u, v, amount = item["source"], item["target"], item["flow"]
            assert _is_edge(G, u, v) and 0 < amount <= G.edges[u, v]["capacity"] + 1e-9
            if not G.is_directed():
                assert frozenset((u, v)) not in used
                used.add(frozenset((u, v)))
            net[u] -= amount
            net[v] += amount
        assert all(math.isclose(net[x], 0, abs_tol=1e-9) for x in nodes if x not in (source, sink))
        assert math.isclose(net[sink], expected)
        side = set(cut["source_side"]["items"])
        assert source in side and sink not in side
        crossing = {(u, v) for u, v, _ in ref.arcs(G) if u in side and v not in side}
        assert {tuple(edge) for edge in cut["cut_edges"]["items"]} == crossing
        assert math.isclose(sum(G.edges[u, v]["capacity"] for u, v in crossing), expected)


def check_max_matching(backend: GraphBackend, G: nx.Graph) -> None:
    """The matching is a set of disjoint real edges of maximum size (exhaustive search)."""
    found = backend.max_matching(limit=ALL)
    pairs = found["pairs"]["items"]
    matched = [node for pair in pairs for node in pair]
    assert len(matched) == len(set(matched)) and found["size"] == len(pairs)
    assert all(u != v and _is_edge(G, u, v, directed=False) for u, v in pairs)
    assert found["size"] == ref.max_matching_size(G)


def check_hamiltonian_path(backend: GraphBackend, G: nx.Graph) -> None:
    """A returned path visits every node once along real edges; "none" agrees with exhaustive search."""
    found = backend.hamiltonian_path()
    assert found["exists"] == ref.hamiltonian_path_exists(G)
    if found["exists"]:
        path = found["path"]
        assert sorted(map(str, path)) == sorted(map(str, G.nodes)) and len(path) == G.number_of_nodes()
        assert all(_is_edge(G, u, v) for u, v in itertools.pairwise(path))
    else:
        assert found["path"] is None


PATTERNS: list[list[tuple[str, str]]] = [
    [("a", "b")],
    [("a", "b"), ("b", "c")],
    [("a", "b"), ("b", "c"), ("c", "a")],
    [("a", "b"), ("a", "c")],
]


def check_subgraph_match(backend: GraphBackend, G: nx.Graph) -> None:
    """Match counts equal brute-force injective maps, and every listed match maps edges onto edges."""
    for pattern in PATTERNS:
        found = backend.subgraph_match(pattern, limit=ALL)
        assert found["count"] == ref.count_pattern_maps(G, pattern, G.is_directed())
        items = found["matches"]["items"]
        assert len({tuple(sorted(m.items())) for m in items}) == len(items) == found["count"]
        for mapping in items:
            assert len(set(mapping.values())) == len(mapping)
            assert all(_is_edge(G, mapping[a], mapping[b]) for a, b in pattern)


def check_similarity(backend: GraphBackend, G: nx.Graph) -> None:
    """Common neighbours and Jaccard equal set arithmetic on undirected neighbour sets."""
    nbrs = ref.undirected_neighbours(G)
    for a, b in _pairs(G, cap=20):
        found = backend.similarity(a, b, limit=ALL)
        common, union = nbrs[a] & nbrs[b], nbrs[a] | nbrs[b]
        assert found["common"]["items"] == _by_str(common) and found["union_size"] == len(union)
        assert math.isclose(found["jaccard"], len(common) / len(union) if union else 0.0)


ALL_CHECKS = [
    check_counts,
    check_neighbors_and_degree,
    check_has_path,
    check_shortest_path,
    check_k_hop,
    check_components,
    check_find_cycle,
    check_topological_order,
    check_bipartite,
    check_triangles,
    check_diameter,
    check_centrality,
    check_max_matching,
    check_hamiltonian_path,
    check_subgraph_match,
    check_similarity,
]
"""Every check that applies to any graph (flows need ``capacity`` edges: ``check_flow_and_cut``)."""
