"""Tests for ``graphs.text_graph``: each notation gives the exact graph and remaining question; plain
questions give None; a property test writes random graphs in every notation and reads them back unchanged."""

from __future__ import annotations

import time
from collections.abc import Callable

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphs.errors import GraphFormatError
from graphs.text_graph import ParsedGraph, parse_question_graph


def parse(text: str) -> ParsedGraph:
    parsed = parse_question_graph(text)
    assert parsed is not None, f"no graph found in {text!r}"
    return parsed


def edges_of(graph: nx.Graph) -> dict[tuple, dict]:
    return {(u, v): d for u, v, d in graph.edges(data=True)}


def edge_map(graph: nx.Graph) -> dict[object, dict]:
    """Edges with their data, keyed so that an undirected edge has one key whatever its orientation."""
    return {(u, v) if graph.is_directed() else frozenset((u, v)): d for u, v, d in graph.edges(data=True)}


# --- one test per notation -------------------------------------------------------------------------------


def test_tuple_pairs_after_edges_cue_make_undirected_graph() -> None:
    parsed = parse(
        "Given an undirected graph with edges (0,1), (1,2), (2,3). What is the shortest path from 0 to 3?"
    )
    assert not parsed.graph.is_directed()
    assert edges_of(parsed.graph) == {(0, 1): {}, (1, 2): {}, (2, 3): {}}
    assert parsed.question == "What is the shortest path from 0 to 3?"
    assert parsed.notation == "tuples"


def test_bracketed_tuple_list_at_end_of_question() -> None:
    parsed = parse("What is the shortest path from 0 to 3 in the graph with edges [(0,1),(1,3)]?")
    assert edges_of(parsed.graph) == {(0, 1): {}, (1, 3): {}}
    assert parsed.question == "What is the shortest path from 0 to 3?"


def test_single_bracketed_pair_is_a_graph() -> None:
    assert edges_of(parse("[(4, 5)] Is 4 adjacent to 5?").graph) == {(4, 5): {}}


def test_weighted_triples_with_quoted_names_keep_int_and_float_weights() -> None:
    parsed = parse('Edges: ("New York", "Boston", 3), ("Boston", "Albany", 2.5). How far is Albany?')
    assert edges_of(parsed.graph) == {
        ("New York", "Boston"): {"weight": 3},
        ("Boston", "Albany"): {"weight": 2.5},
    }
    assert isinstance(parsed.graph.edges["Boston", "Albany"]["weight"], float)
    assert parsed.question == "How far is Albany?"


def test_arrow_tuples_make_directed_weighted_graph() -> None:
    parsed = parse("(a -> b, 3), (b->c, 1.5), (c -> a)")
    assert parsed.graph.is_directed()
    assert edges_of(parsed.graph) == {("a", "b"): {"weight": 3}, ("b", "c"): {"weight": 1.5}, ("c", "a"): {}}
    assert parsed.question == ""


def test_unquoted_names_with_spaces_inside_tuples() -> None:
    parsed = parse("(New York, Boston, 3), (Boston, Albany, 2)")
    assert edges_of(parsed.graph) == {
        ("New York", "Boston"): {"weight": 3},
        ("Boston", "Albany"): {"weight": 2},
    }


def test_single_arrow_tuple_is_explicit_enough() -> None:
    parsed = parse("(u->v). Is v reachable?")
    assert parsed.graph.is_directed() and edges_of(parsed.graph) == {("u", "v"): {}}
    assert parsed.question == "Is v reachable?"


def test_weight_key_follows_the_word_the_text_uses() -> None:
    assert edges_of(parse("Find the distance from A to C. Edges: (A, B, 2), (B, C, 3)").graph) == {
        ("A", "B"): {"distance": 2},
        ("B", "C"): {"distance": 3},
    }
    assert parse("Pipes (s, t, 4), (t, u, 1). What is the max flow (capacity)?").graph.edges["s", "t"] == {
        "capacity": 4
    }


def test_dash_list_after_edges_cue() -> None:
    parsed = parse("edges: 0-1, 1-2 and 2-3. Is it a tree?")
    assert not parsed.graph.is_directed()
    assert edges_of(parsed.graph) == {(0, 1): {}, (1, 2): {}, (2, 3): {}}
    assert (parsed.question, parsed.notation) == ("Is it a tree?", "dashes")


def test_dash_list_with_names_after_cue_and_bare_short_ids() -> None:
    assert edges_of(parse("The edges are Oslo-Bergen, Bergen-Stavanger.").graph) == {
        ("Oslo", "Bergen"): {},
        ("Bergen", "Stavanger"): {},
    }
    parsed = parse("In the graph 1-2, 2-3, is 1 connected to 3?")
    assert edges_of(parsed.graph) == {(1, 2): {}, (2, 3): {}}
    assert parsed.question == "Is 1 connected to 3?"


def test_explicit_directed_word_wins_over_dashes() -> None:
    parsed = parse("In a directed graph with edges 0-1, 1-2, is there a path from 2 to 0?")
    assert parsed.graph.is_directed()
    assert edges_of(parsed.graph) == {(0, 1): {}, (1, 2): {}}
    assert parsed.question == "Is there a path from 2 to 0?"


def test_explicit_undirected_word_wins_over_arrows() -> None:
    parsed = parse("An undirected graph: A -> B, B -> C.")
    assert not parsed.graph.is_directed()
    assert set(parsed.graph.edges()) == {("A", "B"), ("B", "C")}


def test_arrow_lists_and_chains() -> None:
    parsed = parse("A -> B, B -> C -> D. Find a cycle.")
    assert parsed.graph.is_directed()
    assert edges_of(parsed.graph) == {("A", "B"): {}, ("B", "C"): {}, ("C", "D"): {}}
    assert (parsed.question, parsed.notation) == ("Find a cycle.", "arrows")


def test_prose_edges_between_with_weights() -> None:
    parsed = parse(
        "There is an edge between 0 and 1 with weight 4. There is an edge between 1 and 2 with weight 3. "
        "Shortest path from 0 to 2?"
    )
    assert not parsed.graph.is_directed()
    assert edges_of(parsed.graph) == {(0, 1): {"weight": 4}, (1, 2): {"weight": 3}}
    assert (parsed.question, parsed.notation) == ("Shortest path from 0 to 2?", "prose")


def test_prose_directed_edges_from_to_with_capacity() -> None:
    parsed = parse(
        "There is a directed edge from A to B with capacity 5, and an edge from B to C with capacity 2. "
        "What is the max flow from A to C?"
    )
    assert parsed.graph.is_directed()
    assert edges_of(parsed.graph) == {("A", "B"): {"capacity": 5}, ("B", "C"): {"capacity": 2}}
    assert parsed.question == "What is the max flow from A to C?"


def test_prose_edge_from_to_alone_is_directed() -> None:
    parsed = parse("There is an edge from u to v. There is an edge from v to w.")
    assert parsed.graph.is_directed() and set(parsed.graph.edges()) == {("u", "v"), ("v", "w")}


def test_prose_multi_edge_sentence() -> None:
    parsed = parse("The graph has edges between 0 and 1, 1 and 2, and 2 and 3. Is it bipartite?")
    assert edges_of(parsed.graph) == {(0, 1): {}, (1, 2): {}, (2, 3): {}}
    assert parsed.question == "Is it bipartite?"


def test_prose_is_connected_to_lists() -> None:
    parsed = parse("Alice is connected to Bob and Carol. Bob is connected to Dave. Who links Alice and Dave?")
    assert not parsed.graph.is_directed()
    assert set(parsed.graph.edges()) == {("Alice", "Bob"), ("Alice", "Carol"), ("Bob", "Dave")}
    assert parsed.question == "Who links Alice and Dave?"
    parsed = parse("node 0 is connected to nodes 1, 3 and 4. Is node 0 a hub?")
    assert set(parsed.graph.edges()) == {(0, 1), (0, 3), (0, 4)}
    assert parsed.question == "Is node 0 a hub?"


def test_precedence_statements_make_directed_edges_first_to_later() -> None:
    parsed = parse(
        "Task 1 must be finished before task 2. Task 2 must come before task 3. C depends on A and B. "
        "A is a prerequisite for D. Give a valid order."
    )
    assert parsed.graph.is_directed()
    assert set(parsed.graph.edges()) == {(1, 2), (2, 3), ("A", "C"), ("B", "C"), ("A", "D")}
    assert (parsed.question, parsed.notation) == ("Give a valid order.", "precedence")


def test_precedence_with_lowercase_task_names_and_lists() -> None:
    parsed = parse("task a must be finished before task b, and b must come before c and d. Order?")
    assert set(parsed.graph.edges()) == {("a", "b"), ("b", "c"), ("b", "d")}
    assert parsed.question == "Order?"


def test_adjacency_block_with_colons_keeps_isolated_node() -> None:
    parsed = parse("0: 1, 2\n1: 2\n2: 0\n3:\nIs this graph connected?")
    assert not parsed.graph.is_directed()
    assert sorted(parsed.graph.nodes) == [0, 1, 2, 3]
    assert set(map(frozenset, parsed.graph.edges())) == {frozenset(e) for e in [(0, 1), (0, 2), (1, 2)]}
    assert (parsed.question, parsed.notation) == ("Is this graph connected?", "adjacency")


def test_adjacency_lines_with_arrows_are_directed() -> None:
    parsed = parse("A -> B, C\nB -> C\nFind the topological order.")
    assert parsed.graph.is_directed()
    assert set(parsed.graph.edges()) == {("A", "B"), ("A", "C"), ("B", "C")}
    assert (parsed.question, parsed.notation) == ("Find the topological order.", "adjacency")


def test_node_weight_pairs_and_prose() -> None:
    parsed = parse("Node weights: [0, 5], [1, 3], [2, 7.5]. Edges: 0-1, 1-2. Find the heaviest node.")
    assert dict(parsed.graph.nodes(data="weight")) == {0: 5, 1: 3, 2: 7.5}
    assert (parsed.question, parsed.notation) == ("Find the heaviest node.", "node-weights+dashes")
    parsed = parse("node 0 has weight 5 and node 1 has a weight of 2. There is an edge between 0 and 1.")
    assert dict(parsed.graph.nodes(data="weight")) == {0: 5, 1: 2}


@pytest.mark.parametrize(
    ("text", "nodes"),
    [
        ("The nodes are numbered from 0 to 5. Edges: (0,1), (1,2). How many components?", list(range(6))),
        ("There are 6 nodes numbered 0 to n-1 and edges 0-1, 2-3. How many components?", list(range(6))),
        ("The nodes are A, B, C and D. The edges are A-B, C-D. How many components?", ["A", "B", "C", "D"]),
    ],
)
def test_node_declarations_add_isolated_nodes(text: str, nodes: list) -> None:
    parsed = parse(text)
    assert sorted(parsed.graph.nodes, key=str) == nodes
    assert parsed.question == "How many components?"
    assert parsed.notation.startswith("node-list+")


def test_huge_node_range_is_a_format_error() -> None:
    with pytest.raises(GraphFormatError, match="too large"):
        parse_question_graph("The nodes are numbered from 0 to 99999999. Edges: 0-1, 1-2.")


def test_edge_stated_twice_keeps_last_weight() -> None:
    assert parse("Edges: (0, 1, 2), (1, 0, 5)").graph.edges[0, 1] == {"weight": 5}


# --- texts without a graph -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Who works at Acme?",
        "what is the shortest path from Oslo to Bergen?",
        "Is there an edge between 0 and 3?",
        "Does an edge from A to B exist?",
        "I took my A-level exams; it is well-known. On 2024-05-01 what happened?",
        "Between 2020-01-01 and 2021-12-31, which well-known A-level results changed?",
        "Does Bob depend on Alice?",
        "Check whether Bob is connected to Alice.",
        "Which task comes before B?",
        "Who lives in Paris (France, Europe)?",
        "Note: use metres.",
        "The score was 3-1.",
        "Compute 5-3, 7-2 please.",
        "My phone is 555-1234, 555-9876.",
        "What is 2-1?",
        "Answer: 42\nResult: 7",
        "Call f(a, b) and g(c, d) in Python.",
        "(x, y)",
        "",
        "Who is linked to Nova?",
        "What is connected to Oslo?",
        "Which city is adjacent to Oslo?",
    ],
)
def test_plain_questions_are_not_graphs(text: str) -> None:
    assert parse_question_graph(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Add an edge between Oslo and Bergen.",
        "Please create an edge from A to B.",
        "Delete the edge between Oslo and Bergen.",
        "Could you remove the edge 1-2?",
    ],
)
def test_a_request_to_change_the_graph_is_not_a_graph(text: str) -> None:
    assert parse_question_graph(text) is None


def test_a_graph_before_a_write_request_is_still_read() -> None:
    parsed = parse("Edges: 1-2, 2-3. Add an edge 3-4?")
    assert sorted(parsed.graph.edges) == [(1, 2), (2, 3)] and parsed.question == "Add an edge 3-4?"


def test_long_texts_parse_in_linear_time() -> None:
    started = time.perf_counter()
    assert parse_question_graph("A B C D E F " * 2000 + "is connected") is None
    assert parse_question_graph("Aaaa " * 3000 + "depends on") is None
    assert time.perf_counter() - started < 2.0


# --- property test: write a random graph in each notation, read it back -----------------------------------

NAMES = ["A", "B", "C", "D", "Oslo", "Bergen", "Alpha", "Bravo", "X1", "Y2"]


@st.composite
def graphs(draw: st.DrawFn, directed: bool | None = None, weighted: bool | None = None) -> nx.Graph:
    """A small graph with int (0..n-1) or str node names, optional weights, possibly isolated nodes."""
    directed = draw(st.booleans()) if directed is None else directed
    weighted = draw(st.booleans()) if weighted is None else weighted
    n = draw(st.integers(2, 7))
    nodes = list(range(n)) if draw(st.booleans()) else draw(st.permutations(NAMES))[:n]
    pairs = [(u, v) for u in nodes for v in nodes if u != v and (directed or str(u) < str(v))]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=8, unique=True))
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(nodes)
    for u, v in chosen:
        if weighted:
            graph.add_edge(
                u, v, weight=draw(st.integers(1, 99) | st.integers(1, 400).map(lambda k: k + 0.25))
            )
        else:
            graph.add_edge(u, v)
    return graph


def declare_nodes(graph: nx.Graph) -> str:
    nodes = list(graph.nodes)
    if isinstance(nodes[0], int):
        return f"The nodes are numbered from 0 to {len(nodes) - 1}. "
    return f"The nodes are {', '.join(nodes[:-1])} and {nodes[-1]}. "


def kind(graph: nx.Graph) -> str:
    return "Consider a directed graph. " if graph.is_directed() else "Consider an undirected graph. "


def weight_of(graph: nx.Graph, u: object, v: object, fmt: str) -> str:
    weight = graph.edges[u, v].get("weight")
    return "" if weight is None else fmt.format(weight)


def write_tuples(graph: nx.Graph) -> str:
    items = [f"({u}, {v}{weight_of(graph, u, v, ', {}')})" for u, v in graph.edges]
    return kind(graph) + declare_nodes(graph) + "Edges: " + ", ".join(items) + "."


def write_bracketed_quoted(graph: nx.Graph) -> str:
    def name(node: object) -> str:
        return f'"{node}"' if isinstance(node, str) else str(node)

    items = [f"({name(u)},{name(v)}{weight_of(graph, u, v, ',{}')})" for u, v in graph.edges]
    return declare_nodes(graph) + kind(graph) + "G = [" + ", ".join(items) + "]"


def write_dashes(graph: nx.Graph) -> str:
    return (
        kind(graph) + declare_nodes(graph) + "edges: " + ", ".join(f"{u}-{v}" for u, v in graph.edges) + "."
    )


def write_arrows(graph: nx.Graph) -> str:
    return declare_nodes(graph) + "\n" + ", ".join(f"{u} -> {v}" for u, v in graph.edges) + "."


def write_arrow_tuples(graph: nx.Graph) -> str:
    items = [f"({u} -> {v}{weight_of(graph, u, v, ', {}')})" for u, v in graph.edges]
    return declare_nodes(graph) + " ".join(items)


def write_prose(graph: nx.Graph) -> str:
    word = "from {} to {}" if graph.is_directed() else "between {} and {}"
    sentences = [
        "There is an edge " + word.format(u, v) + weight_of(graph, u, v, " with weight {}") + "."
        for u, v in graph.edges
    ]
    return declare_nodes(graph) + " ".join(sentences)


def write_prose_list(graph: nx.Graph) -> str:
    pairs = ", ".join(f"{u} and {v}{weight_of(graph, u, v, ' with weight {}')}" for u, v in graph.edges)
    return kind(graph) + declare_nodes(graph) + f"It has edges between {pairs}."


def write_precedence(graph: nx.Graph) -> str:
    def task(node: object) -> str:
        return f"task {node}" if isinstance(node, int) else str(node)

    sentences = [f"{task(u).capitalize()} must be finished before {task(v)}." for u, v in graph.edges]
    return declare_nodes(graph) + " ".join(sentences)


def write_adjacency(graph: nx.Graph) -> str:
    lines = [
        f"{u}: {', '.join(str(v) for v in graph.adj[u] if graph.is_directed() or str(u) < str(v))}"
        for u in graph
    ]
    return kind(graph) + "\n" + "\n".join(line.rstrip() for line in lines)


QUESTION = "What is the answer?"
WRITERS: dict[str, tuple[Callable[[nx.Graph], str], st.SearchStrategy[nx.Graph]]] = {
    "tuples": (write_tuples, graphs()),
    "tuples-bracketed": (write_bracketed_quoted, graphs()),
    "tuples-arrows": (write_arrow_tuples, graphs(directed=True)),
    "dashes": (write_dashes, graphs(weighted=False)),
    "arrows": (write_arrows, graphs(directed=True, weighted=False)),
    "prose": (write_prose, graphs()),
    "prose-list": (write_prose_list, graphs()),
    "precedence": (write_precedence, graphs(directed=True, weighted=False)),
    "adjacency": (write_adjacency, graphs(weighted=False)),
}


@pytest.mark.parametrize("notation", sorted(WRITERS))
def test_random_graph_written_in_notation_parses_back_identically(notation: str) -> None:
    writer, strategy = WRITERS[notation]

    @settings(max_examples=100, deadline=None)
    @given(strategy)
    def round_trip(graph: nx.Graph) -> None:
        text = writer(graph) + "\n" + QUESTION
        parsed = parse(text)
        assert parsed.graph.is_directed() == graph.is_directed(), text
        assert dict(parsed.graph.nodes(data=True)) == dict(graph.nodes(data=True)), text
        assert edge_map(parsed.graph) == edge_map(graph), text
        assert parsed.question == QUESTION, text

    round_trip()
