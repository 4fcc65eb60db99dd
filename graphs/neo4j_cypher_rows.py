"""Values in and out of Bolt: result values (nodes, relationships, paths, temporal and spatial values) become
plain JSON-serializable Python, so ``run_cypher`` rows can go straight to a model or a cache; and parameters
are made safe for FalkorDB, whose Bolt server splices string parameters into the query text between single
quotes without escaping them (a ``'`` in a value would otherwise inject Cypher, writes included)."""

from __future__ import annotations

import re
from typing import Any

from neo4j.graph import Node, Path, Relationship

from graphs.errors import InvalidArgument


def _node(node: Node) -> dict[str, Any]:
    return {"labels": sorted(node.labels), "properties": to_jsonable(dict(node.items()))}


def _relationship(rel: Relationship) -> dict[str, Any]:
    start = to_jsonable(rel.start_node) if rel.start_node is not None else None
    end = to_jsonable(rel.end_node) if rel.end_node is not None else None
    return {"type": rel.type, "start": start, "end": end, "properties": to_jsonable(dict(rel.items()))}


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def escape_falkordb_params(value: Any) -> Any:
    r"""``value`` with every string backslash- and quote-escaped, recursively, so that FalkorDB's splicing
    reproduces it exactly; map keys must be plain identifiers.

    >>> escape_falkordb_params({"who": ["it's", 1]})
    {'who': ["it\\'s", 1]}
    """
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, dict):
        bad = [key for key in value if not isinstance(key, str) or not _IDENTIFIER.fullmatch(key)]
        if bad:
            raise InvalidArgument(f"Parameter map keys must be plain identifiers on FalkorDB, not {bad[0]!r}.")
        return {key: escape_falkordb_params(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [escape_falkordb_params(item) for item in value]
    return value


def to_jsonable(value: Any) -> Any:
    """``value`` with graph objects turned into dicts and anything else non-JSON turned into its string form.

    >>> to_jsonable({"a": [1, 2.5, None, ("x", True)]})
    {'a': [1, 2.5, None, ['x', True]]}
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Node):
        return _node(value)
    if isinstance(value, Relationship):
        return _relationship(value)
    if isinstance(value, Path):
        return {"nodes": [_node(n) for n in value.nodes],
                "relationships": [_relationship(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return str(value)
