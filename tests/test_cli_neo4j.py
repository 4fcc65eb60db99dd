"""`graph-agent tools call --neo4j` end to end against the real Bolt test server, credentials from NEO4J_*.

FalkorDB accepts no new Bolt connection once a client has disconnected, and the CLI opens and closes its own
driver, so this module makes exactly one CLI call against its own server.
"""

from __future__ import annotations

import json

import neo4j
import networkx as nx
import pytest

from benchmarks.bolt_server import BoltServer, load_nx_graph
from tui.cli import main


def test_tools_call_on_neo4j_reads_the_connection_from_the_environment(
    bolt: tuple[BoltServer, neo4j.Driver],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, driver = bolt
    graph = nx.DiGraph()
    graph.add_node("Ada", labels=["Person"])
    graph.add_node("Acme", labels=["Company"])
    graph.add_node("Bob", labels=["Person"])
    graph.add_edge("Ada", "Acme", type="WORKS_AT")
    graph.add_edge("Bob", "Acme", type="WORKS_AT")
    graph.add_edge("Ada", "Bob", type="KNOWS")
    load_nx_graph(driver, graph)
    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_USERNAME", "falkordb")
    monkeypatch.setenv("NEO4J_PASSWORD", "")
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(tmp_path))

    args = json.dumps({"node": "acme", "direction": "in", "rel_type": "WORKS_AT"})
    code = main(["tools", "call", "neighbors", "--neo4j", "--args", args])

    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert [item["id"] for item in result["items"]] == ["Ada", "Bob"]
    assert {item["rel_type"] for item in result["items"]} == {"WORKS_AT"}
