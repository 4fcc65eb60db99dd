"""Brute-force reference algorithms for tiny graphs, written independently of networkx's algorithms.

The property tests compare each backend with these, so they only read a graph's node list and edge list and
compute everything with plain loops: Floyd-Warshall distances, union-find components, exhaustive cuts,
matchings and Hamiltonian paths over bitmasks, shortest-path counts for betweenness, and PageRank by power
iteration in numpy. They are exponential where the problem is, and meant for graphs of at most ~12 nodes.
"""

from __future__ import annotations

import itertools
import math
from functools import cache
from typing import Any

import networkx as nx
import numpy as np

INF = math.inf


def arcs(G: nx.Graph, attr: str | None = None, default: float = 1) -> list[tuple[Any, Any, float]]:
    """Every traversable arc ``(u, v, value)``; undirected edges give both directions, self-loops once."""
    found = []
    for u, v, data in G.edges(data=True):
        value = default if attr is None else data.get(attr, default)
        found.append((u, v, value))
        if not G.is_directed() and u != v:
            found.append((v, u, value))
    return found


def undirected_neighbours(G: nx.Graph) -> dict[Any, set[Any]]:
    """Neighbour sets ignoring direction (self-loops included, as networkx includes them)."""
    nbrs: dict[Any, set[Any]] = {node: set() for node in G.nodes}
    for u, v in G.edges():
        nbrs[u].add(v)
        nbrs[v].add(u)
    return nbrs


def floyd_warshall(
    G: nx.Graph, weight: str | None = None, undirected: bool = False
) -> dict[Any, dict[Any, float]]:
    """All-pairs distances (``INF`` when unreachable) by the textbook triple loop; ``undirected`` ignores
    direction."""
    nodes = list(G.nodes)
    dist = {u: {v: (0 if u == v else INF) for v in nodes} for u in nodes}
    for u, v, w in arcs(G, weight):
        if u != v:
            dist[u][v] = min(dist[u][v], w)
            if undirected:
                dist[v][u] = min(dist[v][u], w)
    for k in nodes:
        for i in nodes:
            if dist[i][k] == INF:
                continue
            for j in nodes:
                if dist[i][k] + dist[k][j] < dist[i][j]:
                    dist[i][j] = dist[i][k] + dist[k][j]
    return dist


def union_find_components(G: nx.Graph) -> list[set[Any]]:
    """Weakly connected components by union-find over the edge list."""
    parent = {node: node for node in G.nodes}

    def root(x: Any) -> Any:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in G.edges():
        parent[root(u)] = root(v)
    groups: dict[Any, set[Any]] = {}
    for node in G.nodes:
        groups.setdefault(root(node), set()).add(node)
    return list(groups.values())


def strong_components(G: nx.Graph) -> list[set[Any]]:
    """Strongly connected components from mutual reachability in the distance matrix."""
    dist = floyd_warshall(G)
    left = set(G.nodes)
    parts = []
    while left:
        u = next(iter(left))
        part = {v for v in left if dist[u][v] < INF and dist[v][u] < INF}
        parts.append(part)
        left -= part
    return parts


def has_cycle(G: nx.Graph) -> bool:
    """Directed: some node reaches itself through at least one arc. Undirected: a self-loop or m > n - c."""
    if any(u == v for u, v in G.edges()):
        return True
    if G.is_directed():
        dist = floyd_warshall(G)
        return any(dist[v][u] < INF for u, v in G.edges())
    return G.number_of_edges() > G.number_of_nodes() - len(union_find_components(G))


def triangles(G: nx.Graph) -> set[frozenset[Any]]:
    """All triangles (direction and self-loops ignored) by enumerating node triples."""
    nbrs = undirected_neighbours(G)
    return {
        frozenset(triple)
        for triple in itertools.combinations(G.nodes, 3)
        if triple[1] in nbrs[triple[0]] and triple[2] in nbrs[triple[0]] and triple[2] in nbrs[triple[1]]
    }


def min_cut_value(G: nx.Graph, source: Any, sink: Any, capacity: str = "capacity") -> float:
    """Minimum over every node set containing ``source`` but not ``sink`` of the capacity leaving it."""
    others = [node for node in G.nodes if node not in (source, sink)]
    best = INF
    for size in range(len(others) + 1):
        for chosen in itertools.combinations(others, size):
            side = {source, *chosen}
            value = sum(c for u, v, c in arcs(G, capacity, INF) if u in side and v not in side)
            best = min(best, value)
    return best


def max_matching_size(G: nx.Graph) -> int:
    """Maximum matching size (direction and self-loops ignored) by memoised search over node subsets."""
    nodes = list(G.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    adj = [0] * len(nodes)
    for u, v in G.edges():
        if u != v:
            adj[index[u]] |= 1 << index[v]
            adj[index[v]] |= 1 << index[u]

    @cache
    def best(mask: int) -> int:
        if mask == 0:
            return 0
        i = (mask & -mask).bit_length() - 1
        rest = mask & ~(1 << i)
        result = best(rest)
        for j in range(len(nodes)):
            if rest >> j & 1 and adj[i] >> j & 1:
                result = max(result, 1 + best(rest & ~(1 << j)))
        return result

    return best((1 << len(nodes)) - 1)


def hamiltonian_path_exists(G: nx.Graph) -> bool:
    """Held-Karp style reachability over (visited set, end node); direction respected, self-loops ignored."""
    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return False
    index = {node: i for i, node in enumerate(nodes)}
    succ = [set() for _ in range(n)]
    for u, v, _ in arcs(G):
        if u != v:
            succ[index[u]].add(index[v])
    ends = {1 << i: {i} for i in range(n)}
    for mask in range(1, 1 << n):
        for v in ends.get(mask, set()):
            for w in succ[v]:
                if not mask >> w & 1:
                    ends.setdefault(mask | 1 << w, set()).add(w)
    return bool(ends.get((1 << n) - 1))


def count_pattern_maps(G: nx.Graph, pattern: list[tuple[Any, Any]], directed: bool) -> int:
    """Injective maps of the pattern's placeholders onto nodes that send every pattern edge to an edge."""
    holders = list(dict.fromkeys(p for edge in pattern for p in edge))
    edge_set = {(u, v) for u, v, _ in arcs(G)} if directed else {
        pair for u, v in G.edges() for pair in ((u, v), (v, u))
    }
    count = 0
    for image in itertools.permutations(G.nodes, len(holders)):
        where = dict(zip(holders, image, strict=True))
        if all((where[a], where[b]) in edge_set for a, b in pattern):
            count += 1
    return count


def closeness(G: nx.Graph, weight: str | None = None) -> dict[Any, float]:
    """Closeness with networkx's Wasserman-Faust scaling, from distances *to* each node."""
    dist = floyd_warshall(G, weight)
    n = G.number_of_nodes()
    scores = {}
    for u in G.nodes:
        reach = [dist[v][u] for v in G.nodes if v != u and dist[v][u] < INF]
        total = sum(reach)
        scores[u] = 0.0 if total == 0 or n <= 1 else (len(reach) / total) * (len(reach) / (n - 1))
    return scores


def betweenness(G: nx.Graph, weight: str | None = None) -> dict[Any, float]:
    """Normalised betweenness over ordered pairs, from shortest-path counts built up along predecessors."""
    nodes = list(G.nodes)
    dist = floyd_warshall(G, weight)
    arc_list = [(u, v, w) for u, v, w in arcs(G, weight) if u != v]
    sigma: dict[Any, dict[Any, float]] = {}
    for s in nodes:
        sigma[s] = {s: 1.0}
        for t in sorted((t for t in nodes if t != s and dist[s][t] < INF), key=lambda t: dist[s][t]):
            sigma[s][t] = sum(
                sigma[s].get(u, 0.0)
                for u, v, w in arc_list
                if v == t and math.isclose(dist[s][u] + w, dist[s][t])
            )
    n = len(nodes)
    scores = dict.fromkeys(nodes, 0.0)
    for s, t in itertools.permutations(nodes, 2):
        if dist[s][t] == INF:
            continue
        for v in nodes:
            if v not in (s, t) and math.isclose(dist[s][v] + dist[v][t], dist[s][t]):
                scores[v] += sigma[s][v] * sigma[v][t] / sigma[s][t]
    scale = 1 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {v: score * scale for v, score in scores.items()}


def pagerank(G: nx.Graph, weight: str | None = None, alpha: float = 0.85) -> dict[Any, float]:
    """PageRank by power iteration on a dense numpy matrix; dangling nodes spread their rank uniformly."""
    nodes = list(G.nodes)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    M = np.zeros((n, n))
    for u, v, w in arcs(G, weight):
        M[index[u], index[v]] += w
    out = M.sum(axis=1)
    rank = np.full(n, 1 / n)
    for _ in range(1000):
        spread = np.divide(M, out[:, None], out=np.zeros_like(M), where=out[:, None] > 0)
        dangling = rank[out == 0].sum()
        new = alpha * (rank @ spread + dangling / n) + (1 - alpha) / n
        if np.abs(new - rank).sum() < 1e-12:
            rank = new
            break
        rank = new
    return {node: float(rank[index[node]]) for node in nodes}
