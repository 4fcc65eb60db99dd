"""Grade one agent answer: against the gold answer, or by recomputing on the question's graph.

Why: accuracy is the product's main measurement, and a small model answers in free text. Grading therefore
reads the answer robustly (yes/no from prose, numbers to the precision written, node names matched against the
graph's own names) and checks structured answers on the graph itself, since many answers are right without
being the gold one: a path is right when it is valid in the graph and optimal by weight (valid but longer is
``suboptimal``), an order when it is any valid topological order, a matching when it is valid and maximum.

Verdicts, in the style of GraphArena: ``missing`` (no answer), ``hallucinated`` (answered without any tool
call), ``invalid_call`` (every tool call failed), then ``correct`` / ``suboptimal`` / ``wrong`` on the content.
Nodes the agent passed to its tools (``source``, ``node``, ...) are the nodes the question is about; an answer
that repeats them is not listing extra nodes or hedging between candidates.

>>> calls = [{"name": "has_path", "args": {"source": 0, "target": 3}, "result": {"has_path": True}}]
>>> grade("Yes, 0 reaches 3.", kind="boolean", gold="yes", tool_calls=calls, graph=None)
Verdict(verdict='correct', detail='reads as yes')
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from finetune.answer_reading import (
    denies,
    listed_items,
    node_mentions,
    numbers_with_decimals,
    parse_number,
    read_yes_no,
    written_pairs,
)
from graphs.backend import GraphBackend

VERDICTS = ("correct", "suboptimal", "wrong", "hallucinated", "invalid_call", "missing")
KINDS = ("boolean", "number", "node", "node_set", "path", "order", "matching", "text")
LIST_KINDS = frozenset({"node_set", "path", "order", "matching"})
"""Kinds whose answer is a list; an empty gold list means "there is none"."""
RECOMPUTABLE_KINDS = frozenset({"order", "matching"})
"""Kinds graded from the graph alone when there is no gold answer."""
MAX_OTHER_CANDIDATES = 2
"""An answer naming the gold value plus more than this many other candidates hedges, and is wrong."""
REL_TOL = 1e-3
ASKED_KEYS = ("source", "target", "node", "sink", "a", "b")
"""Tool arguments that name the nodes a question is about."""


@dataclass(frozen=True)
class Verdict:
    """One graded answer: ``verdict`` (one of ``VERDICTS``) and a short ``detail`` saying why."""

    verdict: str
    detail: str


@dataclass(frozen=True)
class _Context:
    graph: nx.Graph | None
    asked: frozenset[str]
    """Casefolded names of the nodes the tools were asked about."""


Grader = Callable[[str, Any, _Context], Verdict]


def can_grade(kind: str | None, gold: str | None, graph: GraphBackend | None) -> bool:
    """Whether ``grade`` can judge the content: there is a gold answer, or the kind is recomputable on a graph."""
    return gold is not None or (kind in RECOMPUTABLE_KINDS and _networkx(graph) is not None)


def grade(
    answer: str, *, kind: str | None, gold: str | None, tool_calls: list[dict], graph: GraphBackend | None
) -> Verdict:
    """The verdict on ``answer`` (see the module docstring). ``kind`` None is guessed from ``gold``.

    ``tool_calls`` is ``AgentAnswer.tool_calls``. ``ValueError`` for an unknown kind, a gold answer not in the
    kind's encoding, or no gold answer where the kind cannot be recomputed (see ``can_grade``).
    """
    if not answer or not answer.strip():
        return Verdict("missing", "no answer")
    if not tool_calls:
        return Verdict("hallucinated", "answered without calling a tool")
    failed = [call for call in tool_calls if _is_error(call.get("result"))]
    if len(failed) == len(tool_calls):
        result = failed[-1].get("result") or {}
        return Verdict("invalid_call", f"every tool call failed, last: {failed[-1].get('name')} "
                                       f"{result.get('error', 'error')}")
    kind = kind or guess_kind(gold)
    if kind not in _GRADERS:
        raise ValueError(f"unknown answer kind {kind!r}; choose one of {', '.join(KINDS)}")
    if not can_grade(kind, gold, graph):
        raise ValueError(f"a {kind} answer needs a gold answer to be graded")
    expected = _decode_gold(kind, gold)
    if kind in LIST_KINDS and expected != [] and denies(answer):
        return Verdict("wrong", f"says there is no {kind.replace('_', ' ')}")
    return _GRADERS[kind](answer, expected, _Context(_networkx(graph), _asked_nodes(tool_calls)))


def guess_kind(gold: str | None) -> str:
    """The kind a gold answer's encoding suggests: yes/no, a number, a JSON list of pairs or of items, text."""
    text = (gold or "").strip()
    if text.lower() in ("yes", "no"):
        return "boolean"
    if parse_number(text) is not None:
        return "number"
    try:
        value = json.loads(text)
    except ValueError:
        return "text"
    if isinstance(value, list):
        return "matching" if value and all(isinstance(v, list) and len(v) == 2 for v in value) else "node_set"
    return "text"


def _networkx(graph: GraphBackend | None) -> nx.Graph | None:
    inner = getattr(graph, "graph", None)
    return inner if isinstance(inner, nx.Graph) else None


def _is_error(result: Any) -> bool:
    return not isinstance(result, dict) or "error" in result


def _asked_nodes(tool_calls: list[dict]) -> frozenset[str]:
    return frozenset(
        str(args[key]).casefold()
        for args in (call.get("args") or {} for call in tool_calls)
        if isinstance(args, dict)
        for key in ASKED_KEYS
        if args.get(key) is not None
    )


def _decode_gold(kind: str, gold: str | None) -> Any:
    if gold is None or kind in ("node", "text"):
        return gold
    if kind == "boolean":
        if gold.strip().lower() not in ("yes", "no", "true", "false"):
            raise ValueError(f"boolean gold answer {gold!r} is neither yes nor no")
        return gold.strip().lower() in ("yes", "true")
    if kind == "number":
        value = parse_number(gold.strip())
        if value is None:
            raise ValueError(f"number gold answer {gold!r} is not a number")
        return value
    try:
        value = json.loads(gold)
    except ValueError:
        raise ValueError(f"{kind} gold answer {gold!r} is not JSON text of a list") from None
    if not isinstance(value, list):
        raise ValueError(f"{kind} gold answer {gold!r} is not a list")
    return value


def _key(node: Any) -> str:
    return str(node).casefold()


def _close(value: float, gold: float, decimals: int) -> bool:
    """Equal up to ``REL_TOL``, or to the rounding of a number written with ``decimals`` decimal places."""
    rounding = 0.5 * 10**-decimals if decimals else 0.0
    return math.isclose(value, gold, rel_tol=REL_TOL, abs_tol=1e-9) or abs(value - gold) <= rounding + 1e-12


def _grade_boolean(answer: str, gold: bool, context: _Context) -> Verdict:
    said = read_yes_no(answer)
    if said is None:
        return Verdict("wrong", "no yes/no found in the answer")
    word = "yes" if said else "no"
    return Verdict("correct" if said == gold else "wrong", f"reads as {word}")


def _grade_number(answer: str, gold: float, context: _Context) -> Verdict:
    stated = numbers_with_decimals(answer)
    if not stated:
        return Verdict("wrong", "no number found in the answer")
    matches = {value for value, decimals in stated if _close(value, gold, decimals)}
    others = {value for value, _ in stated if value not in matches and _key(_plain(value)) not in context.asked}
    if not matches:
        return Verdict("wrong", f"states {', '.join(_plain(v) for v, _ in stated[:4])}; expected {_plain(gold)}")
    if len(others) > MAX_OTHER_CANDIDATES:
        return Verdict("wrong", f"states {_plain(gold)} among {len(others)} other numbers")
    return Verdict("correct", f"states {_plain(gold)}")


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _grade_node(answer: str, gold: str, context: _Context) -> Verdict:
    universe = list(context.graph.nodes) if context.graph is not None else [gold]
    named = _named_in_conclusion(answer, universe)
    if _key(gold) not in named:
        return Verdict("wrong", f"does not name {gold}" + (f"; names {', '.join(named[:4])}" if named else ""))
    others = [name for name in named if name != _key(gold) and name not in context.asked]
    if len(others) > MAX_OTHER_CANDIDATES:
        return Verdict("wrong", f"names {gold} among {len(others)} other nodes")
    return Verdict("correct", f"names {gold}")


_CONCLUSION = re.compile(r"\b(?:so|therefore|thus|hence)\b", re.IGNORECASE)


def _named_in_conclusion(answer: str, universe: list) -> list[str]:
    """Casefolded nodes the answer names, read from the conclusion of its last sentence ("C has 2 and D has 3, so D
    has more") when that names a node: the facts before it name the other candidates too."""
    last_sentence = re.split(r"(?<=[.!?])\s+", answer.strip())[-1]
    parts = _CONCLUSION.split(last_sentence)
    for text in ((parts[-1], answer) if len(parts) > 1 else (answer,)):
        named = list(dict.fromkeys(_key(node) for node in node_mentions(text, universe)))
        if named:
            return named
    return []


def _grade_node_set(answer: str, gold: list, context: _Context) -> Verdict:
    if not gold:
        return _grade_nothing(answer, "node set")
    expected = {_key(node) for node in gold}
    if context.graph is not None:
        named = {_key(node) for node in node_mentions(answer, list(context.graph.nodes))}
        named -= context.asked - expected
    else:
        named = {_key(item) for item in listed_items(answer)}
    missing, extra = expected - named, named - expected
    if not missing and not extra:
        return Verdict("correct", f"all {len(expected)} nodes, nothing else")
    parts = [f"missing {len(missing)} ({', '.join(sorted(missing)[:3])})" if missing else "",
             f"{len(extra)} extra ({', '.join(sorted(extra)[:3])})" if extra else ""]
    return Verdict("wrong", "; ".join(part for part in parts if part))


def _grade_nothing(answer: str, what: str) -> Verdict:
    """Gold says there is no such thing (an empty list): the answer must say so."""
    said = read_yes_no(answer)
    if said is False:
        return Verdict("correct", f"says there is no {what}")
    return Verdict("wrong", f"expected no {what}")


def _grade_path(answer: str, gold: list, context: _Context) -> Verdict:
    if not gold:
        return _grade_nothing(answer, "path")
    graph = context.graph
    nodes = _as_nodes(graph, gold)
    mentions = node_mentions(answer, list(graph.nodes) if graph is not None else gold)
    source, target = _key(gold[0]), _key(gold[-1])
    windows = [mentions[i:j + 1] for i in range(len(mentions)) for j in range(i, len(mentions))
               if _key(mentions[i]) == source and _key(mentions[j]) == target]
    if graph is None or nodes is None or not _is_walk(graph, nodes):
        same = any([_key(n) for n in window] == [_key(n) for n in gold] for window in windows)
        return Verdict("correct" if same else "wrong", "the gold path" if same else "not the gold path")
    walks = [window for window in windows if len(window) > 1 and _is_walk(graph, window)]
    if not walks:
        return Verdict("wrong", f"no path from {gold[0]} to {gold[-1]} along edges of the graph")
    path = max(walks, key=len)
    metric = _gold_metric(graph, nodes)
    name = metric or "hops"
    if _cost(graph, path, metric) <= _cost(graph, nodes, metric) + 1e-9:
        return Verdict("correct", f"an optimal path by {name}")
    return Verdict("suboptimal", f"a valid path costing {_cost(graph, path, metric):g} {name}, "
                                 f"the optimum is {_cost(graph, nodes, metric):g}")


def _as_nodes(graph: nx.Graph | None, items: list) -> list | None:
    """Gold items as the graph's own node ids (``"3"`` is node ``3``), or None if one is not a node."""
    if graph is None:
        return None
    by_key = {_key(node): node for node in graph.nodes}
    nodes = [item if item in graph else by_key.get(_key(item)) for item in items]
    return None if any(node is None for node in nodes) else nodes


def _is_walk(graph: nx.Graph, nodes: Sequence[Any]) -> bool:
    return all(u in graph and v in graph and graph.has_edge(u, v) for u, v in zip(nodes, nodes[1:], strict=False))


def _cost(graph: nx.Graph, path: Sequence[Any], metric: str | None) -> float:
    if metric is None:
        return len(path) - 1
    return sum(graph.edges[u, v].get(metric, 1) for u, v in zip(path, path[1:], strict=False))


def _gold_metric(graph: nx.Graph, gold: list) -> str | None:
    """The metric the gold path is shortest by, preferring ``weight``, then other numeric edge attributes
    (sorted), then hops (None): a gold path that is shortest by weight is judged by weight."""
    keys = {key for _, _, data in graph.edges(data=True) for key, value in data.items()
            if isinstance(value, int | float) and not isinstance(value, bool)}
    ordered = (["weight"] if "weight" in keys else []) + sorted(keys - {"weight"})
    for metric in [*ordered, None]:
        try:
            best = nx.shortest_path_length(graph, gold[0], gold[-1], weight=metric)
        except (nx.NetworkXException, ValueError):
            continue
        if _cost(graph, gold, metric) <= best + 1e-9:
            return metric
    return None


def _grade_order(answer: str, gold: list | None, context: _Context) -> Verdict:
    graph = context.graph
    is_dag = graph is not None and graph.is_directed() and nx.is_directed_acyclic_graph(graph)
    if gold == [] or (gold is None and not is_dag):
        return _grade_nothing(answer, "order")
    if not is_dag or {_key(n) for n in gold or graph.nodes} != {_key(n) for n in graph.nodes}:
        said = [_key(node) for node in node_mentions(answer, list(graph.nodes) if graph is not None else gold)]
        want = [_key(node) for node in gold]
        found = any(said[i:i + len(want)] == want for i in range(len(said)))
        return Verdict("correct" if found else "wrong", "the gold order" if found else "not the gold order")
    said = node_mentions(answer, list(graph.nodes))
    size = graph.number_of_nodes()
    candidates = [said[i:i + size] for i in range(len(said) - size + 1) if len(set(said[i:i + size])) == size]
    candidates.append(list(dict.fromkeys(said)))
    if any(len(order) == size and _is_topological(graph, order) for order in candidates):
        return Verdict("correct", "a valid topological order")
    if len(candidates[-1]) < size:
        return Verdict("wrong", f"orders {len(candidates[-1])} of the {size} nodes")
    return Verdict("wrong", "an order that breaks an edge's direction")


def _is_topological(graph: nx.DiGraph, order: Sequence[Any]) -> bool:
    position = {node: index for index, node in enumerate(order)}
    return all(position[u] < position[v] for u, v in graph.edges)


def _grade_matching(answer: str, gold: list | None, context: _Context) -> Verdict:
    graph = context.graph
    if graph is None:
        universe = list(dict.fromkeys(node for pair in gold for node in pair))
        said = {frozenset(map(_key, pair)) for pair in written_pairs(answer, universe, None)}
        same = said == {frozenset(map(_key, pair)) for pair in gold}
        return Verdict("correct" if same else "wrong", "the gold matching" if same else "not the gold matching")
    pairs = written_pairs(answer, list(graph.nodes), graph)
    if not pairs:
        return Verdict("wrong", "no pairs found in the answer")
    used = [node for pair in pairs for node in pair]
    if len(set(used)) < len(used):
        return Verdict("wrong", "a node is matched twice")
    if not all(graph.has_edge(u, v) or graph.has_edge(v, u) for u, v in pairs):
        return Verdict("wrong", "a pair is not an edge of the graph")
    best = len(nx.max_weight_matching(graph.to_undirected(), maxcardinality=True))
    if len(pairs) >= best:
        return Verdict("correct", f"a valid maximum matching of {len(pairs)} pairs")
    return Verdict("suboptimal", f"a valid matching of {len(pairs)}; the maximum has {best}")


def _grade_text(answer: str, gold: str, context: _Context) -> Verdict:
    found = f" {_words(gold)} " in f" {_words(answer)} "
    return Verdict("correct" if found else "wrong", "contains the gold text" if found else "lacks the gold text")


def _words(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


_GRADERS: dict[str, Grader] = {
    "boolean": _grade_boolean,
    "number": _grade_number,
    "node": _grade_node,
    "node_set": _grade_node_set,
    "path": _grade_path,
    "order": _grade_order,
    "matching": _grade_matching,
    "text": _grade_text,
}
