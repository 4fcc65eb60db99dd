"""Node resolution: turn what a user or model typed into a canonical node id, or explain why not.

Users and small models refer to nodes loosely: ``"3"`` for the int node ``3``, ``"alice "`` for ``"Alice"``,
or a person's ``name`` rather than their id. This module holds the matching rules shared by every backend:

- ``normalize`` — the case-insensitive, whitespace-collapsed form two references are compared in;
- ``close_matches`` — a pure function giving the nearest candidates for a failed lookup (used for
  ``NodeNotFound`` hints by the networkx and Neo4j backends alike);
- ``node_sort_key`` — the deterministic "sorted by id's string form" order of the protocol;
- ``NodeIndex`` — an O(1) lookup index over node ids and names, built once per graph version.
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Iterable
from typing import Any

from graphs.errors import AmbiguousNode, NodeNotFound


def normalize(ref: object) -> str:
    """Case-folded string form of ``ref`` with runs of whitespace collapsed to one space.

    >>> normalize("  New   York ")
    'new york'
    """
    return " ".join(str(ref).split()).casefold()


def node_sort_key(node: object) -> tuple[str, str]:
    """Sort key ordering node ids by their string form (type name breaks ties between ``1`` and ``"1"``).

    >>> sorted([10, 2, "1"], key=node_sort_key)
    ['1', 10, 2]
    """
    return (str(node), type(node).__name__)


def close_matches(ref: object, candidates: Iterable[object], n: int = 5) -> list[object]:
    """Up to ``n`` candidates whose normalized string form is closest to ``ref``'s, best first.

    Candidates containing ``ref`` come first (shortest first), then difflib's fuzzy matches; duplicates (by
    normalized form) are dropped, keeping the first candidate seen.

    >>> close_matches("alise", ["Alice", "Bob", "Malice"])
    ['Alice', 'Malice']
    """
    key = normalize(ref)
    by_form: dict[str, object] = {}
    for candidate in candidates:
        by_form.setdefault(normalize(candidate), candidate)
    if not key or n <= 0:
        return []
    contained = sorted((form for form in by_form if key in form), key=lambda form: (len(form), form))
    fuzzy = difflib.get_close_matches(key, by_form, n=n, cutoff=0.6)
    ordered = list(dict.fromkeys([*contained[:n], *fuzzy]))
    return [by_form[form] for form in ordered[:n]]


def coerce_ref(ref: object) -> list[Hashable]:
    """The alternative ids ``ref`` may stand for under int/str coercion (``"3"`` ↔ ``3``), excluding ``ref``.

    >>> coerce_ref(" 7 "), coerce_ref(7)
    ([7, '7'], ['7'])
    """
    if isinstance(ref, bool):
        return []
    if isinstance(ref, int):
        return [str(ref)]
    if isinstance(ref, str):
        stripped = ref.strip()
        alternatives: list[Hashable] = []
        try:
            alternatives.append(int(stripped))
        except ValueError:
            pass
        if stripped != ref:
            alternatives.append(stripped)
        return alternatives
    return []


class NodeIndex:
    """Lookup index from normalized id and name forms to node ids.

    Built once from ``(node_id, name_or_None)`` pairs; ``resolve`` is then O(1) per reference. A form maps to
    its first node in a flat dict and only shared forms get a list, so building the index allocates almost no
    containers (on a million-node graph, per-node lists would set the garbage collector rescanning the graph).

    >>> index = NodeIndex([(1, "Alice"), (2, "Bob")])
    >>> index.resolve("alice"), index.resolve("2")
    (1, 2)
    """

    def __init__(self, entries: Iterable[tuple[Hashable, Any]]) -> None:
        self._ids: set[Hashable] = set()
        self._first: dict[str, Hashable] = {}
        self._shared: dict[str, list[Hashable]] = {}
        self._names: dict[Hashable, Any] = {}
        for node, name in entries:
            self._ids.add(node)
            form = str(node) if type(node) is int else normalize(node)
            self._add(form, node)
            if name is not None:
                self._names[node] = name
                named = normalize(name)
                if named != form:
                    self._add(named, node)

    def _add(self, form: str, node: Hashable) -> None:
        first = self._first.setdefault(form, node)
        if first is not node:
            self._shared.setdefault(form, [first]).append(node)

    def _nodes_of(self, form: str) -> list[Hashable]:
        if form in self._shared:
            return self._shared[form]
        return [self._first[form]] if form in self._first else []

    def resolve(self, ref: object) -> Hashable:
        """Canonical id for ``ref``: exact id, then int/str coercion, then a unique normalized id/name match.

        Raises ``AmbiguousNode`` when several nodes share the normalized form, and ``NodeNotFound`` with close
        matches otherwise.
        """
        if isinstance(ref, Hashable) and not isinstance(ref, bool) and ref in self._ids:
            return ref
        for alternative in coerce_ref(ref):
            if alternative in self._ids:
                return alternative
        found = self._nodes_of(normalize(ref))
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousNode(ref, sorted(found, key=node_sort_key))
        raise NodeNotFound(ref, self.suggestions(ref))

    def suggestions(self, ref: object, n: int = 5) -> list[Any]:
        """Names (or ids) of the nodes whose id or name is close to ``ref``, best first.

        A node is shown by its name when that name resolves to it alone, otherwise by its id, so every
        suggestion can be typed back.
        """
        suggested: list[Any] = []
        for form in close_matches(ref, self._first, n=n):
            for node in self._nodes_of(str(form)):
                name = self._names.get(node)
                shown = name if name is not None and len(self._nodes_of(normalize(name))) == 1 else node
                if shown not in suggested:
                    suggested.append(shown)
        return suggested[:n]
