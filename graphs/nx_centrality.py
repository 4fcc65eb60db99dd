"""Node centrality on networkx graphs: degree, betweenness, closeness and PageRank, top-k.

Scores use networkx's normalisation so the numbers agree with the literature and with networkx users'
expectations. Betweenness and closeness solve all-pairs shortest paths, so they refuse graphs whose
``nodes * (nodes + edges)`` exceeds a work budget (``TooLarge``) instead of running for hours.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphs.backend import CentralityMeasure
from graphs.errors import InvalidArgument, TooLarge
from graphs.node_match import node_sort_key
from graphs.nx_attrs import scan_edge_attr

ALL_PAIRS_BUDGET = 50_000_000
DIGITS = 9
"""Scores are rounded to this many decimals, so equal scores that differ by float noise tie exactly."""
MEASURES = ("degree", "betweenness", "closeness", "pagerank")


def centrality(
    G: nx.Graph, measure: CentralityMeasure, k: int = 10, weight: str | None = None
) -> list[dict[str, Any]]:
    """Top-``k`` nodes ``{"id", "score"}`` by ``measure``, highest first, ties by id string; scores rounded to
    ``DIGITS`` decimals.

    ``weight`` is a distance for betweenness and closeness, a strength for PageRank, and unused by degree
    centrality (networkx's ``degree_centrality`` counts edges).

    >>> centrality(nx.star_graph(3), "degree", k=1)
    [{'id': 0, 'score': 1.0}]
    """
    if measure not in MEASURES:
        raise InvalidArgument(f"measure must be one of {list(MEASURES)}, not {measure!r}.")
    if k < 1:
        raise InvalidArgument(f"k must be at least 1, not {k}.")
    if weight is not None and measure != "degree" and scan_edge_attr(G, weight, "weight").negative:
        raise InvalidArgument(f"Weight {weight!r} has negative values; {measure} needs non-negative ones.")
    n, m = G.number_of_nodes(), G.number_of_edges()
    if measure in ("betweenness", "closeness") and n * (n + m) > ALL_PAIRS_BUDGET:
        raise TooLarge(
            f"{measure} centrality needs all-pairs shortest paths, too slow for {n} nodes and {m} edges; "
            "try degree or pagerank.",
            nodes=n,
            edges=m,
        )
    if measure == "degree":
        scores = nx.degree_centrality(G)
    elif measure == "betweenness":
        scores = nx.betweenness_centrality(G, weight=weight)
    elif measure == "closeness":
        scores = nx.closeness_centrality(G, distance=weight)
    else:
        scores = nx.pagerank(G, weight=weight, tol=1e-12, max_iter=10_000) if n else {}
    rounded = {node: round(float(score), DIGITS) for node, score in scores.items()}
    ranked = sorted(rounded.items(), key=lambda item: (-item[1], node_sort_key(item[0])))
    return [{"id": node, "score": score} for node, score in ranked[:k]]
