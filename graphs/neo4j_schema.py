"""Schema introspection for the Neo4j backend: labels, relationship types, property keys, counts, and the
discovery of the property that names nodes.

The backend cannot parameterize labels, types or keys, so every such name a user or model supplies is checked
here against what the database reports (:meth:`Schema.check_label` and friends), and an unknown one becomes an
``InvalidArgument`` that lists the known ones and the closest (``graphs.schema_names``). Introspection reads only
bounded samples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphs import neo4j_queries as q
from graphs.errors import InvalidArgument
from graphs.schema_names import unknown_name

Run = Callable[..., list[dict[str, Any]]]
NAME_PREFERENCE = ("name", "title", "id", "key", "code", "uid")
KEY_SAMPLE = 1000


@dataclass
class Schema:
    """What the database holds: names, counts and the chosen name property."""

    labels: dict[str, int] = field(default_factory=dict)
    rel_types: dict[str, int] = field(default_factory=dict)
    property_keys: list[str] = field(default_factory=list)
    node_properties: list[str] = field(default_factory=list)
    edge_properties: list[str] = field(default_factory=list)
    name_property: str | None = None
    nodes: int = 0
    edges: int = 0

    def _check(self, kind: str, value: str, known: list[str]) -> str:
        if not isinstance(value, str) or value not in known:
            message = f"Unknown {kind} {value!r}; known {kind}s: {', '.join(sorted(known)) or '(none)'}."
            raise unknown_name(message, value, known, argument=kind, value=value)
        return value

    def check_label(self, label: str) -> str:
        """``label`` if the database has it, else ``InvalidArgument`` listing the known labels."""
        return self._check("label", label, list(self.labels))

    def check_rel_type(self, rel_type: str) -> str:
        """``rel_type`` if the database has it, else ``InvalidArgument`` listing the known types."""
        return self._check("relationship type", rel_type, list(self.rel_types))

    def check_property(self, key: str) -> str:
        """``key`` if the database has it, else ``InvalidArgument`` listing the known property keys."""
        return self._check("property key", key, self.property_keys)

    def label_pattern(self, label: str | None) -> str:
        """``:`Label``` for a checked label, or the empty string."""
        return "" if label is None else ":" + q.quote(self.check_label(label))

    def type_pattern(self, rel_type: str | None) -> str:
        """``:`TYPE``` for a checked relationship type, or the empty string."""
        return "" if rel_type is None else ":" + q.quote(self.check_rel_type(rel_type))


def discover_name_property(run: Run, override: str | None, keys: list[str]) -> str | None:
    """The node property that names nodes: ``override`` if given (must exist), else the first of
    ``name, title, id, key, code, uid`` present on nodes, else the string property present on most nodes."""
    if override is not None:
        if override not in keys:
            raise InvalidArgument(
                f"name_property {override!r} is not a property key in the database; "
                f"known: {', '.join(keys)}.",
                argument="name_property", value=override, known=keys,
            )
        return override
    node_keys = {row["k"]: row["c"] for row in run(q.NODE_KEYS, sample=KEY_SAMPLE)}
    for candidate in NAME_PREFERENCE:
        if candidate in node_keys:
            return candidate
    strings = run(q.STRING_KEYS, sample=KEY_SAMPLE)
    if not strings:
        return None
    return max(strings, key=lambda row: (row["c"], row["k"]))["k"]


def introspect(run: Run, name_override: str | None = None) -> Schema:
    """Read labels, types, keys and counts through ``run(query, **params)`` and pick the name property."""
    schema = Schema()
    schema.property_keys = sorted(row["key"] for row in run(q.PROPERTY_KEYS))
    # FalkorDB keeps reporting a label or type after its last node or relationship is deleted (Neo4j 5 does
    # not): only names in use count, so a cleared or shrunken graph reports exactly what it holds.
    for row in run(q.LABELS):
        label = row["label"]
        count = run(q.COUNT_NODES.format(label=":" + q.quote(label)))[0]["c"]
        if count:
            schema.labels[label] = count
    for row in run(q.REL_TYPES):
        rel_type = row["type"]
        count = run(q.COUNT_RELS.format(types=":" + q.quote(rel_type)))[0]["c"]
        if count:
            schema.rel_types[rel_type] = count
    schema.nodes = run(q.COUNT_NODES.format(label=""))[0]["c"]
    schema.edges = run(q.COUNT_RELS.format(types=""))[0]["c"]
    schema.node_properties = sorted(row["k"] for row in run(q.NODE_KEYS, sample=KEY_SAMPLE))
    schema.edge_properties = sorted(row["k"] for row in run(q.REL_KEYS, sample=KEY_SAMPLE))
    schema.name_property = discover_name_property(run, name_override, schema.property_keys)
    return schema
