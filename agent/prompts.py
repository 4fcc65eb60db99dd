"""The words the model reads: the system instruction, the one-line graph description, and the few-shot examples.

Why here: prompt text is tuned on its own (every prompt token costs ~2 ms of prefill on 2 cores, GUIDE.md §1),
while its layout into turns belongs to ``agent.template``. The few-shot examples are for the untuned base
model only (the ``--adapter none`` baseline): worked conversations on tiny made-up graphs written inline in the
question, whose tool results are what the real tools return on those graphs (a test checks this).

>>> describe_graph({"backend": "networkx", "name": "g", "directed": False, "nodes": 3, "edges": 2})
'networkx graph g: 3 nodes, 2 edges, undirected'
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain, zip_longest
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.messages.tool import tool_call

SYSTEM_PROMPT = (
    "You answer questions about a graph. Tools compute every graph fact: to use one, reply with only "
    '<call>tool {"arg":value}</call>. After its result, call another tool or answer in one short sentence '
    "from the results."
)
"""The instruction at the head of the system turn."""

MAX_LISTED = 6
"""At most this many labels, relationship types and properties are named in the graph description."""

MAX_SAMPLES = 4
"""At most this many example node names in the graph description."""


def describe_graph(summary: Mapping[str, Any], max_listed: int = MAX_LISTED, max_samples: int = MAX_SAMPLES) -> str:
    """One compact line about a graph from ``GraphBackend.summary()``: backend, name, size, direction, weights,
    labels, relationship types, properties, the Neo4j name property and a few example node names."""
    parts = [
        f"{summary['backend']} graph {summary['name']}: {summary['nodes']} nodes, {summary['edges']} edges, "
        + ("directed" if summary.get("directed") else "undirected")
    ]
    if summary.get("weighted"):
        parts[0] += ", weighted"
    for title, key in (
        ("labels", "labels"),
        ("relationship types", "relationship_types"),
        ("node properties", "node_properties"),
        ("edge properties", "edge_properties"),
    ):
        names = [name for name in summary.get(key) or () if name]
        if names:
            parts.append(f"{title}: {_listed(names, max_listed)}")
    if summary.get("name_property"):
        parts.append(f"name property: {summary['name_property']}")
    samples = _round_robin(summary.get("samples") or {}, max_samples)
    if samples:
        parts.append(f"e.g. {', '.join(samples)}")
    return "; ".join(parts)


def _listed(names: list[str], limit: int) -> str:
    shown = ", ".join(str(name) for name in names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


def _round_robin(samples: Mapping[str, list[Any]], limit: int) -> list[str]:
    """Up to ``limit`` names, taking one per label in turn so every label gets an example."""
    merged = chain.from_iterable(zip_longest(*samples.values()))
    return [str(name) for name in merged if name is not None][:limit]


def _call(call_id: str, name: str, args: dict[str, Any]) -> AIMessage:
    return AIMessage(content="", tool_calls=[tool_call(name=name, args=args, id=call_id)])


def _result(call_id: str, content: str) -> ToolMessage:
    return ToolMessage(content=content, tool_call_id=call_id)


FEW_SHOT: tuple[BaseMessage, ...] = (
    HumanMessage("Edges: A-B, B-C, C-D, A-E. What is the shortest path from E to D?"),
    _call("example-1", "shortest_path", {"source": "E", "target": "D"}),
    _result("example-1", '{"path":["E","A","B","C","D"],"hops":4,"total_weight":null}'),
    AIMessage("The shortest path is E, A, B, C, D (4 hops)."),
    HumanMessage('Edges: ("Marie Curie", "Pierre"), ("Marie Curie", "Paul"). How many connections does marie have?'),
    _call("example-2", "degree", {"node": "marie"}),
    _result(
        "example-2",
        '{"error":"node_not_found","message":"Node \'marie\' not found. Did you mean: Marie Curie?",'
        '"node":"marie","close_matches":["Marie Curie"]}',
    ),
    _call("example-3", "degree", {"node": "Marie Curie"}),
    _result("example-3", '{"degree":2}'),
    AIMessage("Marie Curie has 2 connections."),
    HumanMessage("Edges: 1-2, 2-3, 5-6. Can 1 reach 6?"),
    _call("example-4", "has_path", {"source": 1, "target": 6}),
    _result("example-4", '{"has_path":false}'),
    AIMessage("No, 6 cannot be reached from 1."),
    HumanMessage("lint -> build, build -> test, build -> docs. In what order can the tasks run?"),
    _call("example-5", "topological_order", {}),
    _result("example-5", '{"count":4,"items":["lint","build","docs","test"],"truncated":false}'),
    AIMessage("One valid order is lint, build, docs, test."),
)
"""Worked conversations for the untuned baseline, rendered as real turns between the system turn and the
conversation (so they stay inside the cached prompt prefix)."""
