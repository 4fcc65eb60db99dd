"""Property tests: every ``NetworkxBackend`` operation agrees with an independent brute-force reference.

Hypothesis draws small graphs of every family (``tests/strategies.py``) and each test runs one reusable check
from ``tests/backend_checks.py``; the Neo4j backend's tests run the same checks on the Bolt server.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings

from graphs.networkx_backend import NetworkxBackend
from tests import backend_checks as checks
from tests.strategies import any_graphs, flow_networks, graphs

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("check", checks.ALL_CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
def test_backend_agrees_with_brute_force_reference(
    check: Callable[[NetworkxBackend, nx.Graph], None],
) -> None:
    @SETTINGS
    @given(any_graphs())
    def run(G: nx.Graph) -> None:
        check(NetworkxBackend(G), G)

    run()


@SETTINGS
@given(graphs(max_nodes=8, self_loops=False))
def test_hamiltonian_path_on_graphs_without_self_loops(G: nx.Graph) -> None:
    checks.check_hamiltonian_path(NetworkxBackend(G), G)


@SETTINGS
@given(flow_networks())
def test_max_flow_equals_min_cut_equals_exhaustive_cut(G: nx.Graph) -> None:
    checks.check_flow_and_cut(NetworkxBackend(G), G)
