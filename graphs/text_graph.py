"""Find a graph written inside a question, and the question that remains once it is taken out.

Why: a small model must never re-type a graph (it would drop or invent edges). So graphs that users write
inline are parsed deterministically, with regexes, into a scratch graph; the model only sees the remaining
question and answers it with exact tools. The parser is conservative: a normal question ("Who works at
Acme?", "what is the shortest path from Oslo to Bergen?") is not a graph, and neither are "A-level",
"well-known" or a date such as 2024-05-01.

Recognised notations (``ParsedGraph.notation`` names them, joined by ``+`` in order of appearance):

- ``tuples``: ``(0, 1), (1, 2)``, ``[(0,1), (1,2)]``, ``(u, v, 3)``, ``(u -> v)``, ``(u -> v, 3.5)``,
  ``("New York", "Boston", 3)``. A lone plain pair needs brackets or an edge cue ("edges (0, 1)").
- ``dashes``: ``0-1, 1-2, 2-3`` (two or more short ids: integers or a letter with digits) or any names
  after an "edges:" cue: ``edges: Oslo-Bergen``.
- ``arrows``: ``A -> B``, ``A->B, B->C``, ``a → b → c`` (a chain gives one edge per arrow).
- ``prose``: "there is an edge between 0 and 1 with weight 4", "an edge from A to B with capacity 5",
  "a directed edge from u to v", "edges between 0 and 1, 1 and 2", "A is connected to B",
  "node 0 is connected to nodes 1, 3 and 4". Nodes in prose are integers, quoted names, capitalised names
  or one letter with digits; a statement inside a question ("Is there an edge between 0 and 3?") is not
  read as part of the graph.
- ``precedence`` (directed): "A must come before B", "task 1 must be finished before task 2",
  "C depends on A and B", "A is a prerequisite for B".
- ``adjacency``: a block of two or more lines ``0: 1, 2, 3`` (``3:`` alone declares a node), or
  ``A -> B, C`` (directed).
- ``node-weights``: ``[0, 5], [1, 3]`` or "node 0 has weight 5" set the node attribute ``weight``.
- ``node-list``: "nodes are numbered from 0 to 5", "there are 6 nodes numbered 0 to n-1",
  "the nodes are A, B, C and D" add nodes even when isolated.

Rules: a graph needs at least one edge. Directed when the text first says "directed" (or "digraph",
"DAG") rather than "undirected"; without such a word, directed when any notation implies it (arrows,
"from u to v", precedence), else undirected. In a directed graph every edge goes as written (first node to
second). Node ids: integers become ``int``; quoted text stays ``str`` as written. Edge weights are ``int``
for integral text, else ``float``, stored under ``capacity`` if the text mentions capacity, else ``weight``
if it mentions weight, else the first of ``cost``/``length``/``distance`` it mentions, else ``weight``.
An edge stated twice keeps the attributes given last.

>>> parsed = parse_question_graph("Edges: (0, 1, 4), (1, 2, 3). What is the shortest path from 0 to 2?")
>>> sorted(parsed.graph.edges(data="weight")), parsed.question, parsed.notation
([(0, 1, 4), (1, 2, 3)], 'What is the shortest path from 0 to 2?', 'tuples')
>>> parse_question_graph("Who works at Acme?") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import networkx as nx

from graphs.errors import GraphFormatError
from graphs.text_graph_patterns import DEFAULT_KEY, EXTRACTORS, Found

_DIRECTION_WORD = re.compile(r"\b(?:(?P<un>undirected)|directed|digraph|DAG)\b", re.IGNORECASE)
_WEIGHT_KEY_WORDS = re.compile(
    r"\b(?:(?P<capacity>capacit(?:y|ies))|(?P<weight>weight(?:s|ed)?)|"
    r"(?P<cost>costs?)|(?P<length>lengths?)|(?P<distance>distances?))\b",
    re.IGNORECASE,
)
_FILLER = (
    r"the|a|an|it|there|is|are|be|with|and|of|following|graph|edges?|nodes?|vertex|vertices|directed|undirected|"
    r"given|consider|we|have|has|in|its|this|that|adjacency|lists?|weighted|weights?|capacit(?:y|ies)|costs?|"
    r"arcs?|links?|numbered|also|as|follows|let|g|where|which|contains?|containing|network|dag|tasks?|"
    r"constraints?|dependencies|prerequisites?|precedence|here|our|suppose|simple|connections?|pairs?|"
    r"e|set|defined|by|below|tree|digraph|plus"
)
_WRITE_REQUEST = re.compile(
    r"(?:^|[.!?\n])\s*(?:(?:please|can you|could you)\s+)?"
    r"(?:add|create|insert|delete|remove|drop|merge|set|update|rename)\b[^.!?\n]*$",
    re.IGNORECASE,
)
"""A sentence that asks to change the graph ("Add an edge between X and Y"): it describes no graph, it is a
write request (which the tools refuse on a read-only database)."""
_MARK = "\x00"
_FILLER_BEFORE = re.compile(rf"(?:\b(?:{_FILLER})\b[ \t,:;=]*)+{_MARK}", re.IGNORECASE)
_FILLER_AFTER = re.compile(rf"{_MARK}(?:[ \t,:;]*\b(?:{_FILLER})\b)+(?=[ \t]*(?:[.!?\n]|$))", re.IGNORECASE)
_FILLER_ONLY = re.compile(rf"(?:[\W_]|\b(?:{_FILLER})\b)*", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedGraph:
    """A graph found in a text, the question that remains once it is removed, and the notation(s) used."""

    graph: nx.Graph | nx.DiGraph
    question: str
    notation: str


def parse_question_graph(text: str) -> ParsedGraph | None:
    """The graph written inside ``text``, or None when it holds none (see the module docstring).

    Raises ``GraphFormatError`` when a declared node range is too large to build.

    >>> parse_question_graph("In the graph 1-2, 2-3, is 1 connected to 3?").question
    'Is 1 connected to 3?'
    """
    try:
        findings = _select(text)
    except ValueError as exc:
        raise GraphFormatError("question", None, str(exc)) from exc
    if not any(found.edges for found in findings):
        return None
    graph = nx.DiGraph() if _is_directed(text, findings) else nx.Graph()
    key = _weight_key(text)
    for found in findings:
        for node, attrs in found.nodes:
            graph.add_node(node, **attrs)
        for u, v, attrs in found.edges:
            graph.add_edge(
                u, v, **{key if name == DEFAULT_KEY else name: value for name, value in attrs.items()}
            )
    notation = "+".join(dict.fromkeys(found.notation for found in findings))
    return ParsedGraph(graph, _remaining_question(text, [found.span for found in findings]), notation)


def _select(text: str) -> list[Found]:
    """Every extractor's findings, dropping those inside a write request and those overlapping an earlier
    extractor's; in text order."""
    chosen: list[Found] = []
    for extractor in EXTRACTORS:
        for found in extractor(text):
            start, end = found.span
            if _WRITE_REQUEST.search(text, 0, start):
                continue
            if all(end <= other.span[0] or start >= other.span[1] for other in chosen):
                chosen.append(found)
    return sorted(chosen, key=lambda found: found.span)


def _is_directed(text: str, findings: list[Found]) -> bool:
    word = _DIRECTION_WORD.search(text)
    if word:
        return not word.group("un")
    return any(found.directed for found in findings)


def _weight_key(text: str) -> str:
    mentioned = [str(m.lastgroup) for m in _WEIGHT_KEY_WORDS.finditer(text)]
    for key in ("capacity", "weight"):
        if key in mentioned:
            return key
    return mentioned[0] if mentioned else "weight"


def _remaining_question(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the graph description, the filler words that introduced it and sentences left
    with nothing but filler ("Consider a directed graph."); the first letter is capitalised."""
    masked = text
    for start, end in sorted(spans, reverse=True):
        masked = masked[:start] + _MARK + masked[end:]
    masked = _FILLER_AFTER.sub(_MARK, _FILLER_BEFORE.sub(_MARK, masked))
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", masked):
        asks = sentence.rstrip().endswith("?") and re.search(r"[^\W_]", sentence)
        if _FILLER_ONLY.fullmatch(sentence) and not asks:
            continue
        sentence = re.sub(rf"^[\s{_MARK},;:.]+", "", sentence)
        sentence = re.sub(rf"\s*{_MARK}[\s{_MARK},;:]*", " ", sentence)
        sentence = re.sub(r"\s+([,.;:!?])", r"\1", sentence).strip()
        if sentence:
            kept.append(sentence)
    question = re.sub(r"\s+", " ", " ".join(kept)).strip()
    return question[:1].upper() + question[1:]
