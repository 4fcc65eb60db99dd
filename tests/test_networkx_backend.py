"""Unit tests for ``NetworkxBackend``: node resolution, lookup, schema, typed errors, limits and ordering.

The algorithms' correctness on random graphs is covered by ``tests/test_networkx_properties.py``; these tests
pin down the conventions a user or model relies on.
"""

from __future__ import annotations

import doctest
import importlib
import os

import networkx as nx
import pytest

from graphs import nx_centrality, nx_paths
from graphs.backend import GraphBackend
from graphs.errors import (
    AmbiguousNode,
    InvalidArgument,
    NodeNotFound,
    NoPath,
    NotADag,
    QueryTimeout,
    TooLarge,
    Unsupported,
)
from graphs.networkx_backend import NetworkxBackend
from graphs.node_match import close_matches


@pytest.fixture
def people() -> NetworkxBackend:
    G = nx.DiGraph(name="people")
    G.add_node(1, name="Alice", labels=["Person"], age=30, score=5)
    G.add_node(2, name="Bob", labels=["Person"], age=25, score=1)
    G.add_node(3, name="Ann", labels=["Person"], age=41, score=2)
    G.add_node(4, name="Ann", labels=["Person"], score=9)
    G.add_node("Oslo", labels=["City"], population=700_000)
    G.add_edge(1, 2, type="KNOWS", weight=2)
    G.add_edge(2, 1, type="KNOWS", weight=3)
    G.add_edge(2, 3, type="KNOWS", weight=1)
    G.add_edge(1, "Oslo", type="LIVES_IN")
    return NetworkxBackend(G)


def test_backend_satisfies_the_protocol(people: NetworkxBackend) -> None:
    assert isinstance(people, GraphBackend)
    assert (people.kind, people.name, people.directed, people.read_only) == ("networkx", "people", True, False)


def test_constructor_rejects_multigraphs() -> None:
    with pytest.raises(InvalidArgument, match="MultiGraph"):
        NetworkxBackend(nx.MultiGraph([(1, 2), (1, 2)]))


def test_resolve_coerces_between_int_and_str_ids() -> None:
    backend = NetworkxBackend(nx.Graph([(3, "7")]))
    assert backend.resolve_node("3") == 3
    assert backend.resolve_node(" 3 ") == 3
    assert backend.resolve_node(7) == "7"


def test_resolve_prefers_the_exact_id_over_coercion() -> None:
    backend = NetworkxBackend(nx.Graph([(1, "1")]))
    assert backend.resolve_node(1) == 1
    assert backend.resolve_node("1") == "1"


def test_resolve_matches_ids_and_names_case_and_space_insensitively(people: NetworkxBackend) -> None:
    assert people.resolve_node("  alice ") == 1
    assert people.resolve_node("OSLO") == "Oslo"


def test_resolve_raises_ambiguous_node_listing_candidates(people: NetworkxBackend) -> None:
    with pytest.raises(AmbiguousNode) as error:
        people.resolve_node("ann")
    assert error.value.details["candidates"] == [3, 4]


def test_unknown_node_raises_node_not_found_with_close_matches(people: NetworkxBackend) -> None:
    with pytest.raises(NodeNotFound) as error:
        people.node_info("Alise")
    assert error.value.details["close_matches"][0] == "Alice"
    assert error.value.to_dict()["error"] == "node_not_found"


def test_close_matches_ranks_containing_candidates_then_fuzzy_ones() -> None:
    assert close_matches("ali", ["Bob", "Malice", "Alice"], n=2) == ["Alice", "Malice"]
    assert close_matches("zzz", ["Alice", "Bob"]) == []


def test_invalidate_makes_in_place_edits_visible() -> None:
    G = nx.Graph([(1, 2)])
    backend = NetworkxBackend(G)
    assert backend.resolve_node(1) == 1
    before = backend.fingerprint()
    G.add_node("Zed")
    backend.invalidate()
    assert backend.resolve_node("zed") == "Zed"
    assert backend.fingerprint() != before


def test_find_nodes_orders_exact_then_substring_then_fuzzy() -> None:
    G = nx.Graph()
    G.add_nodes_from([("Anna", {}), ("Annabel", {}), ("Hanna", {}), ("Ana", {}), ("Bob", {})])
    found = NetworkxBackend(G).find_nodes("anna")
    assert [(item["id"], item["match"]) for item in found["items"]] == [
        ("Anna", "exact"),
        ("Hanna", "substring"),
        ("Annabel", "substring"),
        ("Ana", "fuzzy"),
    ]


def test_find_nodes_filters_by_label_and_property_value(people: NetworkxBackend) -> None:
    assert [item["id"] for item in people.find_nodes(label="City")["items"]] == ["Oslo"]
    assert [item["id"] for item in people.find_nodes(prop="age", value="30")["items"]] == [1]
    assert people.find_nodes(prop="age")["count"] == 3
    with pytest.raises(InvalidArgument, match="Unknown label 'Town'"):
        people.find_nodes(label="Town")


def test_find_nodes_with_a_missing_property_lists_the_known_ones(people: NetworkxBackend) -> None:
    with pytest.raises(InvalidArgument, match="No node has the property 'ages'") as raised:
        people.find_nodes(label="Person", prop="ages", value=30)
    assert raised.value.details["known"] == ["age", "name", "population", "score"]


def test_node_info_reports_labels_properties_and_degrees(people: NetworkxBackend) -> None:
    info = people.node_info("alice")
    assert info == {
        "id": 1,
        "labels": ["Person"],
        "properties": {"name": "Alice", "age": 30, "score": 5},
        "degree": 3,
        "in_degree": 1,
        "out_degree": 2,
    }


def test_neighbors_merge_both_directions_and_filter_by_type(people: NetworkxBackend) -> None:
    items = people.neighbors(1)["items"]
    assert items == [
        {"id": 2, "direction": "both", "rel_type": "KNOWS", "weight": 2},
        {"id": "Oslo", "direction": "out", "rel_type": "LIVES_IN", "weight": None},
    ]
    assert [item["id"] for item in people.neighbors(1, rel_type="LIVES_IN")["items"]] == ["Oslo"]
    assert [item["id"] for item in people.neighbors(2, direction="in")["items"]] == [1]
    with pytest.raises(InvalidArgument, match="Unknown relationship type"):
        people.neighbors(1, rel_type="LIKES")


def test_a_wrong_schema_name_error_names_the_closest_known_names(people: NetworkxBackend) -> None:
    with pytest.raises(InvalidArgument, match="Did you mean: LIVES_IN") as raised:
        people.neighbors(1, rel_type="lives_in")
    assert raised.value.details["close_matches"] == ["LIVES_IN"]
    with pytest.raises(InvalidArgument) as raised:
        people.count_nodes("Persons")
    assert raised.value.details["close_matches"] == ["Person"]
    with pytest.raises(InvalidArgument) as raised:
        people.find_nodes(prop="scores", value=5)
    assert raised.value.details["close_matches"] == ["score"]
    with pytest.raises(InvalidArgument) as raised:
        people.neighbors(1, rel_type="HATES")
    assert raised.value.details["close_matches"] == [] and "Did you mean" not in raised.value.message


def test_degree_counts_self_loops_twice_in_both_directions() -> None:
    backend = NetworkxBackend(nx.Graph([(1, 1), (1, 2)]))
    assert backend.degree(1) == 3


def test_counts_by_label_and_relationship_type(people: NetworkxBackend) -> None:
    assert people.count_nodes("Person") == 4
    assert people.count_edges("KNOWS") == 3
    with pytest.raises(InvalidArgument):
        people.count_nodes("Town")


def test_summary_reports_schema_and_samples(people: NetworkxBackend) -> None:
    summary = people.summary(samples=2)
    assert summary["labels"] == {"City": 1, "Person": 4}
    assert summary["relationship_types"] == {"KNOWS": 3, "LIVES_IN": 1}
    assert summary["node_properties"] == ["age", "name", "population", "score"]
    assert summary["edge_properties"] == ["weight"]
    assert (summary["weighted"], summary["name_property"]) == (True, "name")
    assert summary["samples"] == {"Person": ["Alice", "Bob"], "City": ["Oslo"]}


def test_shortest_path_uses_weights_and_reports_total(people: NetworkxBackend) -> None:
    assert people.shortest_path("Alice", 3, weight="weight") == {"path": [1, 2, 3], "hops": 2, "total_weight": 3.0}
    with pytest.raises(NoPath):
        people.shortest_path(3, 1)


def test_shortest_path_handles_negative_weights_and_rejects_negative_cycles() -> None:
    G = nx.DiGraph([("a", "b", {"w": 4}), ("a", "c", {"w": 1}), ("b", "c", {"w": -5})])
    backend = NetworkxBackend(G)
    assert backend.shortest_path("a", "c", weight="w")["path"] == ["a", "b", "c"]
    G.add_edge("c", "a", w=0)
    with pytest.raises(InvalidArgument, match="negative cycle"):
        backend.shortest_path("a", "c", weight="w")


def test_weight_errors_name_the_attribute() -> None:
    backend = NetworkxBackend(nx.Graph([(1, 2, {"km": "far"})]))
    with pytest.raises(InvalidArgument, match="'km'.*not a number"):
        backend.shortest_path(1, 2, weight="km")
    with pytest.raises(InvalidArgument, match="No edge has the weight attribute 'miles'"):
        backend.shortest_path(1, 2, weight="miles")


def test_k_hop_listing_is_truncated_to_limit() -> None:
    listing = NetworkxBackend(nx.path_graph(6)).k_hop(0, 4, limit=2)
    assert listing == {"count": 4, "items": [{"id": 1, "distance": 1}, {"id": 2, "distance": 2}], "truncated": True}


def test_topological_order_raises_not_a_dag_with_the_cycle() -> None:
    backend = NetworkxBackend(nx.DiGraph([(1, 2), (2, 3), (3, 1), (0, 1)]))
    with pytest.raises(NotADag) as error:
        backend.topological_order()
    assert sorted(error.value.details["cycle"]) == [1, 2, 3]
    with pytest.raises(NotADag, match="undirected"):
        NetworkxBackend(nx.path_graph(3)).topological_order()


def test_find_cycle_ignores_a_single_undirected_edge_but_sees_self_loops() -> None:
    assert NetworkxBackend(nx.Graph([(1, 2)])).find_cycle() is None
    assert NetworkxBackend(nx.Graph([(1, 2), (3, 3)])).find_cycle() == [3]


def test_bipartite_reports_an_odd_cycle_witness() -> None:
    found = NetworkxBackend(nx.cycle_graph(5)).bipartite()
    assert found["bipartite"] is False and len(found["odd_cycle"]) == 5


def test_triangles_rank_by_property_returns_the_heaviest(people: NetworkxBackend) -> None:
    G = nx.complete_graph(4)
    nx.set_node_attributes(G, {0: 1, 1: 10, 2: 5, 3: 7}, "score")
    found = NetworkxBackend(G).triangles(rank_by="score", limit=1)
    assert found["heaviest"] == {"nodes": [1, 2, 3], "total": 22}
    assert found["triangles"] == {"count": 4, "items": [[1, 2, 3]], "truncated": True}
    with pytest.raises(InvalidArgument, match="No node has the property 'mass'"):
        NetworkxBackend(G).triangles(rank_by="mass")


def test_diameter_of_a_disconnected_graph_uses_the_largest_component() -> None:
    G = nx.path_graph(4)
    G.add_edge("x", "y")
    assert NetworkxBackend(G).diameter() == {"diameter": 3, "connected": False, "nodes_considered": 4}


def test_diameter_of_a_large_directed_graph_is_refused_not_searched_for_hours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(nx_paths, "ALL_PAIRS_BUDGET", 6 * (6 + 6) - 1)
    with pytest.raises(TooLarge, match="all-pairs shortest paths, too slow for 6 nodes and 6 edges"):
        NetworkxBackend(nx.cycle_graph(6, create_using=nx.DiGraph)).diameter()
    assert NetworkxBackend(nx.cycle_graph(6)).diameter()["diameter"] == 3  # undirected: bounding search
    monkeypatch.setattr(nx_paths, "ALL_PAIRS_BUDGET", 6 * (6 + 6))
    assert NetworkxBackend(nx.cycle_graph(6, create_using=nx.DiGraph)).diameter()["diameter"] == 5


def test_centrality_breaks_ties_by_id_string_and_refuses_huge_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = NetworkxBackend(nx.cycle_graph(12))
    assert [item["id"] for item in backend.centrality("degree", k=3)] == [0, 1, 10]
    monkeypatch.setattr(nx_centrality, "ALL_PAIRS_BUDGET", 10)
    with pytest.raises(TooLarge):
        backend.centrality("betweenness")
    with pytest.raises(InvalidArgument, match="measure"):
        backend.centrality("fame")  # type: ignore[arg-type]


def test_max_flow_rejects_unbounded_capacity_and_equal_terminals() -> None:
    backend = NetworkxBackend(nx.DiGraph([("s", "a", {"capacity": 3}), ("a", "t"), ("s", "t")]))
    with pytest.raises(InvalidArgument, match="without the capacity attribute 'capacity'"):
        backend.max_flow("s", "t")
    with pytest.raises(InvalidArgument, match="same node"):
        backend.min_cut("s", "s")


def test_undirected_edges_carry_capacity_both_ways() -> None:
    G = nx.Graph([("t", "a", {"capacity": 2}), ("a", "s", {"capacity": 5})])
    assert NetworkxBackend(G).max_flow("s", "t")["value"] == 2


def test_hamiltonian_path_is_bounded_by_size_and_time() -> None:
    with pytest.raises(TooLarge):
        NetworkxBackend(nx.path_graph(21)).hamiltonian_path()
    hard = nx.complete_bipartite_graph(6, 8)
    assert NetworkxBackend(hard).hamiltonian_path() == {"exists": False, "path": None}
    with pytest.raises(QueryTimeout):
        NetworkxBackend(hard, timeout_s=0).hamiltonian_path()


def test_subgraph_match_validates_the_pattern_and_times_out() -> None:
    backend = NetworkxBackend(nx.complete_graph(25), timeout_s=0)
    with pytest.raises(QueryTimeout):
        backend.subgraph_match([("a", "b"), ("b", "c"), ("c", "a")])
    with pytest.raises(InvalidArgument, match="pair"):
        backend.subgraph_match([("a", "b", "c")])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="directed pattern"):
        backend.subgraph_match([("a", "b")], directed=True)


def test_subgraph_match_lists_matches_by_placeholder_name() -> None:
    found = NetworkxBackend(nx.DiGraph([(1, 2), (2, 3)])).subgraph_match([("x", "y"), ("y", "z")])
    assert found == {"count": 1, "matches": {"count": 1, "items": [{"x": 1, "y": 2, "z": 3}], "truncated": False}}


def test_run_cypher_is_unsupported(people: NetworkxBackend) -> None:
    with pytest.raises(Unsupported):
        people.run_cypher("MATCH (n) RETURN n")


def test_results_do_not_depend_on_insertion_order() -> None:
    edges = [(3, 1), (1, 2), (2, 3), (4, 5), (5, 6), (6, 4), (3, 4)]
    first = NetworkxBackend(nx.Graph(edges))
    second = NetworkxBackend(nx.Graph(list(reversed(edges))))
    for call in (
        lambda b: b.components(),
        lambda b: b.bipartite(),
        lambda b: b.triangles(),
        lambda b: b.max_matching(),
        lambda b: b.neighbors(3),
        lambda b: b.centrality("betweenness"),
        lambda b: b.hamiltonian_path(),
    ):
        assert call(first) == call(second)


def test_bad_direction_is_an_invalid_argument(people: NetworkxBackend) -> None:
    with pytest.raises(InvalidArgument, match="direction"):
        people.neighbors(1, direction="sideways")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="direction"):
        people.k_hop(1, 2, direction="up")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "module",
    [
        "graphs.networkx_backend",
        "graphs.node_match",
        "graphs.fingerprint",
        "graphs.nx_attrs",
        "graphs.nx_paths",
        "graphs.nx_structure",
        "graphs.nx_centrality",
        "graphs.nx_flow",
        "graphs.nx_search",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    results = doctest.testmod(importlib.import_module(module), extraglobs={"nx": nx})
    assert results.failed == 0 and results.attempted > 0


def test_max_matching_is_the_same_under_every_hash_seed():
    """Which of several maximum matchings comes out must not depend on Python's string hash seed (it did:
    networkx iterates sets of nodes), or the same question gets different answers in different processes."""
    import subprocess
    import sys

    script = (
        "import networkx as nx\n"
        "from graphs.nx_flow import max_matching\n"
        "bip = nx.relabel_nodes(nx.complete_bipartite_graph(4, 5), {i: f'n{i}' for i in range(9)})\n"
        "odd = nx.relabel_nodes(nx.cycle_graph(9), {i: f'c{i}' for i in range(9)})\n"
        "print(max_matching(bip), max_matching(odd))\n"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1
