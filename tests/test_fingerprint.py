"""Tests for ``graphs.fingerprint``: content hashes ignore build order but see every change of content."""

from __future__ import annotations

import random

import networkx as nx
from hypothesis import given, settings

from graphs.fingerprint import fingerprint_nx
from graphs.networkx_backend import NetworkxBackend
from tests.strategies import graphs


def _rebuilt_in_random_order(G: nx.Graph, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    nodes = list(G.nodes(data=True))
    edges = list(G.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    H = G.__class__()
    H.add_nodes_from((node, dict(reversed(list(data.items())))) for node, data in nodes)
    for u, v, data in edges:
        if not G.is_directed() and rng.random() < 0.5:
            u, v = v, u
        H.add_edge(u, v, **dict(reversed(list(data.items()))))
    return H


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_fingerprint_ignores_insertion_order_and_attribute_order(G: nx.Graph) -> None:
    assert fingerprint_nx(_rebuilt_in_random_order(G, 1)) == fingerprint_nx(G)


def test_fingerprint_is_a_sha256_hex_digest_stable_across_processes() -> None:
    G = nx.DiGraph([(1, "b", {"weight": 2.5})])
    G.nodes[1]["labels"] = ["Person"]
    assert fingerprint_nx(G) == "44c20357d68f86f160a4cd8c9622237e66ded7420bd1156b394fc9c64637715a"


def test_fingerprint_distinguishes_directedness() -> None:
    assert fingerprint_nx(nx.Graph([(1, 2)])) != fingerprint_nx(nx.DiGraph([(1, 2)]))


def test_fingerprint_distinguishes_int_and_str_node_ids() -> None:
    assert fingerprint_nx(nx.Graph([(1, 2)])) != fingerprint_nx(nx.Graph([("1", 2)]))


def test_fingerprint_changes_with_node_and_edge_attributes_and_isolated_nodes() -> None:
    base = nx.Graph([(1, 2, {"weight": 1})])
    seen = {fingerprint_nx(base)}
    node_attr = base.copy()
    node_attr.nodes[1]["name"] = "one"
    edge_attr = base.copy()
    edge_attr.edges[1, 2]["weight"] = 2
    int_vs_float = base.copy()
    int_vs_float.edges[1, 2]["weight"] = 1.0
    isolated = base.copy()
    isolated.add_node(3)
    for changed in (node_attr, edge_attr, int_vs_float, isolated):
        digest = fingerprint_nx(changed)
        assert digest not in seen
        seen.add(digest)


def test_fingerprint_distinguishes_edge_direction_on_directed_graphs() -> None:
    assert fingerprint_nx(nx.DiGraph([(1, 2)])) != fingerprint_nx(nx.DiGraph([(2, 1)]))


def test_backend_fingerprint_is_cached_until_invalidate() -> None:
    G = nx.Graph([(1, 2)])
    backend = NetworkxBackend(G)
    first = backend.fingerprint()
    G.add_edge(2, 3)
    G.edges[1, 2]["weight"] = 5
    assert backend.fingerprint() == first
    backend.invalidate()
    assert backend.fingerprint() == fingerprint_nx(G) != first
