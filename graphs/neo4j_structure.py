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
"""``find_cycle`` searches cycles of at most this many relationships."""


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
    """Structure operations; the host class provides ``_run``, ``_fmt``, ``_lookup``, ``_names``, ``_bfs``,
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
            names = self._names(handles)
            return [names[h] for h in handles]
        if self.schema.nodes > CYCLE_BOUND:
            raise not_here(f"find_cycle beyond {CYCLE_BOUND} relationships (no shorter cycle exists)")
        return None

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
            values = {row["h"]: row["value"] for row in self._run(q.NODE_VALUES.format(key=key), hs=handles)}
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
            rows = self._run(self._fmt(self._dialect_query("pagerank", "pagerank")), cap=self.row_limit)
            scored = [{"id": row["v"], "score": float(row["score"])} for row in rows]
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

