"""``Neo4jBackend``: the ``GraphBackend`` over a user's Neo4j database (or any Bolt server such as FalkorDB).

Every operation computes in the database with parameterized Cypher (texts in ``graphs.neo4j_queries``),
under a server-side timeout and a row limit; the graph is never pulled into Python. Breadth-first operations
(k-hop, paths, components of one node) run one bounded ``MATCH`` per BFS level, which is exact, works on both
dialects (FalkorDB rejects undirected ``shortestPath``) and never enumerates paths. Operations with no
reasonable Cypher form raise ``Unsupported`` telling the user to load the graph into networkx. Node ids in
results are the values of the discovered (or given) name property.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import os
import time
from typing import Any

import neo4j
from neo4j import exceptions as nex

from graphs import neo4j_queries as q
from graphs.backend import Direction, Listing, NodeId, NodeRef, make_listing
from graphs.cypher_guard import check_read_only
from graphs.errors import (
    AmbiguousNode,
    BackendUnavailable,
    GraphError,
    InvalidArgument,
    NodeNotFound,
    NoPath,
    QueryTimeout,
)
from graphs.neo4j_cypher_rows import escape_falkordb_params, to_jsonable
from graphs.neo4j_schema import Schema, introspect
from graphs.neo4j_structure import Neo4jStructureMixin, not_here

CANDIDATE_CAP = 5000
FALKORDB_LIST_SLICE = 250
"""Ids per query on FalkorDB, whose Bolt server aborts once parameters pass about 4 KB (see ``_run_over``)."""
"""At most this many names are fetched for fuzzy matching."""


class Neo4jBackend(Neo4jStructureMixin):
    """A read-only view of a Neo4j (or FalkorDB) database; see the module docstring."""

    kind = "neo4j"
    read_only = True

    def __init__(self, driver: neo4j.Driver, *, owns_driver: bool, name: str, database: str | None,
                 name_property: str | None, directed: bool, timeout_s: float, row_limit: int) -> None:
        self._driver, self._owns_driver, self._database = driver, owns_driver, database
        self.name, self._directed, self.timeout_s, self.row_limit = name, directed, timeout_s, row_limit
        self._name_override, self._epoch, self._closed = name_property, 0, False
        self.dialect = "neo4j"
        self.dialect = self._detect_dialect()
        self.schema: Schema = introspect(self._run, name_property)

    @classmethod
    def connect(cls, uri: str | None = None, user: str | None = None, password: str | None = None,
                database: str | None = None, name_property: str | None = None, directed: bool = True,
                timeout_s: float = 10.0, row_limit: int = 10_000, driver: neo4j.Driver | None = None,
                ) -> Neo4jBackend:
        """Connect (arguments default to ``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
        ``NEO4J_DATABASE``) and introspect the schema. ``driver=`` injects an open driver, which ``close()``
        then leaves open. Unreachable server or bad credentials raise ``BackendUnavailable``."""
        uri = uri or os.environ.get("NEO4J_URI")
        database = database or os.environ.get("NEO4J_DATABASE") or None
        owns = driver is None
        if driver is None:
            if not uri:
                raise BackendUnavailable("No Neo4j URI given: pass uri= or set NEO4J_URI.")
            auth = (user or os.environ.get("NEO4J_USERNAME", "neo4j"),
                    password or os.environ.get("NEO4J_PASSWORD", ""))
            try:
                driver = neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout_s)
            except (ValueError, nex.ConfigurationError) as exc:
                raise BackendUnavailable(f"Invalid Neo4j URI {uri!r}: {exc}", uri=uri) from exc
        label = f"{uri or 'neo4j'}/{database or 'default'}"
        try:
            return cls(driver, owns_driver=owns, name=label, database=database, name_property=name_property,
                       directed=directed, timeout_s=timeout_s, row_limit=row_limit)
        except BaseException:
            if owns:
                driver.close()
            raise

    @property
    def directed(self) -> bool:
        return self._directed

    # --- running queries ---------------------------------------------------------------------------------
    def _translate(self, exc: Exception, elapsed: float) -> GraphError:
        code = getattr(exc, "code", "") or ""
        if isinstance(exc, nex.AuthError):
            return BackendUnavailable(f"Neo4j refused the credentials: {exc.message}", database=self.name)
        if isinstance(exc, (nex.ServiceUnavailable, nex.SessionExpired, nex.DriverError, OSError)):
            return BackendUnavailable(f"Neo4j database {self.name} is unreachable: {exc}", database=self.name)
        if "TimedOut" in code or (self.dialect == "falkordb" and elapsed >= 0.9 * self.timeout_s):
            return QueryTimeout(f"The query ran past the {self.timeout_s:g} s limit.",
                                timeout_s=self.timeout_s)
        message = getattr(exc, "message", None) or str(exc)
        return InvalidArgument(f"The database rejected the query: {message}", code=code)

    def _run(self, text: str, max_rows: int | None = None, **params: Any) -> list[dict[str, Any]]:
        if self._closed:
            raise BackendUnavailable("This Neo4j backend is closed.")
        if self.dialect == "falkordb":
            params = escape_falkordb_params(params)
        start = time.monotonic()
        try:
            session = self._driver.session(database=self._database, default_access_mode=neo4j.READ_ACCESS)
            with session, session.begin_transaction(timeout=self.timeout_s) as tx:
                result = tx.run(text, params)
                return [dict(record.items()) for record in itertools.islice(result, max_rows)]
        except (nex.Neo4jError, nex.DriverError, OSError) as exc:
            raise self._translate(exc, time.monotonic() - start) from exc

    def _run_over(self, text: str, list_param: str, items: list[Any], **params: Any) -> list[dict[str, Any]]:
        """``_run`` once per slice of the list parameter ``list_param``, concatenating the rows.

        FalkorDB's Bolt server aborts once a query's parameters pass about 4 KB (500 ints pass, 600 crash), so on
        that dialect long id lists travel in slices; Neo4j takes the whole list at once.
        """
        size = FALKORDB_LIST_SLICE if self.dialect == "falkordb" else max(len(items), 1)
        rows: list[dict[str, Any]] = []
        for start in range(0, len(items), size):
            rows.extend(self._run(text, **{list_param: items[start : start + size]}, **params))
        return rows

    def _detect_dialect(self) -> str:
        try:
            self._run(q.DETECT_NEO4J)
        except InvalidArgument:
            return "falkordb"
        return "neo4j"

    def _dialect_query(self, key: str, operation: str) -> str:
        text = q.DIALECTS[self.dialect].get(key, "")
        if not text:
            raise not_here(f"{operation} on {self.dialect}")
        return text

    def _fmt(self, text: str, **slots: str) -> str:
        return text.format(name=q.quote(self._name_key()), **slots)

    def _name_key(self) -> str:
        if self.schema.name_property is None:
            raise InvalidArgument("No property names the nodes; pass name_property= to choose one.")
        return self.schema.name_property

    # --- identity, schema, lookup ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the schema and bump the epoch, so fingerprints (cache keys) change."""
        self._epoch += 1
        self.schema = introspect(self._run, self._name_override)

    def summary(self, samples: int = 3) -> dict[str, Any]:
        s = self.schema
        sample_names = {}
        for label in sorted(s.labels) if s.name_property else []:
            text = self._fmt(q.SAMPLE_NAMES, label=":" + q.quote(label))
            sample_names[label] = [row["v"] for row in self._run(text, k=samples)] if samples else []
        return {"backend": self.kind, "name": self.name, "directed": self.directed, "nodes": s.nodes,
                "edges": s.edges, "weighted": "weight" in s.edge_properties,
                "labels": dict(sorted(s.labels.items())),
                "relationship_types": dict(sorted(s.rel_types.items())),
                "node_properties": s.node_properties, "edge_properties": s.edge_properties,
                "name_property": s.name_property, "samples": sample_names}

    def fingerprint(self) -> str:
        s = self.schema
        payload = [self.name, self.dialect, self.directed, s.labels, s.rel_types, s.property_keys, s.nodes,
                   s.edges, s.name_property, self._epoch]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def _lookup(self, ref: NodeRef) -> tuple[int, NodeId]:
        if not isinstance(ref, (int, str)) or isinstance(ref, bool):
            raise InvalidArgument(f"A node reference must be an int or a string, not {ref!r}.", node=ref)
        values: list[Any] = [ref]
        if isinstance(ref, str) and ref.strip().lstrip("-").isdigit():
            values.append(int(ref))
        elif isinstance(ref, int):
            values.append(str(ref))
        rows = self._run(self._fmt(q.EXACT), values=values, cap=20)
        if not rows:
            rows = self._run(self._fmt(q.CASELESS), value=str(ref).lower(), cap=20)
        if len(rows) == 1:
            return rows[0]["h"], rows[0]["v"]
        if len(rows) > 1:
            exact = [row for row in rows if row["v"] == ref]
            if len(exact) == 1:
                return exact[0]["h"], exact[0]["v"]
            raise AmbiguousNode(ref, sorted({row["v"] for row in rows}, key=str))
        rows = self._run(self._fmt(q.CANDIDATE_NAMES), cap=CANDIDATE_CAP)
        candidates = {str(row["v"]): row["v"] for row in rows}
        close = difflib.get_close_matches(str(ref), list(candidates), n=5, cutoff=0.6)
        raise NodeNotFound(ref, [candidates[c] for c in close])

    def resolve_node(self, ref: NodeRef) -> NodeId:
        return self._lookup(ref)[1]

    def find_nodes(self, query: str | None = None, label: str | None = None, prop: str | None = None,
                   value: Any = None, limit: int = 20) -> Listing:
        label_pat = self.schema.label_pattern(label)
        if prop is not None:
            key = q.quote(self.schema.check_property(prop))
            text = q.FILTER_EXISTS if value is None else q.FILTER
            rows = self._run(self._fmt(text, label=label_pat, key=key), value=value, cap=self.row_limit)
        else:
            text = self._fmt(q.SUBSTRING, label=label_pat)
            rows = self._run(text, value=(query or "").lower(), cap=self.row_limit)
        items = []
        for row in rows:
            text_value = str(row["v"])
            if query is not None and prop is not None and query.lower() not in text_value.lower():
                continue
            exact = query is not None and text_value.lower() == query.lower()
            match = "filter" if query is None else ("exact" if exact else "substring")
            items.append({"id": row["v"], "labels": sorted(row["labels"]), "match": match})
        if query is not None and not items and prop is None:
            items = self._fuzzy(query, label_pat)
        items.sort(key=lambda item: (item["match"] != "exact", item["match"] != "substring", str(item["id"])))
        return make_listing(items, limit)

    def _fuzzy(self, query: str, label_pat: str) -> list[dict[str, Any]]:
        rows = self._run(self._fmt(q.SUBSTRING, label=label_pat), value="", cap=CANDIDATE_CAP)
        by_text = {str(row["v"]): row for row in rows}
        close = difflib.get_close_matches(query, list(by_text), n=20, cutoff=0.6)
        return [{"id": by_text[c]["v"], "labels": sorted(by_text[c]["labels"]), "match": "fuzzy"}
                for c in close]

    def node_info(self, node: NodeRef) -> dict[str, Any]:
        handle, node_id = self._lookup(node)
        row = self._run(q.NODE_INFO, h=handle)[0]
        out_degree = self._run(q.OUT_DEGREE.format(types=""), h=handle)[0]["c"]
        in_degree = self._run(q.IN_DEGREE.format(types=""), h=handle)[0]["c"]
        info = {"id": node_id, "labels": sorted(row["labels"]), "properties": to_jsonable(row["props"]),
                "degree": out_degree + in_degree}
        if self.directed:
            info.update(in_degree=in_degree, out_degree=out_degree)
        return info

    def _direction(self, direction: Direction) -> Direction:
        if direction not in ("out", "in", "both"):
            raise InvalidArgument(f"direction must be 'out', 'in' or 'both', not {direction!r}.")
        return direction if self.directed else "both"

    def neighbors(self, node: NodeRef, direction: Direction = "both", rel_type: str | None = None,
                  limit: int = 20) -> Listing:
        handle, _ = self._lookup(node)
        direction, types = self._direction(direction), self.schema.type_pattern(rel_type)
        found: dict[int, dict[str, Any]] = {}
        for side, text in (("out", q.OUT_EDGES), ("in", q.IN_EDGES)):
            if direction not in (side, "both"):
                continue
            for row in sorted(self._run(self._fmt(text, types=types), h=handle, cap=self.row_limit),
                              key=lambda r: (r["type"], str(r["weight"]))):
                item = found.get(row["h"])
                tag = side if self.directed else "both"
                if item is None:
                    found[row["h"]] = {"id": row["v"], "direction": tag, "rel_type": row["type"],
                                       "weight": row["weight"]}
                elif item["direction"] != tag:
                    item["direction"] = "both"
        items = sorted(found.values(), key=lambda item: str(item["id"]))
        return make_listing(items, limit)

    def degree(self, node: NodeRef, direction: Direction = "both", rel_type: str | None = None) -> int:
        handle, _ = self._lookup(node)
        direction, types = self._direction(direction), self.schema.type_pattern(rel_type)
        total = 0
        if direction in ("out", "both"):
            total += self._run(q.OUT_DEGREE.format(types=types), h=handle)[0]["c"]
        if direction in ("in", "both"):
            total += self._run(q.IN_DEGREE.format(types=types), h=handle)[0]["c"]
        return total

    def count_nodes(self, label: str | None = None) -> int:
        return self._run(q.COUNT_NODES.format(label=self.schema.label_pattern(label)))[0]["c"]

    def count_edges(self, rel_type: str | None = None) -> int:
        return self._run(q.COUNT_RELS.format(types=self.schema.type_pattern(rel_type)))[0]["c"]

    # --- paths and neighbourhoods ------------------------------------------------------------------------
    def _bfs(self, start: int, direction: Direction, max_depth: int | None = None,
             target: int | None = None) -> dict[int, tuple[int, int | None]]:
        """Level-by-level BFS in the database: handle -> (distance, parent handle)."""
        seen: dict[int, tuple[int, int | None]] = {start: (0, None)}
        frontier, depth = [start], 0
        while frontier and (max_depth is None or depth < max_depth) and target not in seen:
            depth += 1
            nxt = []
            for src, dst in sorted(self._expand(frontier, direction)):
                if dst not in seen:
                    seen[dst] = (depth, src)
                    nxt.append(dst)
            if len(seen) > self.row_limit:
                raise InvalidArgument(f"The search reached more than row_limit={self.row_limit} nodes; "
                                      "raise row_limit or load the graph into networkx.")
            frontier = nxt
        return seen

    def _names(self, handles: list[int]) -> dict[int, NodeId]:
        if not handles:  # nothing to name (and an empty graph has no name property to read)
            return {}
        return {row["h"]: row["v"] for row in self._run_over(self._fmt(q.NAMES_OF), "hs", handles)}

    def _hop_path(self, a: int, b: int) -> list[int] | None:
        """Handles of a fewest-hops path from ``a`` to ``b`` (None if unreachable), computed by the database's
        ``shortestPath`` where the dialect has it, else by the level-by-level BFS."""
        if a == b:
            return [a]
        text = q.DIALECTS[self.dialect].get("hop_path_out" if self.directed else "hop_path_both", "")
        if text:
            rows = self._run(text, a=a, b=b)
            handles = rows[0]["hs"] if rows and rows[0]["hs"] else None
            return handles if handles is None or handles[0] == a else handles[::-1]
        seen = self._bfs(a, "out" if self.directed else "both", target=b)
        if b not in seen:
            return None
        chain, cur = [], b
        while cur is not None:
            chain.append(cur)
            cur = seen[cur][1]
        return chain[::-1]

    def has_path(self, source: NodeRef, target: NodeRef) -> bool:
        (a, _), (b, _) = self._lookup(source), self._lookup(target)
        return self._hop_path(a, b) is not None

    def shortest_path(self, source: NodeRef, target: NodeRef, weight: str | None = None) -> dict[str, Any]:
        (a, a_id), (b, b_id) = self._lookup(source), self._lookup(target)
        if weight is not None:
            self.schema.check_property(weight)
            if a == b:  # algo.SPpaths finds no path from a node to itself; the empty path has weight 0
                return {"path": [a_id], "hops": 0, "total_weight": 0.0}
            rows = self._run(self._dialect_query("weighted_path", "weighted shortest_path"), a=a, b=b,
                             weight=weight, direction="outgoing" if self.directed else "both")
            if not rows:
                raise NoPath(a_id, b_id)
            handles = rows[0]["hs"] if rows[0]["hs"][0] == a else rows[0]["hs"][::-1]
            names = self._names(handles)
            return {"path": [names[h] for h in handles], "hops": len(handles) - 1,
                    "total_weight": float(rows[0]["w"])}
        chain = self._hop_path(a, b)
        if chain is None:
            raise NoPath(a_id, b_id)
        names = self._names(chain)
        return {"path": [names[h] for h in chain], "hops": len(chain) - 1, "total_weight": None}

    def k_hop(self, node: NodeRef, k: int, direction: Direction = "both", limit: int = 20) -> Listing:
        if not isinstance(k, int) or k < 1:
            raise InvalidArgument(f"k must be a positive integer, not {k!r}.")
        handle, _ = self._lookup(node)
        seen = self._bfs(handle, self._direction(direction), max_depth=k)
        names = self._names([h for h in seen if h != handle])
        items = sorted(({"id": names[h], "distance": d} for h, (d, _) in seen.items() if h != handle),
                       key=lambda item: (item["distance"], str(item["id"])))
        return make_listing(items, limit)

    def run_cypher(self, query: str, params: dict[str, Any] | None = None, limit: int = 50) -> Listing:
        text = check_read_only(query)
        rows = self._run(text, max_rows=self.row_limit + 1, **(params or {}))
        items = [{k: to_jsonable(v) for k, v in row.items()} for row in rows[: self.row_limit]]
        result = make_listing(items, limit)
        result["truncated"] = result["truncated"] or len(rows) > self.row_limit
        return result

    # --- not available in Cypher -------------------------------------------------------------------------
    def topological_order(self, limit: int = 50) -> Listing:
        raise not_here("topological_order")

    def bipartite(self, limit: int = 20) -> dict[str, Any]:
        raise not_here("bipartite")

    def diameter(self, weight: str | None = None) -> dict[str, Any]:
        raise not_here("diameter")

    def max_flow(self, source: NodeRef, sink: NodeRef, capacity: str = "capacity",
                 limit: int = 50) -> dict[str, Any]:
        raise not_here("max_flow")

    def min_cut(self, source: NodeRef, sink: NodeRef, capacity: str = "capacity",
                limit: int = 50) -> dict[str, Any]:
        raise not_here("min_cut")

    def max_matching(self, limit: int = 50) -> dict[str, Any]:
        raise not_here("max_matching")

    def hamiltonian_path(self, max_nodes: int = 20) -> dict[str, Any]:
        raise not_here("hamiltonian_path")

    def subgraph_match(self, pattern: list[tuple[NodeRef, NodeRef]], directed: bool | None = None,
                       limit: int = 20) -> dict[str, Any]:
        raise not_here("subgraph_match")

    def close(self) -> None:
        if not self._closed and self._owns_driver:
            self._driver.close()
        self._closed = True
