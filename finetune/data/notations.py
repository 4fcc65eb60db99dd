"""Write a graph inside a question, in every notation ``graphs.text_graph`` reads, and check it reads back exactly.

Why: questions that carry their own graph are parsed deterministically by the agent (``agent.ingest``), so the
model is trained on what remains of the question plus the parsed graph's description. A generated text is only
used when the parser gets back exactly the intended graph (nodes, edges, direction, weights) and exactly the
intended question; ``same_graph`` is that check.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import networkx as nx

from finetune.data.families import FamilyGraph

NOTATIONS = ("tuples", "dashes", "arrows", "prose", "connected", "precedence", "adjacency")
"""Edge notations; ``node-list`` and ``node-weights`` are added on top of them where the graph needs or allows."""

_WEIGHT_INTROS = {
    "weight": ("weighted edges", "edges with weights"),
    "cost": ("edges with costs",),
    "capacity": ("edges with capacities",),
}
"""How a text introduces weighted edges, by edge property. Only properties the parser drops from the question as
filler words can be written inline (``distance`` and ``length`` would be left in the question)."""

INLINE_WEIGHT_KEYS = frozenset(_WEIGHT_INTROS)


def _name(node: int | str, quote: bool) -> str:
    if isinstance(node, int):
        return str(node)
    return f'"{node}"' if quote or " " in node else node


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _edges(fg: FamilyGraph, rng: random.Random) -> list[tuple]:
    edges = list(fg.graph.edges(data=True))
    rng.shuffle(edges)
    return edges


def _key(fg: FamilyGraph) -> str | None:
    return fg.capacity or fg.weight


def _tuples(fg: FamilyGraph, rng: random.Random) -> str | None:
    key, quote = _key(fg), rng.random() < 0.5
    if key is not None and key not in INLINE_WEIGHT_KEYS:
        return None
    arrow = fg.graph.is_directed() and rng.random() < 0.5
    parts = []
    for u, v, data in _edges(fg, rng):
        sep = " -> " if arrow else ", "
        weight = f", {data[key]}" if key else ""
        parts.append(f"({_name(u, quote)}{sep}{_name(v, quote)}{weight})")
    body = ", ".join(parts)
    if rng.random() < 0.4:
        body = f"[{body}]"
    directed = fg.graph.is_directed() and not arrow
    if key:
        head = rng.choice(_WEIGHT_INTROS[key])
        head = f"Directed graph, {head}" if directed else head[:1].upper() + head[1:]
    else:
        head = "Directed graph with edges" if directed else rng.choice(("Graph", "Edges", "Given edges"))
    return f"{head}: {body}."


def _dashes(fg: FamilyGraph, rng: random.Random) -> str | None:
    if fg.graph.is_directed() or _key(fg) or fg.style == "spaced":
        return None
    body = ", ".join(f"{_name(u, False)}-{_name(v, False)}" for u, v, _ in _edges(fg, rng))
    return f"{rng.choice(('Edges', 'edges', 'Links'))}: {body}."


def _arrows(fg: FamilyGraph, rng: random.Random) -> str | None:
    if not fg.graph.is_directed() or _key(fg) or fg.style == "spaced":
        return None
    arrow = rng.choice((" -> ", "->", " → "))
    body = ", ".join(f"{_name(u, False)}{arrow}{_name(v, False)}" for u, v, _ in _edges(fg, rng))
    return f"{rng.choice(('Edges', 'Arcs', 'Dependencies'))}: {body}."


def _prose(fg: FamilyGraph, rng: random.Random) -> str | None:
    key = _key(fg)
    if fg.graph.is_directed():
        pairs = [
            f"{'from ' if i == 0 or rng.random() < 0.3 else ''}{_name(u, False)} to {_name(v, False)}"
            + (f" with {key} {data[key]}" if key else "")
            for i, (u, v, data) in enumerate(_edges(fg, rng))
        ]
        return f"There are directed edges {', '.join(pairs)}."
    pairs = [f"{_name(u, False)} and {_name(v, False)}" + (f" with {key} {data[key]}" if key else "")
             for u, v, data in _edges(fg, rng)]
    return f"There are edges between {', '.join(pairs)}."


def _connected(fg: FamilyGraph, rng: random.Random) -> str | None:
    if fg.graph.is_directed() or _key(fg):
        return None
    remaining = {frozenset(edge) for edge in fg.graph.edges}
    lines = []
    for node in sorted(fg.graph, key=lambda n: -fg.graph.degree(n)):
        others = [other for other in fg.graph[node] if frozenset((node, other)) in remaining]
        if not others:
            continue
        remaining -= {frozenset((node, other)) for other in others}
        rng.shuffle(others)
        lines.append(f"{_name(node, False)} is connected to {_listed([_name(o, False) for o in others])}.")
    rng.shuffle(lines)
    return " ".join(lines)


def _precedence(fg: FamilyGraph, rng: random.Random) -> str | None:
    if "dag" not in fg.tags or _key(fg):
        return None
    lines = []
    for node in fg.graph:
        later = [_name(v, False) for v in fg.graph.successors(node)]
        if later and rng.random() < 0.5:
            lines.append(f"{_name(node, False)} must come before {_listed(later)}.")
        elif later:
            lines.extend(f"{v} depends on {_name(node, False)}." for v in later)
    rng.shuffle(lines)
    return " ".join(lines)


def _adjacency(fg: FamilyGraph, rng: random.Random) -> str | None:
    if _key(fg) or fg.style == "spaced":
        return None
    graph, sep = fg.graph, " -> " if fg.graph.is_directed() else ": "
    seen: set[frozenset] = set()
    lines = []
    for node in graph:
        targets = graph.successors(node) if graph.is_directed() else graph[node]
        fresh = [t for t in targets if graph.is_directed() or frozenset((node, t)) not in seen]
        seen |= {frozenset((node, t)) for t in fresh}
        if fresh or not graph.is_directed():
            lines.append(f"{_name(node, False)}{sep}{', '.join(_name(t, False) for t in fresh)}".rstrip())
    if len(lines) < 2:
        return None
    head = rng.choice(("Adjacency list:", "Here is the graph:", "The graph is as follows:"))
    return head + "\n" + "\n".join(lines) + "\n"


_WRITERS: dict[str, Callable[[FamilyGraph, random.Random], str | None]] = {
    "tuples": _tuples,
    "dashes": _dashes,
    "arrows": _arrows,
    "prose": _prose,
    "connected": _connected,
    "precedence": _precedence,
    "adjacency": _adjacency,
}


def _node_list(fg: FamilyGraph, rng: random.Random) -> str:
    nodes = sorted(fg.graph, key=str)
    ints = sorted(n for n in nodes if isinstance(n, int))
    if len(ints) == len(nodes) and ints == list(range(ints[0], ints[0] + len(ints))) and rng.random() < 0.6:
        return f"The nodes are numbered from {ints[0]} to {ints[-1]}."
    names = [_name(n, False) for n in nodes]
    return f"The nodes are {_listed(names)}."


def _node_weights(fg: FamilyGraph, rng: random.Random) -> str:
    pairs = []
    for node in fg.graph:
        fg.graph.nodes[node]["weight"] = rng.randint(1, 9)
        pairs.append(f"[{_name(node, True)}, {fg.graph.nodes[node]['weight']}]")
    return "Node weights: " + ", ".join(pairs) + "."


def inline_graph_text(fg: FamilyGraph, notation: str, rng: random.Random) -> str | None:
    """``fg``'s graph written in ``notation``, None when that notation cannot hold it. Isolated nodes get a
    node list; a graph with plain names may get node weights (which are then set on ``fg.graph``)."""
    if notation not in _WRITERS:
        raise ValueError(f"unknown notation {notation!r}; expected one of {', '.join(NOTATIONS)}")
    text = _WRITERS[notation](fg, rng)
    if text is None:
        return None
    needs_list = any(fg.graph.degree(n) == 0 for n in fg.graph) or (notation == "adjacency" and rng.random() < 0.2)
    if needs_list or rng.random() < 0.1:
        text = _node_list(fg, rng) + " " + text
    if notation == "tuples" and fg.style in ("int", "letter") and not _key(fg) and rng.random() < 0.15:
        text = text + " " + _node_weights(fg, rng)
    return text


def compatible_notations(fg: FamilyGraph) -> list[str]:
    """The notations that can write ``fg``'s graph (a dry run of every writer)."""
    probe = random.Random(0)
    return [name for name, writer in _WRITERS.items() if writer(fg, probe) is not None]


def same_graph(parsed: nx.Graph, intended: nx.Graph) -> bool:
    """Whether two graphs have the same direction, nodes (ids and types), node and edge attributes."""
    if parsed.is_directed() != intended.is_directed():
        return False
    if {(type(n), n) for n in parsed} != {(type(n), n) for n in intended}:
        return False
    if any(parsed.nodes[n] != intended.nodes[n] for n in intended):
        return False
    if parsed.number_of_edges() != intended.number_of_edges():
        return False
    return all(parsed.has_edge(u, v) and parsed.edges[u, v] == data for u, v, data in intended.edges(data=True))
