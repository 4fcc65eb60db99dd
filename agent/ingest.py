"""The active graph of a turn: inline graphs taken out of questions, and the compact description the model sees.

A graph written inside a question is parsed deterministically (``graphs.text_graph``), never re-typed by the
model; it becomes the conversation's scratch graph, kept in the checkpointed state as node-link JSON, and is
the active graph for that turn and its follow-ups. Otherwise the user's chosen backend is active.

>>> question, graph = split_question("Edges: 0-1, 1-2. How many edges are there?")
>>> question, graph.number_of_edges()
('How many edges are there?', 2)
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphs.backend import GraphBackend
from graphs.networkx_backend import NetworkxBackend
from graphs.text_graph import parse_question_graph

SCRATCH_NAME = "inline graph"


class QuestionError(ValueError):
    """A question the agent refuses before running: empty, or too long to show a small model."""


def split_question(text: str) -> tuple[str, nx.Graph | None]:
    """The question without any graph written inside it, and that graph (None when there is none)."""
    parsed = parse_question_graph(text)
    if parsed is None:
        return text.strip(), None
    return parsed.question.strip() or "Describe this graph.", parsed.graph


def check_question(text: str, max_chars: int) -> None:
    """Raise ``QuestionError`` for an empty question, or one longer than ``max_chars`` once any inline
    graph is taken out (a long edge list is fine: it is parsed, not shown to the model)."""
    if not text or not text.strip():
        raise QuestionError("the question is empty")
    question, _ = split_question(text)
    if len(question) > max_chars:
        raise QuestionError(
            f"the question is {len(question):,} characters long (limit {max_chars:,}); put a large graph in a "
            "file and pass it with --graph, or shorten the question"
        )


def scratch_data(graph: nx.Graph) -> dict[str, Any]:
    """An inline graph as node-link data, for the checkpointed state."""
    return nx.node_link_data(graph, edges="edges")


def scratch_backend(data: dict[str, Any]) -> NetworkxBackend:
    """The backend of an inline graph stored with ``scratch_data``."""
    return NetworkxBackend(nx.node_link_graph(data, edges="edges"), name=SCRATCH_NAME, read_only=True)


def describe_graph(backend: GraphBackend) -> str:
    """A short description of ``backend`` for the prompt: name, kind, size, schema and sample names."""
    info = backend.summary(samples=3)
    shape = "directed" if info["directed"] else "undirected"
    weighted = ", weighted" if info.get("weighted") else ""
    lines = [f"{info['name']} ({info['backend']}, {shape}{weighted}): {info['nodes']} nodes, {info['edges']} edges"]
    if len(info.get("labels") or {}) > 1:
        lines.append("labels: " + ", ".join(info["labels"]))
    if len(info.get("relationship_types") or {}) > 1:
        lines.append("relationships: " + ", ".join(info["relationship_types"]))
    if info.get("edge_properties"):
        lines.append("edge properties: " + ", ".join(map(str, info["edge_properties"])))
    if info.get("name_property"):
        lines.append(f"name property: {info['name_property']}")
    names = [str(name) for group in (info.get("samples") or {}).values() for name in group][:6]
    if names:
        lines.append("e.g. nodes: " + ", ".join(names))
    return "\n".join(lines)
