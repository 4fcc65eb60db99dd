"""The ``auto`` outcome label: does the final answer agree with what the tools computed?

Why: the trajectory log feeds evaluation and fine-tuning, and a person cannot label every run. Since the
model never computes -- tools do -- an answer can often be checked mechanically against the last successful
tool result: its yes/no facts (``has_path``, ``has_cycle``, ...), else the winner of a ``compare_degree``,
else the nodes of a path or an order and the first item of a ranking, else the items of a listing
(``neighbors``, ``find_nodes``, ...: every shown item named or the count stated; an empty listing said to be
empty, or its ``other_direction`` read instead), else its key numbers (``count``, ``value``, ``diameter``, ...).
The label is ``agrees`` when every fact found holds in the answer, ``disagrees`` when one does not, and ``undecidable``
when there is no successful tool result or nothing checkable in it.

>>> auto_label("There are 28 cities.", [{"name": "count_nodes", "args": {}, "result": {"count": 28}}])
'agrees'
>>> auto_label("No.", [{"name": "has_path", "args": {}, "result": {"has_path": True}}])
'disagrees'
>>> auto_label("Bob and Carol.", [{"name": "neighbors", "args": {}, "result": {"count": 2, "items": [
...     {"id": "Bob"}, {"id": "Carol"}], "truncated": False}}])
'agrees'
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

AGREES, DISAGREES, UNDECIDABLE = "agrees", "disagrees", "undecidable"

BOOLEAN_KEYS = ("has_path", "has_cycle", "exists", "bipartite", "is_dag", "connected")
NUMBER_KEYS = ("count", "degree", "value", "size", "hops", "diameter", "total_weight", "jaccard")
RANKING_KEYS = ("top", "path", "order")

_NEGATION = re.compile(r"\b(no|not|none|false|never|cannot|can't|isn't|doesn't|aren't|there is no)\b", re.I)
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def auto_label(answer: str, tool_calls: Sequence[dict[str, Any]]) -> str:
    """``agrees``, ``disagrees`` or ``undecidable`` for ``answer`` given the run's ``[{"name", "args",
    "result"}]`` tool trace (see the module docstring)."""
    results = [c.get("result") for c in tool_calls if isinstance(c.get("result"), dict) and "error" not in c["result"]]
    if not results:
        return UNDECIDABLE
    checks = _checks(results[-1], answer)
    if not checks:
        return UNDECIDABLE
    return AGREES if all(checks) else DISAGREES


def _checks(result: dict[str, Any], answer: str) -> list[bool]:
    """The checkable facts of ``result``, most telling kind first: yes/no facts, else the nodes of a path or
    ranking, else the key numbers."""
    facts = [result[key] != bool(_NEGATION.search(answer)) for key in BOOLEAN_KEYS if isinstance(result.get(key), bool)]
    if facts:
        return facts
    if "most" in result:  # compare_degree: the node with the most edges, or those that tie for it
        leaders = [result["most"]] if result["most"] is not None else result.get("tied") or []
        if leaders:
            return [all(_mentions_node(answer, node) for node in leaders)]
    for key in RANKING_KEYS:
        items = result.get(key)
        if isinstance(items, dict):
            items = items.get("items")
        if isinstance(items, list) and items:
            facts.append(all(_mentions_node(answer, node) for node in (items[:1] if key == "top" else items)))
    if facts:
        return facts
    if isinstance(result.get("items"), list) and isinstance(result.get("count"), int):
        return [_states_listing(answer, result)]
    return [
        _mentions_number(answer, result[key])
        for key in NUMBER_KEYS
        if isinstance(result.get(key), int | float) and not isinstance(result.get(key), bool)
    ]


def _states_listing(answer: str, listing: dict[str, Any]) -> bool:
    """Whether ``answer`` names every shown item of ``listing`` or states its count; for an empty one, whether it
    says so or reads the ``other_direction`` listing (``tools.suite.neighbors``) instead."""
    if not listing["items"]:
        other = listing.get("other_direction")
        if isinstance(other, dict) and isinstance(other.get("items"), list) and other["items"]:
            return _states_listing(answer, other)
        return bool(_NEGATION.search(answer)) or _mentions_number(answer, 0)
    named = all(_mentions_node(answer, item) for item in listing["items"])
    return named or _mentions_number(answer, listing["count"])


def _mentions_number(answer: str, value: float) -> bool:
    """Whether ``answer`` states ``value``, up to the rounding of the number written."""
    for match in _NUMBER.findall(answer):
        written = match.replace(",", ".")
        decimals = len(written.split(".")[1]) if "." in written else 0
        tolerance = 0.5 * 10**-decimals if isinstance(value, float) else 0.0
        if math.isclose(float(written), value, abs_tol=tolerance + 1e-9):
            return True
    return False


def _mentions_node(answer: str, node: Any) -> bool:
    name = node.get("id") if isinstance(node, dict) else node
    return re.search(rf"(?<!\w){re.escape(str(name))}(?!\w)", answer, re.I) is not None
