"""Shared pytest fixtures: the real Bolt test server (FalkorDB), one per test module, with one open driver.

FalkorDB stops accepting new Bolt connections once a client disconnects, so the server and its driver are
module-scoped; tests must share ``bolt_driver`` (inject it with ``Neo4jBackend.connect(driver=...)``) and
never open a second driver. See ``benchmarks/bolt_server.py`` for the other quirks.
"""

from __future__ import annotations

from collections.abc import Iterator

import neo4j
import pytest

from agent.engines import make_engine
from agent.engines.base import Engine
from benchmarks.bolt_server import BoltServer, running_server


@pytest.fixture(scope="module")
def bolt(request: pytest.FixtureRequest) -> Iterator[tuple[BoltServer, neo4j.Driver]]:
    """A fresh FalkorDB Bolt server for this module and its one driver. A module may set
    ``BOLT_TIMEOUT_MS`` to give the server a query timeout."""
    timeout_ms = getattr(request.module, "BOLT_TIMEOUT_MS", None)
    with running_server(timeout_ms) as pair:
        yield pair


@pytest.fixture(scope="module")
def bolt_driver(bolt: tuple[BoltServer, neo4j.Driver]) -> neo4j.Driver:
    """The module's one driver, connected to 127.0.0.1."""
    return bolt[1]


@pytest.fixture(scope="module")
def llama() -> Iterator[Engine]:
    """The llama.cpp engine on the default base model without adapter (the untuned baseline), one per module."""
    pytest.importorskip("llama_cpp")
    engine = make_engine("llamacpp", adapter="none")
    yield engine
    engine.close()
