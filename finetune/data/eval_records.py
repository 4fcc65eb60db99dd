"""Test conversations as the eval question file (format: README, Evaluation), with their active graphs written as files.

Why: ``graph-agent eval`` runs the real agent on each question, so a question about the active graph needs that
graph as a file the loaders read back exactly (node-link JSON keeps int and str node ids apart), and the file's
name must be the one the training rows show in the graph context (``open_backend`` names a graph after its file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from finetune.data.catalog import NOT_GRADABLE_BY_ANSWER
from finetune.data.conversations import Conversation
from finetune.data.notations import same_graph
from finetune.data.splits import template_set
from graphs.loaders import load_graph

GRAPHS_DIR = "graphs"


def eval_record(convo: Conversation) -> dict[str, Any] | None:
    """The eval row of a one-question conversation, or None (follow-ups, and tasks graded by behaviour only)."""
    if len(convo.turns) != 1 or convo.turns[0].task in NOT_GRADABLE_BY_ANSWER:
        return None
    turn = convo.turns[0]
    record: dict[str, Any] = {
        "id": convo.id,
        "question": convo.question_text,
        "answer": turn.gold,
        "task": turn.task,
        "kind": turn.kind,
    }
    if convo.mode == "file":
        record["graph"] = f"{GRAPHS_DIR}/{convo.file_name}"
    record.update(
        expected_calls=[{"name": call.name, "args": call.args} for call in turn.calls],
        split=convo.split,
        family=convo.family,
        template=convo.templates[0],
        template_set=template_set(convo.templates[0]),
        notation=convo.notation,
        style=convo.style,
    )
    return record


def graph_file_text(graph: nx.Graph) -> str:
    """A graph as node-link JSON text (what ``graphs.loaders`` reads as ``.json``)."""
    return json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False) + "\n"


def write_graph_file(convo: Conversation, out_dir: Path) -> Path:
    """Write ``convo``'s active graph under ``out_dir/graphs/`` and check the loader reads back the same graph."""
    path = out_dir / GRAPHS_DIR / str(convo.file_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(graph_file_text(convo.graph.graph), encoding="utf-8")
    if not same_graph(load_graph(path), convo.graph.graph):
        raise RuntimeError(f"{path}: the loader does not read back the generated graph")
    return path
