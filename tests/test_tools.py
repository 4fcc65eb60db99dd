"""Tests of the graph tools: each tool via ``call_tool`` on small real graphs; every failure as a dict."""

from __future__ import annotations

import doctest
import json
import logging
from typing import Any

import networkx as nx
import pytest

import tools.results
import tools.suite
from graphs.networkx_backend import NetworkxBackend
from tools.arguments import MAX_LIMIT
from tools.registry import TOOLS, call_tool
from tools.results import jsonable


def _people() -> NetworkxBackend:
    """Four people and a city; Zoe is isolated; Alice-Bob-Carol is a triangle."""
    G = nx.Graph(name="people")
    G.add_node(1, labels=["Person"], name="Alice", age=30)
    G.add_node(2, labels=["Person"], name="Bob", age=25)
    G.add_node(3, labels=["Person"], name="Carol", age=35)
    G.add_node(4, labels=["City"], name="Paris", population=2)
    G.add_node(5, labels=["Person"], name="Zoe", age=20)
    G.add_edge(1, 2, type="KNOWS", weight=1)
    G.add_edge(2, 3, type="KNOWS", weight=2)
    G.add_edge(1, 3, type="KNOWS", weight=5)
    G.add_edge(3, 4, type="LIVES_IN", weight=1)
    return NetworkxBackend(G)


def _dag() -> NetworkxBackend:
    return NetworkxBackend(nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")], name="dag"))


def _library() -> NetworkxBackend:
    """Two publishers and an author, each with one typed edge into the same book."""
    G = nx.DiGraph(name="library")
    for source, rel in [("Iron Press", "PUBLISHED"), ("Swift Press", "PUBLISHED"), ("Ada", "WROTE")]:
        G.add_edge(source, "Echo", type=rel)
    return NetworkxBackend(G)


def _flow() -> NetworkxBackend:
    G = nx.DiGraph()
    for u, v, capacity in [("s", "a", 3), ("s", "b", 2), ("a", "t", 2), ("b", "t", 3), ("a", "b", 1)]:
        G.add_edge(u, v, capacity=capacity)
    return NetworkxBackend(G)


def _path() -> NetworkxBackend:
    return NetworkxBackend(nx.path_graph(4))


GRAPHS = {"people": _people, "dag": _dag, "library": _library, "flow": _flow, "path": _path}


def _listing(items: list[Any], count: int | None = None) -> dict[str, Any]:
    total = len(items) if count is None else count
    return {"count": total, "items": items, "truncated": total > len(items)}


EXACT_RESULTS: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "people",
        "graph_summary",
        {},
        {
            "backend": "networkx",
            "name": "people",
            "directed": False,
            "nodes": 5,
            "edges": 4,
            "weighted": True,
            "labels": {"City": 1, "Person": 4},
            "relationship_types": {"KNOWS": 3, "LIVES_IN": 1},
            "node_properties": ["age", "name", "population"],
            "edge_properties": ["weight"],
            "name_property": "name",
            "samples": {"Person": ["Alice", "Bob", "Carol"], "City": ["Paris"]},
        },
    ),
    (
        "people",
        "find_nodes",
        {"query": "alic"},
        _listing([{"id": 1, "labels": ["Person"], "match": "substring"}]),
    ),
    (
        "people",
        "find_nodes",
        {"label": "Person", "prop": "age", "value": 25},
        _listing([{"id": 2, "labels": ["Person"], "match": "filter"}]),
    ),
    (
        "people",
        "node_info",
        {"node": "Alice"},
        {"id": 1, "labels": ["Person"], "properties": {"name": "Alice", "age": 30}, "degree": 2},
    ),
    (
        "people",
        "neighbors",
        {"node": "Carol", "limit": 2},
        _listing(
            [
                {"id": 1, "direction": "both", "rel_type": "KNOWS", "weight": 5},
                {"id": 2, "direction": "both", "rel_type": "KNOWS", "weight": 2},
            ],
            count=3,
        ),
    ),
    (
        "people",
        "neighbors",
        {"node": "Carol", "rel_type": "LIVES_IN"},
        _listing([{"id": 4, "direction": "both", "rel_type": "LIVES_IN", "weight": 1}]),
    ),
    (
        "library",
        "neighbors",
        {"node": "Echo", "direction": "out", "rel_type": "PUBLISHED", "limit": 1},
        {**_listing([]), "other_direction": {"direction": "in", **_listing(
            [{"id": "Iron Press", "direction": "in", "rel_type": "PUBLISHED", "weight": None}], count=2)}},
    ),
    ("library", "neighbors", {"node": "Ada", "direction": "in", "rel_type": "PUBLISHED"}, _listing([])),
    ("dag", "neighbors", {"node": "d", "direction": "out"}, _listing([])),  # a sink: "none" is the answer
    (
        "people",
        "neighbors",
        {"node": "Zoe", "direction": "out"},
        _listing([]),
    ),
    (
        "dag",
        "neighbors",
        {"node": "c", "direction": "in"},
        _listing(
            [
                {"id": "a", "direction": "in", "rel_type": None, "weight": None},
                {"id": "b", "direction": "in", "rel_type": None, "weight": None},
            ]
        ),
    ),
    ("people", "degree", {"node": "carol"}, {"degree": 3}),
    ("dag", "degree", {"node": "c", "direction": "out"}, {"degree": 1}),
    (
        "people",
        "compare_degree",
        {"nodes": ["Alice", "carol", "Paris"]},
        {"most": 3, "degrees": [{"id": 3, "degree": 3}, {"id": 1, "degree": 2}, {"id": 4, "degree": 1}]},
    ),
    (
        "people",
        "compare_degree",
        {"nodes": ["Alice", "Bob"], "rel_type": "KNOWS"},
        {"most": None, "tied": [1, 2], "degrees": [{"id": 1, "degree": 2}, {"id": 2, "degree": 2}]},
    ),
    (
        "dag",
        "compare_degree",
        {"nodes": ["a", "c"], "direction": "in"},
        {"most": "c", "degrees": [{"id": "c", "degree": 2}, {"id": "a", "degree": 0}]},
    ),
    ("people", "count_nodes", {"label": "Person"}, {"count": 4}),
    ("people", "count_edges", {"rel_type": "KNOWS"}, {"count": 3}),
    ("people", "has_path", {"source": "Alice", "target": "Zoe"}, {"has_path": False}),
    ("dag", "has_path", {"source": "a", "target": "d"}, {"has_path": True}),
    (
        "people",
        "shortest_path",
        {"source": "Alice", "target": "Paris"},
        {"path": [1, 3, 4], "hops": 2, "total_weight": None},
    ),
    (
        "people",
        "shortest_path",
        {"source": "Alice", "target": "Paris", "weight": "weight"},
        {"path": [1, 2, 3, 4], "hops": 3, "total_weight": 4.0},
    ),
    (
        "people",
        "k_hop",
        {"node": "Paris", "k": 2},
        _listing([{"id": 3, "distance": 1}, {"id": 1, "distance": 2}, {"id": 2, "distance": 2}]),
    ),
    (
        "people",
        "connected_components",
        {},
        {"kind": "connected", "count": 2, "sizes": [4, 1], "largest": _listing([1, 2, 3, 4])},
    ),
    ("people", "connected_components", {"node": "Zoe"}, {"kind": "connected", "component": _listing([5])}),
    (
        "dag",
        "connected_components",
        {"kind": "strong", "limit": 2},
        {"kind": "strong", "count": 4, "sizes": [1, 1], "largest": _listing(["a"])},
    ),
    ("people", "find_cycle", {}, {"has_cycle": True, "cycle": [1, 2, 3]}),
    ("dag", "find_cycle", {}, {"has_cycle": False, "cycle": None}),
    ("dag", "topological_order", {}, _listing(["a", "b", "c", "d"])),
    ("path", "is_bipartite", {}, {"bipartite": True, "left": _listing([0, 2]), "right": _listing([1, 3])}),
    ("people", "is_bipartite", {}, {"bipartite": False, "odd_cycle": [2, 1, 3]}),
    ("people", "triangles", {}, {"count": 1, "triangles": _listing([[1, 2, 3]])}),
    (
        "people",
        "triangles",
        {"rank_by": "age"},
        {"count": 1, "triangles": _listing([[1, 2, 3]]), "heaviest": {"nodes": [1, 2, 3], "total": 90}},
    ),
    ("people", "triangles", {"node": "Paris"}, {"count": 0, "triangles": _listing([])}),
    ("people", "diameter", {}, {"diameter": 2, "connected": False, "nodes_considered": 4}),
    ("people", "diameter", {"weight": "weight"}, {"diameter": 4, "connected": False, "nodes_considered": 4}),
    (
        "people",
        "centrality",
        {"measure": "degree", "k": 2},
        {"measure": "degree", "top": [{"id": 3, "score": 0.75}, {"id": 1, "score": 0.5}]},
    ),
    (
        "people",
        "centrality",
        {"measure": "closeness", "k": 1},
        {"measure": "closeness", "top": [{"id": 3, "score": 0.75}]},
    ),
    (
        "flow",
        "max_flow",
        {"source": "s", "sink": "t"},
        {
            "value": 5,
            "flows": _listing(
                [
                    {"source": "a", "target": "b", "flow": 1},
                    {"source": "a", "target": "t", "flow": 2},
                    {"source": "b", "target": "t", "flow": 3},
                    {"source": "s", "target": "a", "flow": 3},
                    {"source": "s", "target": "b", "flow": 2},
                ]
            ),
        },
    ),
    (
        "flow",
        "min_cut",
        {"source": "s", "sink": "t"},
        {
            "value": 5,
            "cut_edges": _listing([["a", "t"], ["b", "t"]]),
            "source_side": _listing(["a", "b", "s"]),
        },
    ),
    ("path", "max_matching", {}, {"size": 2, "pairs": _listing([[0, 1], [2, 3]])}),
    ("path", "hamiltonian_path", {}, {"exists": True, "path": [0, 1, 2, 3]}),
    ("people", "hamiltonian_path", {}, {"exists": False, "path": None}),
    (
        "dag",
        "subgraph_match",
        {"pattern": [["x", "y"], ["y", "z"]]},
        {
            "count": 3,
            "matches": _listing(
                [
                    {"x": "a", "y": "b", "z": "c"},
                    {"x": "a", "y": "c", "z": "d"},
                    {"x": "b", "y": "c", "z": "d"},
                ]
            ),
        },
    ),
    (
        "people",
        "subgraph_match",
        {"pattern": [["x", "y"], ["y", "z"], ["z", "x"]], "limit": 2},
        {"count": 6, "matches": _listing([{"x": 1, "y": 2, "z": 3}, {"x": 1, "y": 3, "z": 2}], count=6)},
    ),
    (
        "people",
        "similarity",
        {"a": "Alice", "b": "Bob"},
        {"common": _listing([3]), "jaccard": pytest.approx(1 / 3), "union_size": 3},
    ),
]


@pytest.mark.parametrize(
    ("graph", "tool", "args", "expected"),
    EXACT_RESULTS,
    ids=[f"{tool}-{graph}-{i}" for i, (graph, tool, _, _) in enumerate(EXACT_RESULTS)],
)
def test_tool_gives_the_exact_result(
    graph: str, tool: str, args: dict[str, Any], expected: dict[str, Any]
) -> None:
    result = call_tool(GRAPHS[graph](), tool, args)
    assert result == expected
    assert json.loads(json.dumps(result)) == result


def test_every_tool_in_the_suite_is_exercised_exactly() -> None:
    exercised = {tool for _, tool, _, _ in EXACT_RESULTS} | {"run_cypher"}
    assert exercised == {spec.name for spec in TOOLS}


def test_pagerank_scores_sum_to_one_and_rank_the_hub_first() -> None:
    top = call_tool(_people(), "centrality", {"measure": "pagerank", "k": 5})["top"]
    assert [entry["id"] for entry in top][:1] == [3]
    assert sum(entry["score"] for entry in top) == pytest.approx(1.0)


def test_tool_functions_can_be_called_directly_with_keyword_arguments() -> None:
    assert tools.suite.shortest_path(_path(), source=0, target=2) == {
        "path": [0, 1, 2],
        "hops": 2,
        "total_weight": None,
    }


def test_unknown_node_gives_close_matches() -> None:
    assert call_tool(_people(), "node_info", {"node": "Alcie"}) == {
        "error": "node_not_found",
        "message": "Node 'Alcie' not found. Did you mean: Alice?",
        "node": "Alcie",
        "close_matches": ["Alice"],
    }


@pytest.mark.parametrize(
    ("tool", "args", "message"),
    [
        ("k_hop", {"node": 1, "k": 0}, "k_hop: k: Input should be greater than or equal to 1"),
        ("shortest_path", {"source": 1}, "shortest_path: target: Field required"),
        ("degree", {"node": 1, "hops": 2}, "degree: hops: Extra inputs are not permitted"),
        (
            "neighbors",
            {"node": 1, "direction": "up"},
            "neighbors: direction: Input should be 'out', 'in' or 'both'",
        ),
        ("node_info", {"node": [1, 2]}, "node_info: node.int: Input should be a valid integer"),
        ("subgraph_match", {"pattern": []}, "subgraph_match: pattern: List should have at least 1 item"),
        ("compare_degree", {"nodes": ["Alice"]}, "compare_degree: nodes: List should have at least 2 items"),
        ("compare_degree", {"nodes": ["Alice", "alice"]}, "compare_degree needs two different nodes"),
    ],
)
def test_invalid_arguments_give_an_invalid_argument_result(
    tool: str, args: dict[str, Any], message: str
) -> None:
    result = call_tool(_people(), tool, args)
    assert result["error"] == "invalid_argument"
    assert result["message"].startswith(message)


def test_arguments_that_are_not_an_object_give_an_error() -> None:
    result = call_tool(_people(), "count_nodes", ["Person"])  # type: ignore[arg-type]
    assert result == {
        "error": "invalid_argument",
        "message": "count_nodes: arguments must be an object, got list",
    }


def test_unknown_tool_names_close_matches() -> None:
    result = call_tool(_people(), "shortest_pth", {})
    assert result["error"] == "unknown_tool"
    assert result["close_matches"][0] == "shortest_path"


@pytest.mark.parametrize(
    ("graph", "tool", "args", "code"),
    [
        ("people", "shortest_path", {"source": "Alice", "target": "Zoe"}, "no_path"),
        ("people", "topological_order", {}, "not_a_dag"),
        ("people", "count_nodes", {"label": "Dog"}, "invalid_argument"),
        ("people", "neighbors", {"node": 1, "rel_type": "HATES"}, "invalid_argument"),
        ("people", "shortest_path", {"source": 1, "target": 4, "weight": "cost"}, "invalid_argument"),
        ("people", "run_cypher", {"query": "MATCH (n) RETURN n"}, "unsupported"),
        ("people", "compare_degree", {"nodes": ["Alice", "Alcie Smith"]}, "node_not_found"),
    ],
)
def test_graph_errors_become_error_results(graph: str, tool: str, args: dict[str, Any], code: str) -> None:
    result = call_tool(GRAPHS[graph](), tool, args)
    assert result["error"] == code
    assert result["message"]


def test_too_large_hamiltonian_search_is_refused() -> None:
    result = call_tool(NetworkxBackend(nx.path_graph(40)), "hamiltonian_path", {})
    assert result["error"] == "too_large"


def test_unexpected_exception_becomes_a_logged_internal_error(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(NetworkxBackend):
        def count_nodes(self, label: str | None = None) -> int:
            raise RuntimeError("disk on fire")

    with caplog.at_level(logging.ERROR, logger="tools.results"):
        result = call_tool(Broken(nx.path_graph(2)), "count_nodes", {})
    assert result == {"error": "internal_error", "message": "count_nodes failed: RuntimeError: disk on fire"}
    assert "disk on fire" in caplog.text


def test_limit_is_clamped_to_the_maximum() -> None:
    result = call_tool(NetworkxBackend(nx.star_graph(150)), "neighbors", {"node": 0, "limit": 10_000})
    assert result["count"] == 150
    assert len(result["items"]) == MAX_LIMIT
    assert result["truncated"] is True


def test_default_limit_keeps_results_small() -> None:
    result = call_tool(NetworkxBackend(nx.star_graph(500)), "k_hop", {"node": 0, "k": 1})
    assert result["count"] == 500
    assert len(result["items"]) == 20


def test_jsonable_makes_results_plain_json() -> None:
    assert jsonable({1: (2, float("inf")), "s": frozenset({"b", "a"}), "t": "x" * 400}) == {
        "1": [2, None],
        "s": ["a", "b"],
        "t": "x" * 299 + "…",
    }


def test_tool_docstring_examples_run() -> None:
    globs = {"nx": nx, "NetworkxBackend": NetworkxBackend}
    result = doctest.testmod(tools.suite, extraglobs=globs)
    assert result.attempted >= len(TOOLS)
    assert result.failed == 0
    assert doctest.testmod(tools.results).failed == 0
