"""Structural operations of the Neo4j backend (components, cycles, triangles, centrality, similarity), as a
mixin over ``Neo4jBackend``'s query runner, so that the backend module stays about connection, identity and
neighbourhoods. Everything is computed by Cypher in the database; see ``graphs.neo4j_queries``.
"""

from __future__ import annotations

from typing import Any

from graphs import neo4j_queries as q
from graphs.backend import ComponentKind, Listing, NodeId, NodeRef, make_listing
from graphs.errors import InvalidArgument, Unsupported

CYCLE_BOUND = 8
"""``find_cycle`` first searches cycles of at most this many relationships in one query."""


def not_here(operation: str) -> Unsupported:
    """The ``Unsupported`` error for an operation that has no reasonable Cypher form."""
    return Unsupported(
        f"{operation} is not available on the Neo4j backend; load the graph into networkx (graph-agent load) "
        "to run it exactly.", operation=operation,
    )


def _simple_cycle(edges: list[list[int]]) -> list[int]:
    """A simple cycle (first node not repeated) from the relationships of a closed walk, whatever order the
    server lists them in (FalkorDB lists variable-length paths back to front)."""
    if len(edges) == 1:
        return [edges[0][0]]
    pairs = [tuple(e) for e in edges]
    oriented = all(pairs[i][1] in pairs[i + 1] for i in range(len(pairs) - 1))
    pairs = pairs if oriented else pairs[::-1]
    walk = [pairs[0][0] if pairs[0][1] in pairs[1] else pairs[0][1]]
    for pair in pairs:
        walk.append(pair[1] if pair[0] == walk[-1] else pair[0])
    first_seen: dict[int, int] = {}
    for index, handle in enumerate(walk):
        if handle in first_seen:
            return walk[first_seen[handle] : index]
        first_seen[handle] = index
    return walk[:-1]


class Neo4jStructureMixin:
    """Structure operations (and ``_expand``, the one-step search that ``_bfs`` runs per level); the host class
    provides ``_run``, ``_run_over``, ``_fmt``, ``_lookup``, ``_names``, ``_bfs``,
    ``_dialect_query``, ``schema``, ``directed`` and ``row_limit``."""

    # --- structure -------------------------------------------------------------------------------------
    def components(self, kind: ComponentKind = "weak", limit: int = 20) -> dict[str, Any]:
        if self.directed and kind == "strong":
            raise not_here("components(kind='strong')")
        rows = self._run(self._dialect_query("wcc", "components"))
        largest = self._run(self._fmt(self._dialect_query("wcc_members", "components")), c=rows[0]["c"],
                            cap=self.row_limit) if rows else []
        members = sorted((row["v"] for row in largest), key=str)
        return {"kind": kind if self.directed else "connected", "count": len(rows),
                "sizes": [row["size"] for row in rows][:limit],
                "largest": make_listing(members, limit, count=rows[0]["size"] if rows else 0)}

    def component_of(self, node: NodeRef, kind: ComponentKind = "weak", limit: int = 20) -> Listing:
        handle, _ = self._lookup(node)
        if self.directed and kind == "strong":
            members = set(self._bfs(handle, "out")) & set(self._bfs(handle, "in"))
        else:
            members = set(self._bfs(handle, "both"))
        names = self._names(sorted(members))
        return make_listing(sorted(names.values(), key=str), limit)

    def find_cycle(self) -> list[NodeId] | None:
        text = q.CYCLE_DIRECTED if self.directed else q.CYCLE_UNDIRECTED
        rows = self._run(text.replace("{bound}", str(CYCLE_BOUND)))
        if rows:
            handles = _simple_cycle(rows[0]["edges"])
        else:
            handles = self._long_cycle()
            if handles is None:
                return None
        names = self._names(handles)
        return [names[h] for h in handles]

    def _expand(self, frontier: list[int], direction: str) -> set[tuple[int, int]]:
        """Distinct ``(frontier node, neighbour)`` handle pairs one step away, refusing a cut-off answer."""
        texts = [t for side, t in (("out", q.EXPAND_OUT), ("in", q.EXPAND_IN)) if direction in (side, "both")]
        pairs: set[tuple[int, int]] = set()
        for text in texts:
            rows = self._run_over(text, "frontier", frontier, cap=self.row_limit + 1)
            if len(rows) > self.row_limit:
                raise InvalidArgument(f"One search step reached more than row_limit={self.row_limit} "
                                      "relationships; raise row_limit or load the graph into networkx.")
            pairs.update((row["src"], row["dst"]) for row in rows)
        return pairs

    def _long_cycle(self) -> list[int] | None:
        """No short cycle exists: peel the graph level by level in the database (directed: nodes without
        in-neighbours, as in Kahn's algorithm; undirected: nodes with at most one neighbour). Nothing left
        means acyclic. Otherwise every node left has an in-neighbour (a second neighbour) left, so walking
        along those from any of them must close a cycle."""
        if self.schema.nodes > self.row_limit:
            raise not_here(f"find_cycle on more than row_limit={self.row_limit} nodes with no cycle of at most "
                           f"{CYCLE_BOUND} relationships")
        text, floor = (q.IN_DEGREES, 0) if self.directed else (q.SIMPLE_DEGREES, 1)
        degree = {row["h"]: row["c"] for row in self._run(text, cap=self.row_limit + 1)}
        frontier = sorted(h for h, d in degree.items() if d <= floor)
        removed = set(frontier)
        while frontier:
            nxt = []
            for _, other in sorted(self._expand(frontier, "out" if self.directed else "both")):
                if other in removed:
                    continue
                degree[other] -= 1
                if degree[other] <= floor:
                    removed.add(other)
                    nxt.append(other)
            frontier = nxt
        left = set(degree) - removed
        if not left:
            return None
        walk, prev = [min(left)], None
        while True:
            cur = walk[-1]
            nbrs = self._expand([cur], "in" if self.directed else "both")
            # undirected: never step straight back or around a self-loop, so the cycle has >= 3 nodes
            step = sorted(o for _, o in nbrs if o in left and (self.directed or o not in (prev, cur)))
            walk.append(step[0])
            prev = cur
            if walk[-1] in walk[:-1]:
                cycle = walk[walk.index(walk[-1]) : -1]
                return cycle[::-1] if self.directed else cycle

    def triangles(self, node: NodeRef | None = None, rank_by: str | None = None,
                  limit: int = 20) -> dict[str, Any]:
        through, params = "", {}
        if node is not None:
            through, params = q.TRIANGLES_THROUGH, {"h": self._lookup(node)[0]}
        rows = self._run(q.TRIANGLES.format(through=through), cap=self.row_limit, **params)
        handles = sorted({h for row in rows for h in (row["a"], row["b"], row["c"])})
        names = self._names(handles)
        tris = [sorted((names[row["a"]], names[row["b"]], names[row["c"]]), key=str) for row in rows]
        result: dict[str, Any] = {"count": len(tris)}
        if rank_by is not None:
            key = q.quote(self.schema.check_property(rank_by))
            values = {row["h"]: row["value"] for row in self._run_over(q.NODE_VALUES.format(key=key), "hs", handles)}
            by_name = {names[h]: v if isinstance(v, (int, float)) else 0 for h, v in values.items()}
            tris.sort(key=lambda t: (-sum(by_name[n] for n in t), [str(n) for n in t]))
            if tris:
                result["heaviest"] = {"nodes": tris[0], "total": sum(by_name[n] for n in tris[0])}
        else:
            tris.sort(key=lambda t: [str(n) for n in t])
        result["triangles"] = make_listing(tris, limit)
        return result

    def centrality(self, measure: str, k: int = 10, weight: str | None = None) -> list[dict[str, Any]]:
        if measure == "degree":
            n = self.schema.nodes
            rows = self._run(self._fmt(q.DEGREES), cap=self.row_limit)
            scored = [{"id": row["v"], "score": row["d"] / (n - 1) if n > 1 else 0.0} for row in rows]
        elif measure == "pagerank":
            # The server's PageRank (FalkorDB's algo.pageRank) follows stored relationship directions and has
            # no weight option: on an undirected view, or with a weight, it would silently answer another
            # question.
            if not self.directed:
                raise not_here("pagerank on an undirected graph")
            if weight is not None:
                raise not_here("weighted pagerank")
            rows = self._run(self._fmt(self._dialect_query("pagerank", "pagerank")), cap=self.row_limit)
            # It computes in single precision: keep 6 significant digits, so that equal ranks tie exactly and
            # ties order by id as documented.
            scored = [{"id": row["v"], "score": float(f"{row['score']:.6g}")} for row in rows]
        elif measure in ("betweenness", "closeness"):
            raise not_here(f"{measure} centrality")
        else:
            raise InvalidArgument(f"Unknown centrality measure {measure!r}; use degree or pagerank here.")
        return sorted(scored, key=lambda item: (-item["score"], str(item["id"])))[:k]

    def similarity(self, a: NodeRef, b: NodeRef, limit: int = 20) -> dict[str, Any]:
        (ha, _), (hb, _) = self._lookup(a), self._lookup(b)
        na = {row["h"] for row in self._run(q.NEIGHBOUR_IDS, h=ha, cap=self.row_limit)}
        nb = {row["h"] for row in self._run(q.NEIGHBOUR_IDS, h=hb, cap=self.row_limit)}
        common, union = na & nb, na | nb
        names = self._names(sorted(common))
        return {"common": make_listing(sorted(names.values(), key=str), limit),
                "jaccard": len(common) / len(union) if union else 0.0, "union_size": len(union)}

