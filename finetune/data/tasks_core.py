"""Task builders for structural questions: counts, degrees, neighbours, paths, components, orders, flows, ...

Each builder answers one intent with one tool call on any graph family it fits (None otherwise); the answer
is one short sentence made only of what the tool returned.
"""

from __future__ import annotations

import random

import networkx as nx

from finetune.data.families import FamilyGraph
from finetune.data.turns import (
    Turn,
    gold_list,
    listed,
    node_ref,
    number_text,
    ok,
    pick_nodes,
    run,
    show,
    yes_no,
)
from graphs.backend import GraphBackend

MEASURES = ("degree", "betweenness", "closeness", "pagerank")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def count_nodes(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    call = run(backend, "count_nodes")
    n = call.result["count"]
    return Turn("count_nodes", "number", {}, [call], f"The graph has {_plural(n, 'node')}.", str(n))


def count_edges(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    call = run(backend, "count_edges")
    n = call.result["count"]
    return Turn("count_edges", "number", {}, [call], f"The graph has {_plural(n, 'edge')}.", str(n))


def degree(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if fg.graph.is_directed():
        return None
    (node,) = pick_nodes(fg, rng, 1)
    a = node_ref(fg, node)
    call = run(backend, "degree", node=a)
    d = call.result["degree"]
    return Turn("degree", "number", {"a": a}, [call], f"{show(a)} has degree {d}.", str(d))


def directed_degree(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if not fg.graph.is_directed():
        return None
    (node,) = pick_nodes(fg, rng, 1)
    a, direction = node_ref(fg, node), rng.choice(("out", "in"))
    call = run(backend, "degree", node=a, direction=direction)
    d = call.result["degree"]
    word = "outgoing" if direction == "out" else "incoming"
    return Turn(f"{direction}_degree", "number", {"a": a}, [call], f"{show(a)} has {d} {word} edges.", str(d))


def neighbors(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    directed = fg.graph.is_directed()
    (node,) = pick_nodes(fg, rng, 1)
    a = node_ref(fg, node)
    call = run(backend, "neighbors", node=a, direction="out") if directed else run(backend, "neighbors", node=a)
    if call.result["truncated"]:
        return None
    ids = [item["id"] for item in call.result["items"]]
    task = "successors" if directed else "neighbors"
    if not ids:
        answer = f"{show(a)} has no outgoing edges." if directed else f"{show(a)} has no neighbours."
    elif directed:
        answer = f"{show(a)} points to {listed(ids)}."
    elif len(ids) == 1:
        answer = f"The only neighbour of {show(a)} is {show(ids[0])}."
    else:
        answer = f"The neighbours of {show(a)} are {listed(ids)}."
    return Turn(task, "node_set", {"a": a}, [call], answer, gold_list(ids))


def has_path(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    nodes = pick_nodes(fg, rng, 2)
    a, b = (node_ref(fg, n) for n in nodes)
    call = run(backend, "has_path", source=a, target=b)
    found = call.result["has_path"]
    answer = (f"Yes, {show(b)} can be reached from {show(a)}." if found
              else f"No, {show(b)} cannot be reached from {show(a)}.")
    return Turn("has_path", "boolean", {"a": a, "b": b}, [call], answer, yes_no(found))


def _reachable_pair(fg: FamilyGraph, rng: random.Random) -> tuple | None:
    for _ in range(6):
        u, v = pick_nodes(fg, rng, 2)
        if nx.has_path(fg.graph, u, v):
            return node_ref(fg, u), node_ref(fg, v)
    return None


def shortest_path(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    pair = _reachable_pair(fg, rng)
    if pair is None:
        return None
    a, b = pair
    call = run(backend, "shortest_path", source=a, target=b)
    path, hops = call.result["path"], call.result["hops"]
    answer = f"The shortest path is {', '.join(map(show, path))} ({_plural(hops, 'hop')})."
    return Turn("shortest_path", "path", {"a": a, "b": b}, [call], answer, gold_list(path))


def weighted_path(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    pair = _reachable_pair(fg, rng) if fg.weight else None
    if pair is None:
        return None
    a, b = pair
    call = run(backend, "shortest_path", source=a, target=b, weight=fg.weight)
    path, total = call.result["path"], number_text(call.result["total_weight"])
    answer = f"The cheapest path is {', '.join(map(show, path))}, with total {fg.weight} {total}."
    return Turn("weighted_path", "path", {"a": a, "b": b}, [call], answer, gold_list(path))


def k_hop(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if fg.graph.is_directed():
        return None
    (node,) = pick_nodes(fg, rng, 1)
    a, k = node_ref(fg, node), rng.choice((1, 2, 2, 3))
    call = run(backend, "k_hop", node=a, k=k)
    if call.result["truncated"]:
        return None
    ids = [item["id"] for item in call.result["items"]]
    answer = f"Within {k} hops of {show(a)}: {listed(ids)}." if ids else f"No node is within {k} hops of {show(a)}."
    return Turn("k_hop", "node_set", {"a": a, "k": k}, [call], answer, gold_list(ids))


def count_components(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    call = run(backend, "connected_components")
    count = call.result["count"]
    kind = "weakly connected" if call.result["kind"] == "weak" else "connected"
    answer = f"The graph has {count} {kind} component{'s' if count != 1 else ''}."
    return Turn("count_components", "number", {}, [call], answer, str(count))


def component_of(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if fg.graph.is_directed():
        return None
    (node,) = pick_nodes(fg, rng, 1)
    a = node_ref(fg, node)
    call = run(backend, "connected_components", node=a)
    component = call.result["component"]
    if component["truncated"]:
        return None
    answer = f"The component of {show(a)} contains {listed(component['items'])}."
    return Turn("component_of", "node_set", {"a": a}, [call], answer, gold_list(component["items"]))


def has_cycle(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    call = run(backend, "find_cycle")
    cycle = call.result["cycle"]
    answer = f"Yes, for example {', '.join(map(show, cycle))}." if cycle else "No, the graph has no cycle."
    return Turn("has_cycle", "boolean", {}, [call], answer, yes_no(bool(cycle)))


def topological_order(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if "dag" not in fg.tags:
        return None
    call = run(backend, "topological_order")
    if not ok(call) or call.result["truncated"]:
        return None
    items = call.result["items"]
    return Turn("topological_order", "order", {}, [call], f"One valid order is {', '.join(map(show, items))}.",
                gold_list(items))


def is_bipartite(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    call = run(backend, "is_bipartite")
    if not ok(call):
        return None
    if call.result["bipartite"]:
        answer = "Yes, the graph is bipartite."
    else:
        answer = f"No, it has an odd cycle: {', '.join(map(show, call.result['odd_cycle']))}."
    return Turn("is_bipartite", "boolean", {}, [call], answer, yes_no(call.result["bipartite"]))


def triangles(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if fg.graph.is_directed():
        return None
    call = run(backend, "triangles")
    n = call.result["count"]
    return Turn("triangles", "number", {}, [call], f"There {'is' if n == 1 else 'are'} {_plural(n, 'triangle')}.",
                str(n))


def diameter(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if fg.graph.is_directed() or "connected" not in fg.tags:
        return None
    call = run(backend, "diameter")
    if not ok(call):
        return None
    d = number_text(call.result["diameter"])
    return Turn("diameter", "number", {}, [call], f"The diameter is {d}.", d)


def most_central(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    measure = rng.choice(MEASURES)
    probe = run(backend, "centrality", measure=measure, k=2)
    top = probe.result.get("top") or []
    if len(top) < 2 or top[0]["score"] == top[1]["score"]:
        return None  # a tie has no single right answer
    call = run(backend, "centrality", measure=measure, k=1)
    best = call.result["top"][0]
    answer = f"{show(best['id'])} is the most central node by {measure}."
    return Turn("most_central", "node", {"measure": measure}, [call], answer, show(best["id"]))


def _flow_pair(fg: FamilyGraph, rng: random.Random) -> tuple | None:
    if not fg.capacity:
        return None
    sources = sorted((n for n in fg.graph if fg.graph.out_degree(n) > 0), key=str)
    source = rng.choice(sources)
    reachable = sorted(nx.descendants(fg.graph, source), key=str)
    return (source, rng.choice(reachable)) if reachable else None


def _flow_turn(fg: FamilyGraph, backend: GraphBackend, rng: random.Random, tool: str, answer: str) -> Turn | None:
    """A ``max_flow`` or ``min_cut`` question (task named as its tool); ``answer`` formats ``a``, ``b``, ``value``."""
    pair = _flow_pair(fg, rng)
    if pair is None:
        return None
    a, b = pair
    call = run(backend, tool, source=a, sink=b)
    value = number_text(call.result["value"])
    return Turn(tool, "number", {"a": a, "b": b}, [call], answer.format(a=show(a), b=show(b), value=value), value)


def max_flow(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    return _flow_turn(fg, backend, rng, "max_flow", "The maximum flow from {a} to {b} is {value}.")


def min_cut(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    return _flow_turn(fg, backend, rng, "min_cut", "The minimum cut between {a} and {b} has capacity {value}.")


def max_matching(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if fg.graph.is_directed():
        return None
    call = run(backend, "max_matching")
    size = call.result["size"]
    return Turn("max_matching", "number", {}, [call], f"A maximum matching has {_plural(size, 'edge')}.", str(size))


def hamiltonian_path(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    call = run(backend, "hamiltonian_path")
    if not ok(call):
        return None
    path = call.result["path"]
    answer = (f"Yes, for example {', '.join(map(show, path))}." if path
              else "No, no path visits every node exactly once.")
    return Turn("hamiltonian_path", "boolean", {}, [call], answer, yes_no(bool(call.result["exists"])))


def chain_count(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if not fg.graph.is_directed():
        return None
    call = run(backend, "subgraph_match", pattern=[["a", "b"], ["b", "c"]])
    if not ok(call):
        return None
    n = call.result["count"]
    return Turn("chain_count", "number", {}, [call], f"The two-step chain occurs {_plural(n, 'time')}.", str(n))


def _similarity(fg: FamilyGraph, backend: GraphBackend, rng: random.Random):
    if fg.graph.is_directed():
        return None
    nodes = pick_nodes(fg, rng, 2)
    a, b = (node_ref(fg, n) for n in nodes)
    return a, b, run(backend, "similarity", a=a, b=b)


def common_neighbors(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    picked = _similarity(fg, backend, rng)
    if picked is None or picked[2].result["common"]["truncated"]:
        return None
    a, b, call = picked
    common = call.result["common"]["items"]
    answer = (f"{show(a)} and {show(b)} share {listed(common)}." if common
              else f"{show(a)} and {show(b)} have no common neighbours.")
    return Turn("common_neighbors", "node_set", {"a": a, "b": b}, [call], answer, gold_list(common))


def jaccard(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    picked = _similarity(fg, backend, rng)
    if picked is None:
        return None
    a, b, call = picked
    value = number_text(call.result["jaccard"])
    return Turn("jaccard", "number", {"a": a, "b": b}, [call],
                f"The Jaccard similarity of {show(a)} and {show(b)} is {value}.", value)


def describe(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    call = run(backend, "graph_summary")
    info = call.result
    shape = "directed" if info["directed"] else "undirected"
    answer = f"It is a {shape} graph with {_plural(info['nodes'], 'node')} and {_plural(info['edges'], 'edge')}."
    return Turn("describe", "text", {}, [call], answer, answer)
