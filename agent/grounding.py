"""Arguments grounded in the question: a node or schema name the model got wrong becomes the one the user wrote.

A small model copying "Gothenburg" from the question sometimes writes "Gothenburg" and sometimes "Gothard".
When a node argument of a tool call names no node of the active graph, the spans of the user's question (up to
``MAX_WORDS`` words) that look like it (difflib ratio >= ``MIN_SIMILARITY``) are looked up in the graph; the
most similar one that is a node, and not already another node argument of the same call, replaces it. Nothing
else is touched: a name the user wrote that the graph lacks still reaches the tool, which answers
``node_not_found`` with close matches.

Schema names get the same treatment (``SCHEMA_FIELDS``: a label, a relationship type, a node property): when
the model's name is not one the graph has ("page", "birth") and the question writes exactly one of the graph's
names of that kind ("pages", "born"), or several of which one is the most like the model's, that one replaces it.
Every replacement is listed in the message's ``response_metadata["grounded"]`` (the model's own text stays in
``response_metadata["raw"]``).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from langchain_core.messages import AIMessage

from graphs.backend import GraphBackend
from graphs.errors import GraphError, NodeNotFound
from tools.arguments import node_fields, node_list_fields
from tools.registry import get_tool

MIN_SIMILARITY = 0.5
"""How alike (difflib ratio, case-insensitive) the model's string and a span of the question must be."""
MAX_WORDS = 4
"""Longest span of the question, in words, that may name a node."""

SCHEMA_FIELDS = {"label": "labels", "rel_type": "relationship_types", "prop": "node_properties"}
"""Tool arguments that name part of the schema, and the ``GraphBackend.summary`` entry listing their names."""

_WORD = re.compile(r"\w+(?:['’.\-]\w+)*")


def ground_tool_calls(message: AIMessage, backend: GraphBackend, question: str) -> AIMessage:
    """``message`` with each node or schema argument that names nothing in the graph replaced by the one the
    question names."""
    calls, grounded = [], []
    schema: dict[str, Any] | None = None  # read once per message, and only if a call names a schema part
    for call in message.tool_calls:
        args = dict(call["args"])
        try:
            args_model = get_tool(call["name"]).args_model
        except KeyError:
            calls.append(call)
            continue
        fields = node_fields(args_model)
        for field in fields:
            others = [args.get(other) for other in fields if other != field]
            span = _grounded_node(backend, question, args.get(field), others)
            if span is not None:
                grounded.append({"tool": call["name"], "argument": field, "from": args[field], "to": span})
                args[field] = span
        for field in node_list_fields(args_model):
            values = args.get(field)
            if not isinstance(values, list):
                continue
            args[field] = values = list(values)
            for i, value in enumerate(values):
                span = _grounded_node(backend, question, value, values[:i] + values[i + 1 :])
                if span is not None:
                    grounded.append({"tool": call["name"], "argument": f"{field}[{i}]", "from": value, "to": span})
                    values[i] = span
        for field, kind in SCHEMA_FIELDS.items():
            value = args.get(field)
            if field not in args_model.model_fields or not isinstance(value, str):
                continue
            if schema is None:
                schema = _schema(backend)
            known = schema.get(kind)
            if not known or value in known:
                continue
            name = _schema_name_in_question(question, value, known)
            if name is not None:
                grounded.append({"tool": call["name"], "argument": field, "from": value, "to": name})
                args[field] = name
        calls.append({**call, "args": args})
    if not grounded:
        return message
    metadata = {**message.response_metadata, "grounded": grounded}
    return message.model_copy(update={"tool_calls": calls, "response_metadata": metadata})


def question_spans(question: str, max_words: int = MAX_WORDS) -> list[str]:
    """Every run of 1..``max_words`` consecutive words of ``question``, as written (inner punctuation kept).

    >>> question_spans("Route from St. Petersburg?", 2)
    ['Route', 'Route from', 'from', 'from St', 'St', 'St. Petersburg', 'Petersburg']
    """
    words = list(_WORD.finditer(question))
    return [
        question[words[start].start() : words[end].end()]
        for start in range(len(words))
        for end in range(start, min(start + max_words, len(words)))
    ]


def _grounded_node(backend: GraphBackend, question: str, value: Any, others: list[Any]) -> str | None:
    """The span of ``question`` that should replace a node argument ``value`` naming no node: the closest one
    naming a node that none of the call's ``others`` node arguments names; None to leave ``value`` as it is."""
    if value is None or not _names_no_node(backend, value):
        return None
    taken = {_node(backend, other) for other in others if other is not None}
    return _closest_named_node(backend, question, str(value), taken)


def _closest_named_node(backend: GraphBackend, question: str, value: str, taken: set[Any]) -> str | None:
    """The span of ``question`` most like ``value`` that names a node not in ``taken``; None when there is no
    such span or two different nodes tie."""
    scored: dict[str, float] = {}
    for span in question_spans(question):
        ratio = SequenceMatcher(None, value.casefold(), span.casefold()).ratio()
        if ratio >= MIN_SIMILARITY and ratio > scored.get(span, 0.0):
            scored[span] = ratio
    best: list[tuple[float, str, Any]] = []
    for span, ratio in sorted(scored.items(), key=lambda item: -item[1]):
        if best and ratio < best[0][0]:
            break
        node = _node(backend, span)
        if node is not None and node not in taken:
            best.append((ratio, span, node))
    nodes = {node for _, _, node in best}
    return best[0][1] if len(nodes) == 1 else None


def _schema(backend: GraphBackend) -> dict[str, Any]:
    """The graph's labels, relationship types and node properties (``SCHEMA_FIELDS``), or {} if it cannot say."""
    try:
        summary = backend.summary(samples=0)
    except GraphError:
        return {}
    return {kind: list(summary.get(kind) or []) for kind in SCHEMA_FIELDS.values()}


def _schema_name_in_question(question: str, value: str, known: list[str]) -> str | None:
    """The one name of ``known`` the question writes (case-insensitive), or among several the one most like
    ``value`` (ratio >= ``MIN_SIMILARITY``, no tie); None otherwise."""
    by_key = {name.casefold(): name for name in known}
    written = {by_key[span.casefold()] for span in question_spans(question) if span.casefold() in by_key}
    if len(written) == 1:
        return written.pop()
    ranked = sorted(((SequenceMatcher(None, value.casefold(), name.casefold()).ratio(), name) for name in written),
                    reverse=True)
    if ranked and ranked[0][0] >= MIN_SIMILARITY and (len(ranked) == 1 or ranked[1][0] < ranked[0][0]):
        return ranked[0][1]
    return None


def _names_no_node(backend: GraphBackend, ref: Any) -> bool:
    """Whether the graph answers that ``ref`` is no node (not: ambiguous, or the graph cannot be asked)."""
    try:
        backend.resolve_node(ref)
    except NodeNotFound:
        return True
    except GraphError:
        return False
    return False


def _node(backend: GraphBackend, ref: Any) -> Any:
    """The node ``ref`` resolves to, or None (not found, ambiguous, or the graph cannot be asked)."""
    try:
        return backend.resolve_node(ref)
    except GraphError:
        return None
