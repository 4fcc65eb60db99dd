"""Question wording: several phrasing templates per intent, written by us, and the style variations applied to them.

Why templates and styles are separate: the split holds out whole templates (``finetune.data.splits``), while
styles (terse, chatty, misspelled, upper-case) vary every template in train and test alike. A template's id is
``task.N`` (its position in its task's tuple); the LAST ``held_out_count`` templates of each task are test-only,
so add new templates in the middle, not at the end, to keep existing splits stable.

Slots: ``{a}``, ``{b}`` nodes; ``{k}`` a hop count; ``{label}``/``{labels}`` a node label and its plural;
``{rel}`` a relationship type; ``{prop}``/``{value}`` a node property and value; ``{measure}`` a centrality
measure; ``{x}`` a missing node.
"""

from __future__ import annotations

import random
import re

from finetune.data.names import misspell

TEMPLATES: dict[str, tuple[str, ...]] = {
    "count_nodes": (
        "How many nodes are in the graph?", "How many nodes does this graph have?", "node count?",
        "Count the vertices.", "What is the number of nodes?", "How big is the graph in nodes?",
    ),
    "count_edges": (
        "How many edges are there?", "How many edges does the graph have?", "edge count?",
        "Count the links in this graph.", "What is the total number of edges?",
    ),
    "count_label": (
        "How many {labels} are there?", "Count the {label} nodes.", "number of {labels}?",
        "How many nodes have the label {label}?", "How many {labels} does the graph contain?",
    ),
    "count_rel": (
        "How many {rel} relationships are there?", "Count the {rel} edges.", "number of {rel} links?",
        "How many edges have type {rel}?",
    ),
    "degree": (
        "What is the degree of {a}?", "How many neighbours does {a} have?", "degree of {a}?",
        "How many edges touch {a}?", "How many connections does {a} have?", "How well connected is {a}?",
    ),
    "out_degree": (
        "How many edges leave {a}?", "What is the out-degree of {a}?", "out degree {a}?",
        "How many outgoing edges does {a} have?",
    ),
    "in_degree": (
        "How many edges point into {a}?", "What is the in-degree of {a}?", "in degree of {a}?",
        "How many incoming edges does {a} have?",
    ),
    "neighbors": (
        "What are the neighbours of {a}?", "Which nodes are adjacent to {a}?", "neighbors of {a}?",
        "List the nodes connected to {a}.", "Who is directly linked to {a}?", "What does {a} connect to?",
    ),
    "successors": (
        "Which nodes does {a} point to?", "What are the successors of {a}?", "out-neighbours of {a}?",
        "Where do the edges from {a} go?",
    ),
    "has_path": (
        "Is there a path from {a} to {b}?", "Can {a} reach {b}?", "path {a} to {b}?",
        "Is {b} reachable from {a}?", "Can I get from {a} to {b}?", "Does any route lead from {a} to {b}?",
    ),
    "shortest_path": (
        "What is the shortest path from {a} to {b}?", "Find the shortest route between {a} and {b}.",
        "shortest path {a} to {b}?", "How do I get from {a} to {b} in the fewest steps?",
        "Give me the quickest way from {a} to {b}.", "Which path from {a} to {b} uses the fewest hops?",
    ),
    "weighted_path": (
        "What is the cheapest path from {a} to {b}?", "Find the lightest route from {a} to {b}.",
        "min-weight path {a} to {b}?", "Which route from {a} to {b} has the lowest total?",
        "What is the best route from {a} to {b} counting the edge values?",
    ),
    "k_hop": (
        "Which nodes are within {k} hops of {a}?", "What can {a} reach in at most {k} steps?",
        "nodes within {k} hops of {a}?", "List everything at most {k} edges away from {a}.",
        "What is in the {k}-hop neighbourhood of {a}?",
    ),
    "count_components": (
        "How many connected components are there?", "Is the graph in one piece, or how many parts?",
        "components?", "How many separate pieces does the graph have?", "Count the connected components.",
    ),
    "component_of": (
        "Which nodes are in the same component as {a}?", "What is connected to {a}, directly or not?",
        "component of {a}?", "List the component that contains {a}.",
    ),
    "has_cycle": (
        "Does the graph contain a cycle?", "Is there a cycle?", "cycle?", "Is this graph acyclic?",
        "Can you find a loop in the graph?",
    ),
    "topological_order": (
        "In what order can the tasks run?", "Give a topological order.", "topo sort?",
        "What is a valid order that respects every edge?", "Order the nodes so every edge points forward.",
    ),
    "is_bipartite": (
        "Is the graph bipartite?", "Can the nodes be split into two groups with edges only between groups?",
        "bipartite?", "Can this graph be two-coloured?", "Is this a bipartite graph?",
    ),
    "triangles": (
        "How many triangles are there?", "Count the triangles in the graph.", "triangles?",
        "How many sets of three mutually linked nodes exist?",
    ),
    "diameter": (
        "What is the diameter of the graph?", "What is the longest shortest-path distance?", "diameter?",
        "How far apart are the two most distant nodes?",
    ),
    "most_central": (
        "Which node is the most central by {measure}?", "What is the top node by {measure} centrality?",
        "most central node ({measure})?", "Rank by {measure}: which node comes first?",
        "Who has the highest {measure} centrality?",
    ),
    "max_flow": (
        "What is the maximum flow from {a} to {b}?", "How much can flow from {a} to {b}?",
        "max flow {a} to {b}?", "What is the largest flow that can be sent from {a} to {b}?",
    ),
    "min_cut": (
        "What is the minimum cut between {a} and {b}?", "What is the smallest capacity cut separating {a} from {b}?",
        "min cut {a} {b}?", "How much capacity must be removed to cut {a} off from {b}?",
    ),
    "max_matching": (
        "What is the size of a maximum matching?", "How many pairs can be matched with no node used twice?",
        "max matching?", "How many disjoint edges can be chosen at most?",
    ),
    "hamiltonian_path": (
        "Is there a path that visits every node exactly once?", "Does a Hamiltonian path exist?",
        "hamiltonian path?", "Can one walk through all nodes without repeating any?",
    ),
    "chain_count": (
        "How many two-step chains are there?", "How many paths of two consecutive edges exist?",
        "count two-edge chains?", "How many times does the pattern a to b to c occur?",
    ),
    "common_neighbors": (
        "What neighbours do {a} and {b} have in common?", "Which nodes are linked to both {a} and {b}?",
        "common neighbours {a} {b}?", "Who do {a} and {b} both connect to?",
    ),
    "jaccard": (
        "What is the Jaccard similarity of {a} and {b}?", "How similar are {a} and {b} by their neighbours?",
        "jaccard {a} {b}?", "How much do the neighbourhoods of {a} and {b} overlap?",
    ),
    "describe": (
        "Describe the graph.", "What kind of graph is this?", "summary?", "Give me an overview of the graph.",
    ),
    "find_by_property": (
        "Which {labels} have {prop} {value}?", "Find every {label} whose {prop} is {value}.",
        "{labels} with {prop}={value}?", "List the {labels} where {prop} equals {value}.",
    ),
    "property_of": (
        "What is the {prop} of {a}?", "Tell me the {prop} of {a}.", "{prop} of {a}?",
        "What {prop} does {a} have?",
    ),
    "related_in": (
        "Which nodes have a {rel} relationship to {a}?", "Who is linked to {a} by {rel}?", "{rel} into {a}?",
        "List every {rel} edge ending at {a}.",
    ),
    "related_out": (
        "Which nodes does {a} have a {rel} relationship to?", "Where does {a} point with {rel}?",
        "{rel} from {a}?", "List every {rel} edge starting at {a}.",
    ),
    "top_neighbors": (
        "What are the neighbours of the node with the highest degree?",
        "Who is connected to the best-connected node?", "neighbours of the top-degree node?",
        "Find the most connected node and list its neighbours.",
    ),
    "compare_degree": (
        "Which has more connections, {a} or {b}?", "Does {a} or {b} have the higher degree?",
        "{a} vs {b}: higher degree?", "Compare the degrees of {a} and {b}.",
    ),
    "typo_degree": (
        "How many neighbours does {a} have?", "What is the degree of {a}?", "degree of {a}?",
        "How many connections has {a} got?",
    ),
    "unknown_node": (
        "What are the neighbours of {x}?", "How many edges touch {x}?", "neighbors of {x}?",
        "Which nodes link to {x}?",
    ),
    "ambiguous_node": (
        "What is the {prop} of {a}?", "Tell me about {a}.", "{prop} of {a}?", "What do we know about {a}?",
    ),
    "write_refusal": (
        "Delete node {a}.", "Add an edge between {a} and {b}.", "remove {a}", "Please rename {a} to {x}.",
        "Connect {a} to {b} for me.", "Drop every edge of {a}.",
    ),
    "no_tool": (
        "Hello!", "What is the capital of France?", "thanks", "Write me a short poem about rain.",
        "Who are you?", "What time is it?", "Tell me a joke.", "Good morning, how are you?",
    ),
}
"""Phrasings per task (one turn, one intent)."""

FOLLOW_UPS: tuple[str, ...] = (
    "And {new}?", "What about {new}?", "Same question for {new}.", "now {new}?", "How about {new}?",
    "And for {new}?",
)
"""A follow-up that repeats the previous question with one node changed (held out like the templates)."""

STYLES = ("plain", "plain", "plain", "chatty", "misspelled", "upper")
"""Style variations, drawn uniformly (so plain half the time)."""

_CHATTY_OPENERS = ("Hey! ", "Quick question: ", "Hi there, ", "I was wondering: ", "Could you check something? ")
_CHATTY_CLOSERS = ("", "", " Thanks!", " Thank you.", " Cheers.")


def held_out_count(total: int) -> int:
    """How many of a task's ``total`` templates only the test split sees."""
    return 1 if total < 6 else 2


def apply_style(question: str, style: str, protected: list[str], rng: random.Random) -> str:
    """``question`` in ``style``; ``protected`` strings (node names, values) are never misspelled."""
    if style == "plain":
        return question
    if style == "upper":
        return question.upper()
    if style == "chatty":
        starts_with_name = any(question.startswith(str(p)) for p in protected)
        body = question if starts_with_name else question[:1].lower() + question[1:]
        return rng.choice(_CHATTY_OPENERS) + body + rng.choice(_CHATTY_CLOSERS)
    if style == "misspelled":
        words = [m for m in re.finditer(r"[A-Za-z]{5,}", question)
                 if not any(m.group(0) in str(p) for p in protected)]
        if not words:
            return question
        m = rng.choice(words)
        return question[: m.start()] + misspell(m.group(0), rng) + question[m.end():]
    raise ValueError(f"unknown style {style!r}")
