"""One question turn of the synthetic data: the tool calls that answer it (run for real) and the grounded answer.

Why: ground truth must come from the real tools (``tools.registry.call_tool`` on the networkx backend), and the
final answer must only state what those results say. A task builder (``finetune.data.tasks_*``) picks slots
(nodes, labels, ...), runs its calls through ``run`` and writes the answer from the results it got back; the
question wording is chosen later from ``finetune.data.templates``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from finetune.data.families import FamilyGraph
from graphs.backend import GraphBackend
from tools.registry import call_tool
from tools.results import is_error

KINDS = ("boolean", "number", "node", "node_set", "path", "order", "matching", "text")
"""How an answer is graded (the eval question file's ``kind``)."""


@dataclass
class Call:
    """One tool call and the result the real tool returned."""

    name: str
    args: dict[str, Any]
    result: dict[str, Any]


@dataclass
class Turn:
    """A question's intent, its slots, the calls that answer it, the answer and the gold value for grading."""

    task: str
    kind: str
    slots: dict[str, Any]
    calls: list[Call]
    answer: str
    gold: str | None
    protected: list[str] = field(default_factory=list)
    """Strings a style must not alter (node names, labels, values), beyond the slot values."""
    recovers: bool = False
    """The first call is a wrong guess made on purpose; the next call recovers from its error, or, for a call
    that asked the wrong direction, the answer reads the other direction from its result
    (``finetune.data.retries``)."""


TaskBuilder = Callable[[FamilyGraph, GraphBackend, random.Random], "Turn | None"]
"""Builds a turn for a graph, or returns None when the task does not fit the graph."""


def run(backend: GraphBackend, name: str, **args: Any) -> Call:
    """Call tool ``name`` on ``backend`` for real (no cache)."""
    return Call(name, dict(args), call_tool(backend, name, args))


def ok(call: Call) -> bool:
    """Whether the call succeeded."""
    return not is_error(call.result)


def show(node: Any) -> str:
    """A node as the answer writes it."""
    return str(node)


def listed(items: Sequence[Any], conjunction: str = "and") -> str:
    """``a, b and c``."""
    names = [show(item) for item in items]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {conjunction} " + names[-1]


def gold_list(items: Sequence[Any]) -> str:
    """A list as the eval file's gold encoding (JSON text)."""
    return json.dumps(list(items), ensure_ascii=False)


def yes_no(value: bool) -> str:
    """The eval file's boolean gold."""
    return "yes" if value else "no"


def number_text(value: float | int) -> str:
    """A number as an answer writes it: integral floats without ``.0``, others to at most 4 decimals."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def pick_nodes(fg: FamilyGraph, rng: random.Random, count: int, predicate: Callable[[Any], bool] | None = None):
    """``count`` distinct nodes (sorted by name before sampling, so the choice depends only on the seed)."""
    nodes = sorted((n for n in fg.graph if predicate is None or predicate(n)), key=str)
    return rng.sample(nodes, count) if len(nodes) >= count else None


def node_ref(fg: FamilyGraph, node: Any) -> Any:
    """How a question names ``node``: its ``name`` property when that names it alone, else its id."""
    name = fg.graph.nodes[node].get("name")
    if name is None or name == node:
        return node
    same = sum(1 for _, other in fg.graph.nodes(data="name") if other == name)
    return name if same == 1 else node
