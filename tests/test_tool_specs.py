"""Tests of the tool registry's exports: JSON specs, compact signatures and langchain-core tools."""

from __future__ import annotations

import doctest
import json
from typing import Any

import networkx as nx
import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

import tools.registry
from graphs.networkx_backend import NetworkxBackend
from tools.registry import (
    TOOLS,
    applicable_tools,
    compact_signatures,
    get_tool,
    langchain_tools,
    tool_specs,
)

SUITE = [
    "graph_summary",
    "find_nodes",
    "node_info",
    "neighbors",
    "degree",
    "count_nodes",
    "count_edges",
    "has_path",
    "shortest_path",
    "k_hop",
    "connected_components",
    "find_cycle",
    "topological_order",
    "is_bipartite",
    "triangles",
    "diameter",
    "centrality",
    "max_flow",
    "min_cut",
    "max_matching",
    "hamiltonian_path",
    "subgraph_match",
    "similarity",
    "run_cypher",
    "compare_degree",
]
NETWORKX_SUITE = [name for name in SUITE if name != "run_cypher"]


def _keys(node: Any, found: set[str], in_properties: bool = False) -> set[str]:
    """Every schema keyword used in ``node`` (property names excluded)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not in_properties:
                found.add(key)
            _keys(value, found, in_properties=key == "properties" and not in_properties)
    elif isinstance(node, list):
        for item in node:
            _keys(item, found)
    return found


@pytest.fixture
def backend() -> NetworkxBackend:
    return NetworkxBackend(nx.Graph([("Alice", "Bob"), ("Bob", "Carol")]))


def test_tool_specs_name_exactly_the_suite_in_order() -> None:
    assert [spec["name"] for spec in tool_specs()] == SUITE
    assert [spec.name for spec in TOOLS] == SUITE


def test_each_spec_has_a_one_line_description_and_an_object_schema_without_titles() -> None:
    for spec in tool_specs():
        assert set(spec) == {"name", "description", "parameters"}
        assert spec["description"] and "\n" not in spec["description"]
        params = spec["parameters"]
        assert params["type"] == "object"
        assert params["additionalProperties"] is False
        assert isinstance(params["properties"], dict)
        assert set(params.get("required", [])) <= set(params["properties"])
        assert "title" not in _keys(params, set())
        for prop in params["properties"].values():
            assert prop["description"]
        json.dumps(spec)


def test_node_arguments_accept_int_or_string_and_required_fields_are_listed() -> None:
    params = {spec["name"]: spec["parameters"] for spec in tool_specs()}["shortest_path"]
    assert params["required"] == ["source", "target"]
    assert params["properties"]["source"]["anyOf"] == [{"type": "integer"}, {"type": "string"}]


def test_compact_signatures_mark_optional_arguments() -> None:
    lines = compact_signatures(tool_specs()).splitlines()
    assert len(lines) == len(SUITE)
    shortest = (
        "shortest_path(source, target, weight?) - Shortest path between two nodes (fewest hops, or least"
    )
    assert f"{shortest} total weight)." in lines
    assert "find_cycle() - A cycle in the graph if there is one." in lines


def test_get_tool_returns_the_spec_or_names_close_matches() -> None:
    assert get_tool("k_hop").args_model.__name__ == "KHopArgs"
    with pytest.raises(KeyError, match="shortest_path"):
        get_tool("shortest_pth")


def test_applicable_tools_leave_out_cypher_on_networkx(backend: NetworkxBackend) -> None:
    assert [spec.name for spec in applicable_tools(backend)] == NETWORKX_SUITE


def test_langchain_tools_invoke_returns_compact_json(backend: NetworkxBackend) -> None:
    tools = {tool.name: tool for tool in langchain_tools(backend)}
    assert all(isinstance(tool, BaseTool) for tool in tools.values())
    assert list(tools) == NETWORKX_SUITE
    assert tools["shortest_path"].invoke({"source": "alice", "target": "Carol"}) == (
        '{"path":["Alice","Bob","Carol"],"hops":2,"total_weight":null}'
    )


def test_langchain_tool_call_gives_a_tool_message_with_the_result_as_artifact(
    backend: NetworkxBackend,
) -> None:
    tool = langchain_tools(backend)[SUITE.index("count_nodes")]
    message = tool.invoke({"name": "count_nodes", "args": {}, "id": "call-1", "type": "tool_call"})
    assert isinstance(message, ToolMessage)
    assert message.tool_call_id == "call-1"
    assert json.loads(message.content) == {"count": 3}
    assert message.artifact == {"count": 3}


def test_langchain_tool_with_bad_arguments_returns_an_error_instead_of_raising(
    backend: NetworkxBackend,
) -> None:
    tool = langchain_tools(backend)[SUITE.index("degree")]
    missing = json.loads(tool.invoke({"direction": "out"}))
    assert missing == {"error": "invalid_argument", "message": "degree: node: Field required"}
    unknown = json.loads(tool.invoke({"node": "Zed"}))
    assert unknown["error"] == "node_not_found"


def test_langchain_tool_schema_is_the_args_model(backend: NetworkxBackend) -> None:
    tool = langchain_tools(backend)[SUITE.index("k_hop")]
    function = convert_to_openai_tool(tool)["function"]
    assert function["name"] == "k_hop"
    assert function["description"] == "Nodes within k hops of a node, with their distance."
    assert set(function["parameters"]["properties"]) == {"node", "k", "direction", "limit"}


def test_registry_docstring_examples_run() -> None:
    result = doctest.testmod(tools.registry)
    assert result.attempted >= 2
    assert result.failed == 0
