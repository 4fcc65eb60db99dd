"""Tests for ``graphs.neo4j_backend`` against the real Bolt server: each operation on graphs loaded through
Bolt agrees with networkx computed in the test; schema, name-property discovery, and error paths."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from langchain_core.messages import AIMessage

from agent.grounding import ground_tool_calls
from benchmarks.bolt_server import clear, load_nx_graph
from graphs.backend import GraphBackend
from graphs.errors import InvalidArgument, NodeNotFound, NoPath, Unsupported
from graphs.neo4j_backend import Neo4jBackend
from graphs.networkx_backend import NetworkxBackend
from tools.registry import call_tool

pytestmark = pytest.mark.bolt


def _directed_graph() -> nx.DiGraph:
    G = nx.gnp_random_graph(14, 0.18, seed=7, directed=True)
    for u, v in G.edges:
        G[u][v]["weight"] = (u * 7 + v) % 5 + 1
    G.add_node(99)
    return G


def _undirected_graph() -> nx.Graph:
    G = nx.karate_club_graph()
    for node in G.nodes:
        G.nodes[node]["age"] = node % 7
    G.add_edge(100, 101)
    return G


@pytest.fixture(scope="module")
def graphs(bolt_driver):
    return {"directed": _directed_graph(), "undirected": _undirected_graph()}


@pytest.fixture(params=["directed", "undirected"])
def case(request, bolt_driver, graphs):
    G = graphs[request.param]
    clear(bolt_driver)
    load_nx_graph(bolt_driver, G)
    backend = Neo4jBackend.connect(driver=bolt_driver, directed=G.is_directed())
    yield G, backend
    backend.close()


def test_backend_satisfies_the_protocol_and_is_read_only(case):
    _, backend = case
    assert isinstance(backend, GraphBackend)
    assert backend.kind == "neo4j" and backend.read_only and backend.dialect == "falkordb"


def test_counts_and_summary_match_networkx(case):
    G, backend = case
    assert backend.count_nodes() == G.number_of_nodes()
    assert backend.count_edges() == G.number_of_edges()
    summary = backend.summary()
    assert summary["labels"] == {"Node": G.number_of_nodes()}
    assert summary["relationship_types"] == {"LINKS": G.number_of_edges()}
    assert summary["name_property"] == "name" and summary["weighted"]
    assert summary["samples"]["Node"] == sorted(G.nodes, key=str)[:3]


def test_neighbors_and_degree_match_networkx(case):
    G, backend = case
    for node in list(G.nodes)[:8]:
        assert backend.degree(node) == G.degree(node)
        got = backend.neighbors(node, limit=1000)
        expected = set(nx.all_neighbors(G, node)) if G.is_directed() else set(G[node])
        assert [item["id"] for item in got["items"]] == sorted(expected, key=str)
        if G.is_directed():
            assert backend.degree(node, "out") == G.out_degree(node)
            out = backend.neighbors(node, "out", limit=1000)["items"]
            assert {item["id"] for item in out} == set(G.successors(node))


def test_the_degree_comparison_tool_matches_networkx(case):
    G, backend = case
    nodes = list(G.nodes)[:5]
    assert call_tool(backend, "compare_degree", {"nodes": nodes}) == call_tool(
        NetworkxBackend(G), "compare_degree", {"nodes": nodes})


def test_paths_and_k_hop_match_networkx(case):
    G, backend = case
    nodes = sorted(G.nodes, key=str)[:6] + [99 if G.is_directed() else 100]
    for a, b in itertools.permutations(nodes, 2):
        assert backend.has_path(a, b) == nx.has_path(G, a, b)
        if nx.has_path(G, a, b):
            path = backend.shortest_path(a, b)
            assert path["hops"] == nx.shortest_path_length(G, a, b)
            assert all(G.has_edge(u, v) for u, v in itertools.pairwise(path["path"]))
        else:
            with pytest.raises(NoPath):
                backend.shortest_path(a, b)
    source = nodes[0]
    lengths = nx.single_source_shortest_path_length(G, source, cutoff=2)
    expected = sorted(((d, str(n)) for n, d in lengths.items() if n != source))
    got = backend.k_hop(source, 2, direction="out", limit=1000)
    assert [(item["distance"], str(item["id"])) for item in got["items"]] == expected


def test_weighted_shortest_path_matches_dijkstra(case):
    G, backend = case
    weight = "weight"
    a, b = 0, 5
    if not nx.has_path(G, a, b):
        pytest.skip("fixture graph has no path")
    got = backend.shortest_path(a, b, weight=weight)
    assert got["path"][0] == a and got["path"][-1] == b
    assert all(G.has_edge(u, v) for u, v in itertools.pairwise(got["path"]))
    assert got["total_weight"] == pytest.approx(nx.shortest_path_length(G, a, b, weight=weight))


def test_components_match_networkx(case):
    G, backend = case
    comps = sorted((len(c) for c in nx.weakly_connected_components(G)) if G.is_directed()
                   else (len(c) for c in nx.connected_components(G)), reverse=True)
    got = backend.components()
    assert got["count"] == len(comps) and got["sizes"] == comps
    node = 0
    expected = nx.node_connected_component(G.to_undirected(), node)
    assert backend.component_of(node, limit=1000)["items"] == sorted(expected, key=str)
    if G.is_directed():
        strong = next(c for c in nx.strongly_connected_components(G) if node in c)
        assert backend.component_of(node, "strong", limit=1000)["items"] == sorted(strong, key=str)


def test_triangles_match_networkx(case):
    G, backend = case
    U = G.to_undirected()
    assert backend.triangles()["count"] == sum(nx.triangles(U).values()) // 3
    assert backend.triangles(node=0)["count"] == nx.triangles(U, 0)


def test_degree_centrality_and_similarity_match_networkx(case):
    G, backend = case
    top = backend.centrality("degree", k=5)
    expected = nx.degree_centrality(G)
    for item in top:
        assert item["score"] == pytest.approx(expected[item["id"]])
    assert top[0]["score"] == pytest.approx(max(expected.values()))
    U = G.to_undirected()
    a, b = 0, 1
    common = set(U[a]) & set(U[b]) - {a, b}
    union = (set(U[a]) | set(U[b])) - {a, b} | ({a, b} & (set(U[a]) | set(U[b])))
    got = backend.similarity(a, b, limit=1000)
    assert got["common"]["items"] == sorted(common, key=str)
    assert got["union_size"] == len(union)


def test_find_cycle_returns_a_real_cycle(case):
    G, backend = case
    cycle = backend.find_cycle()
    assert cycle is not None and len(cycle) >= (2 if G.is_directed() else 3)
    assert all(G.has_edge(u, v) for u, v in itertools.pairwise([*cycle, cycle[0]]))


def test_unknown_node_raises_not_found_with_close_matches(case, bolt_driver):
    _, backend = case
    with pytest.raises(NodeNotFound) as info:
        backend.resolve_node("no such node")
    assert info.value.code == "node_not_found"
    assert backend.resolve_node("3") == 3


def test_unknown_label_and_type_raise_invalid_argument_listing_known_ones(case):
    _, backend = case
    with pytest.raises(InvalidArgument, match="known labels: Node"):
        backend.count_nodes("Ghost")
    with pytest.raises(InvalidArgument, match="LINKS"):
        backend.count_edges("GHOST`) DETACH DELETE (n")
    with pytest.raises(InvalidArgument, match="Did you mean: LINKS") as info:
        backend.count_edges("links")
    assert info.value.details["close_matches"] == ["LINKS"]


def test_operations_without_cypher_form_are_unsupported(case):
    _, backend = case
    for call in (backend.topological_order, backend.bipartite, backend.max_matching, backend.diameter):
        with pytest.raises(Unsupported, match="networkx"):
            call()
    with pytest.raises(Unsupported):
        backend.centrality("betweenness")


def test_name_property_is_discovered_and_overridable(bolt_driver):
    clear(bolt_driver)
    G = nx.DiGraph()
    G.add_node("a", labels=["Film"], title="Alien", year=1979)
    G.add_node("b", labels=["Film"], title="Heat", year=1995)
    G.add_edge("a", "b", type="INSPIRED")
    load_nx_graph(bolt_driver, G)
    backend = Neo4jBackend.connect(driver=bolt_driver)
    assert backend.schema.name_property == "name"
    titled = Neo4jBackend.connect(driver=bolt_driver, name_property="title")
    assert titled.resolve_node("alien") == "Alien"
    assert titled.neighbors("Alien")["items"][0] == {"id": "Heat", "direction": "out", "rel_type": "INSPIRED",
                                                     "weight": None}
    found = titled.find_nodes(query="hea")
    assert found["items"] == [{"id": "Heat", "labels": ["Film"], "match": "substring"}]
    assert titled.find_nodes(label="Film", prop="year", value=1979)["items"][0]["id"] == "Alien"
    with pytest.raises(InvalidArgument, match="name_property"):
        Neo4jBackend.connect(driver=bolt_driver, name_property="nope")
    before = titled.fingerprint()
    titled.refresh()
    assert titled.fingerprint() != before


def test_neighbors_tool_lists_the_other_direction_when_the_asked_one_is_empty(bolt_driver):
    """A book has only incoming PUBLISHED edges: asking for outgoing ones also reports the incoming ones."""
    clear(bolt_driver)
    G = nx.DiGraph()
    G.add_node("Iron Press", labels=["Publisher"])
    G.add_node("The Echo Winter", labels=["Book"])
    G.add_node("Ada", labels=["Author"])
    G.add_edge("Iron Press", "The Echo Winter", type="PUBLISHED")
    G.add_edge("Ada", "The Echo Winter", type="WROTE")
    load_nx_graph(bolt_driver, G)
    backend = Neo4jBackend.connect(driver=bolt_driver)
    found = call_tool(backend, "neighbors", {"node": "The Echo Winter", "direction": "out", "rel_type": "PUBLISHED"})
    assert found["count"] == 0 and found["items"] == []
    assert found["other_direction"] == {"direction": "in", "count": 1, "truncated": False, "items": [
        {"id": "Iron Press", "direction": "in", "rel_type": "PUBLISHED", "weight": None}]}
    asked_right = call_tool(backend, "neighbors", {"node": "The Echo Winter", "direction": "in",
                                                   "rel_type": "PUBLISHED"})
    assert asked_right["count"] == 1 and "other_direction" not in asked_right
    none_either_way = call_tool(backend, "neighbors", {"node": "Ada", "direction": "in", "rel_type": "PUBLISHED"})
    assert none_either_way == {"count": 0, "items": [], "truncated": False}
    untyped = call_tool(backend, "neighbors", {"node": "The Echo Winter", "direction": "out"})
    assert untyped == {"count": 0, "items": [], "truncated": False}  # a sink: "none" is the answer


def test_a_property_name_the_database_lacks_is_grounded_in_the_question(bolt_driver):
    """Schema grounding reads the names from a real server's summary, and the grounded call then succeeds."""
    clear(bolt_driver)
    G = nx.DiGraph()
    G.add_node("Ada", labels=["Author"], born=1980)
    G.add_node("Echo", labels=["Book"], pages=320)
    G.add_edge("Ada", "Echo", type="WROTE")
    load_nx_graph(bolt_driver, G)
    backend = Neo4jBackend.connect(driver=bolt_driver)
    message = AIMessage(content="", tool_calls=[
        {"name": "find_nodes", "args": {"label": "Author", "prop": "birth", "value": 1980}, "id": "c1"}])
    call = ground_tool_calls(message, backend, "Which author has born equal to 1980?").tool_calls[0]
    assert call["args"] == {"label": "Author", "prop": "born", "value": 1980}
    assert [item["id"] for item in call_tool(backend, "find_nodes", call["args"])["items"]] == ["Ada"]
