"""Failure paths of ``graphs.neo4j_backend`` against the real Bolt server: a query past the time limit becomes
``QueryTimeout``, and a server that is unreachable or dies mid-run becomes ``BackendUnavailable`` (never a raw
driver exception). The server is killed at the end, so this module has its own."""

from __future__ import annotations

import pytest

from benchmarks.bolt_server import load_nx_graph
from graphs.errors import BackendUnavailable, QueryTimeout
from graphs.neo4j_backend import Neo4jBackend

pytestmark = pytest.mark.bolt

BOLT_TIMEOUT_MS = 500
"""FalkorDB ignores per-query Bolt timeouts, so the test server gets this server-wide limit."""

SLOW_QUERY = (
    "UNWIND range(1, 4000) AS x UNWIND range(1, 4000) AS y WITH x WHERE (x * y) % 7 = 0 RETURN count(x) AS c"
)


def test_unreachable_server_raises_backend_unavailable():
    with pytest.raises(BackendUnavailable, match="unreachable"):
        Neo4jBackend.connect(uri="bolt://127.0.0.1:1", user="neo4j", password="x", timeout_s=2)


def test_missing_uri_raises_backend_unavailable(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(BackendUnavailable, match="NEO4J_URI"):
        Neo4jBackend.connect()


def test_query_past_the_time_limit_raises_query_timeout(bolt_driver):
    import networkx as nx

    load_nx_graph(bolt_driver, nx.path_graph(3))
    backend = Neo4jBackend.connect(driver=bolt_driver, timeout_s=BOLT_TIMEOUT_MS / 1000)
    with pytest.raises(QueryTimeout):
        backend.run_cypher(SLOW_QUERY)
    assert backend.count_nodes() == 3


def test_server_dying_mid_run_raises_backend_unavailable(bolt):
    server, driver = bolt
    backend = Neo4jBackend.connect(driver=driver)
    assert backend.count_nodes() == 3
    server.stop()
    with pytest.raises(BackendUnavailable):
        backend.count_nodes()
    with pytest.raises(BackendUnavailable):
        backend.neighbors(0)
    backend.close()
    with pytest.raises(BackendUnavailable, match="closed"):
        backend.count_edges()
