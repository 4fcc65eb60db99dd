"""The read-only guard end to end: every adversarial query sent through ``Neo4jBackend.run_cypher`` to the real
Bolt server is refused and leaves the stored graph identical; legitimate reads return the right rows."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from benchmarks.bolt_server import load_nx_graph, snapshot
from graphs.errors import ReadOnlyViolation
from graphs.neo4j_backend import Neo4jBackend
from tests.test_cypher_guard import adversarial_queries

pytestmark = pytest.mark.bolt


@pytest.fixture(scope="module")
def backend(bolt_driver):
    G = nx.DiGraph()
    G.add_edge("alice", "bob", type="KNOWS", weight=2.0)
    G.add_edge("bob", "carol", type="KNOWS", weight=1.0)
    G.add_node("CREATE", labels=["Word"])
    load_nx_graph(bolt_driver, G)
    backend = Neo4jBackend.connect(driver=bolt_driver)
    yield backend
    backend.close()


def test_adversarial_queries_are_refused_and_change_nothing(backend, bolt_driver):
    before = snapshot(bolt_driver)
    refused = 0
    for query in adversarial_queries():
        with pytest.raises(ReadOnlyViolation):
            backend.run_cypher(query)
        refused += 1
    assert refused >= 50
    assert snapshot(bolt_driver) == before


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ("MATCH (n:Node) RETURN count(n) AS c", [{"c": 3}]),
        ("MATCH (n) WHERE n.name = 'CREATE' RETURN labels(n) AS l", [{"l": ["Word"]}]),
        ("MATCH (a)-[r:KNOWS]->(b) RETURN a.name AS a, b.name AS b ORDER BY a", [
            {"a": "alice", "b": "bob"}, {"a": "bob", "b": "carol"}]),
        ("CALL db.labels() YIELD label RETURN label ORDER BY label", [{"label": "Node"}, {"label": "Word"}]),
        ("MATCH (n) // DELETE in a comment\nRETURN count(n) AS c", [{"c": 4}]),
        ("RETURN 'DETACH DELETE n; CREATE' AS text", [{"text": "DETACH DELETE n; CREATE"}]),
        ("WITH 1 AS x RETURN x + 1 AS y;", [{"y": 2}]),
    ],
)
def test_read_queries_return_the_expected_rows(backend, query, rows):
    result = backend.run_cypher(query)
    assert result["items"] == rows and result["count"] == len(rows) and not result["truncated"]


def test_rows_are_json_serializable_and_capped(backend):
    result = backend.run_cypher("MATCH p = (a)-[r]->(b) RETURN a, r, p ORDER BY a.name", limit=1)
    assert result["count"] == 2 and result["truncated"] and len(result["items"]) == 1
    row = json.loads(json.dumps(result["items"][0]))
    assert row["a"]["properties"]["name"] == "alice"


def test_parameters_travel_as_values(backend):
    """A quote in a value is data, not Cypher (FalkorDB splices parameters; the backend escapes them)."""
    result = backend.run_cypher("MATCH (n) WHERE n.name = $who RETURN n.name AS name",
                                params={"who": "x' OR 1=1 //"})
    assert result["count"] == 0


@pytest.mark.parametrize("value", ["it's", "x' RETURN 1 AS w UNION CREATE (:Hacked) RETURN 2 AS w //",
                                   "\\' CREATE (:Hacked) //", "a\\b", "tab\there"])
def test_string_parameters_cannot_inject_cypher(backend, bolt_driver, value):
    before = snapshot(bolt_driver)
    result = backend.run_cypher("RETURN $v AS v, [$v] AS l, {k: $v} AS m", params={"v": value})
    assert result["items"] == [{"v": value, "l": [value], "m": {"k": value}}]
    assert snapshot(bolt_driver) == before


def test_node_names_with_quotes_resolve(backend, bolt_driver):
    bolt_driver.execute_query("CREATE (:Node {name: $n})", n="O\\'Brien")
    backend.refresh()
    assert backend.resolve_node("o'brien") == "O'Brien"
