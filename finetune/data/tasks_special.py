"""Task builders beyond one plain call: two-call questions, the degree comparison, misspelled / unknown /
ambiguous node names, write requests on a read-only graph, and questions no tool can answer.

The behaviours taught here are the agent's rules: a ``node_not_found`` error with a close match means retry with
that match; one without a close match means say the node does not exist; ``ambiguous_node`` means ask which one;
a request to change the graph or a question outside graphs gets an answer without any tool call.
"""

from __future__ import annotations

import random

from finetune.data.families import FamilyGraph
from finetune.data.names import misspell, unknown_name
from finetune.data.turns import Turn, gold_list, listed, node_ref, ok, pick_nodes, run, show
from graphs.backend import GraphBackend

REFUSAL = "I can't change the graph: my tools only read it."
OUT_OF_SCOPE = "I answer questions about the graph; ask me about its nodes, edges or paths."


def top_neighbors(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    """Two calls: the node with the highest degree, then its neighbours."""
    if fg.graph.is_directed():
        return None
    probe = run(backend, "centrality", measure="degree", k=2)
    top = probe.result["top"]
    if len(top) < 2 or top[0]["score"] == top[1]["score"]:
        return None
    first = run(backend, "centrality", measure="degree", k=1)
    best = first.result["top"][0]["id"]
    second = run(backend, "neighbors", node=best)
    if second.result["truncated"]:
        return None
    ids = [item["id"] for item in second.result["items"]]
    answer = f"{show(best)} has the highest degree; its neighbours are {listed(ids)}."
    return Turn("top_neighbors", "node_set", {}, [first, second], answer, gold_list(ids))


def compare_degree(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    """One call that compares the degrees of two nodes: the tool, not the model, says which is higher."""
    if fg.graph.is_directed():
        return None
    nodes = pick_nodes(fg, rng, 2)
    a, b = (node_ref(fg, n) for n in nodes)
    call = run(backend, "compare_degree", nodes=[a, b])
    if call.result["most"] is None:
        return None
    high, low = (item["degree"] for item in call.result["degrees"])
    winner = a if node_ref(fg, call.result["most"]) == a else b
    answer = f"{show(winner)} has more connections ({high} versus {low})."
    return Turn("compare_degree", "node", {"a": a, "b": b}, [call], answer, show(winner))


def typo_degree(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    """Two calls: a misspelled name fails with a close match, and the retry uses that match."""
    if fg.style not in ("word", "spaced", "kg"):
        return None
    (node,) = pick_nodes(fg, rng, 1)
    ref = node_ref(fg, node)
    typo = misspell(str(ref), rng) if isinstance(ref, str) else ref
    if typo == ref:
        return None
    first = run(backend, "degree", node=typo)
    matches = first.result.get("close_matches") or []
    if ok(first) or not matches or matches[0] != ref:
        return None
    second = run(backend, "degree", node=matches[0])
    d = second.result["degree"]
    return Turn("typo_degree", "number", {"a": typo}, [first, second], f"{show(ref)} has degree {d}.", str(d))


def unknown_node(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    """One failing call: the node does not exist and nothing is close, so the answer says so."""
    style = "word" if fg.style == "kg" else fg.style
    for _ in range(4):
        x = unknown_name(style, set(fg.graph), rng) if style != "int" else rng.randint(200, 999)
        call = run(backend, "neighbors", node=x)
        if call.result.get("error") == "node_not_found" and not call.result.get("close_matches"):
            return Turn("unknown_node", "text", {"x": x}, [call], f"There is no node {show(x)} in the graph.",
                        "not found")
    return None


def ambiguous_node(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    """One call that finds several nodes with the name: the answer asks which one is meant."""
    if "ambiguous" not in fg.tags:
        return None
    names: dict[str, list] = {}
    for node, name in fg.graph.nodes(data="name"):
        names.setdefault(name, []).append(node)
    shared = sorted(name for name, nodes in names.items() if len(nodes) > 1)
    if not shared:
        return None
    name = rng.choice(shared)
    call = run(backend, "node_info", node=name)
    if call.result.get("error") != "ambiguous_node":
        return None
    candidates = call.result["candidates"]
    prop = rng.choice(sorted(k for k in fg.graph.nodes[names[name][0]] if k not in ("labels", "name")))
    answer = f"{len(candidates)} nodes are named {name} ({listed(candidates)}); which one do you mean?"
    return Turn("ambiguous_node", "text", {"a": name, "prop": prop}, [call], answer, "ambiguous", [prop])


def write_refusal(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    """No call: the graph is read-only, so a request to change it is refused."""
    nodes = pick_nodes(fg, rng, 2)
    a, b = (node_ref(fg, n) for n in nodes)
    x = unknown_name("word", set(fg.graph), rng)
    return Turn("write_refusal", "text", {"a": a, "b": b, "x": x}, [], REFUSAL, REFUSAL)


def no_tool(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    """No call: small talk or a question outside graphs."""
    return Turn("no_tool", "text", {}, [], OUT_OF_SCOPE, OUT_OF_SCOPE)
