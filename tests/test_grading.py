"""Grading (finetune.grading) and reading free-text answers: one behaviour per kind, plus the verdicts before
content."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from finetune.answer_reading import normalize, read_yes_no, stated_numbers
from finetune.grading import Verdict, can_grade, grade, guess_kind
from graphs.networkx_backend import NetworkxBackend
from graphs.sources import GraphSource, open_backend

OK = [{"name": "some_tool", "args": {}, "result": {"ok": True}}]


def asked(**args: object) -> list[dict]:
    return [{"name": "some_tool", "args": args, "result": {"ok": True}}]


@pytest.fixture(scope="module")
def roads() -> NetworkxBackend:
    return open_backend(GraphSource(sample="nordic_roads"))


@pytest.fixture(scope="module")
def pipeline() -> NetworkxBackend:
    return open_backend(GraphSource(sample="release_pipeline"))


def weighted_square() -> NetworkxBackend:
    """0-1-3 costs 2, 0-2-3 costs 20, 0-3 direct costs 50: fewest hops and least weight disagree."""
    graph = nx.Graph()
    graph.add_weighted_edges_from([(0, 1, 1), (1, 3, 1), (0, 2, 10), (2, 3, 10), (0, 3, 50)])
    return NetworkxBackend(graph)


def test_an_empty_answer_is_missing_before_anything_else() -> None:
    assert grade("  ", kind="boolean", gold="yes", tool_calls=OK, graph=None) == Verdict("missing", "no answer")


def test_an_answer_without_any_tool_call_is_hallucinated_even_when_right() -> None:
    assert grade("Yes.", kind="boolean", gold="yes", tool_calls=[], graph=None).verdict == "hallucinated"


def test_an_answer_whose_every_tool_call_failed_is_an_invalid_call() -> None:
    calls = [{"name": "has_path", "args": {"source": "X"}, "result": {"error": "node_not_found", "message": "..."}}]
    verdict = grade("Yes.", kind="boolean", gold="yes", tool_calls=calls, graph=None)
    assert verdict.verdict == "invalid_call" and "node_not_found" in verdict.detail


def test_one_successful_call_among_failed_ones_lets_the_content_be_graded() -> None:
    calls = [{"name": "x", "args": {}, "result": {"error": "bad"}}, *OK]
    assert grade("No.", kind="boolean", gold="no", tool_calls=calls, graph=None).verdict == "correct"


@pytest.mark.parametrize(("text", "said"), [
    ("Yes, Oslo reaches Bergen.", True),
    ("no", False),
    ("There is no path from 0 to 3.", False),
    ("Oslo cannot reach Reykjavik.", False),
    ("The graph isn't bipartite.", False),
    ("There is a path: 0, 1, 3.", True),
    ("True", True),
    ("I cannot answer that with the tools I have.", None),
])
def test_yes_or_no_is_read_from_free_text(text: str, said: bool | None) -> None:
    assert read_yes_no(text) is said


def test_an_unreadable_boolean_answer_is_wrong_not_no() -> None:
    verdict = grade("I don't know.", kind="boolean", gold="no", tool_calls=OK, graph=None)
    assert verdict == Verdict("wrong", "no yes/no found in the answer")


def test_numbers_are_read_with_thousands_separators_decimal_commas_and_words() -> None:
    assert stated_numbers("1,234 km, then 3,5 h and three stops") == [1234.0, 3.5, 3.0]


@pytest.mark.parametrize(("answer", "gold", "verdict"), [
    ("There are 28 cities.", "28", "correct"),
    ("About 0.12.", "0.1234", "correct"),
    ("It is 0.13.", "0.1234", "wrong"),
    ("It is 3.", "3.47", "wrong"),
    ("There are 27 cities.", "28", "wrong"),
    ("0, 1, 2, 3 or 4", "3", "wrong"),
    ("No numbers here.", "3", "wrong"),
])
def test_numbers_match_to_the_precision_written_and_hedging_is_wrong(answer: str, gold: str, verdict: str) -> None:
    assert grade(answer, kind="number", gold=gold, tool_calls=OK, graph=None).verdict == verdict


def test_a_number_naming_the_asked_node_is_not_counted_as_hedging() -> None:
    calls = asked(node=7)
    assert grade("Node 7 has degree 2, node 7 again.", kind="number", gold="2", tool_calls=calls,
                 graph=None).verdict == "correct"


def test_a_node_answer_must_name_the_gold_node_without_listing_many(roads: NetworkxBackend) -> None:
    calls = asked(node="Oslo")
    assert grade("From Oslo, Bergen is the farthest.", kind="node", gold="Bergen", tool_calls=calls,
                 graph=roads).verdict == "correct"
    assert grade("Stockholm.", kind="node", gold="Bergen", tool_calls=calls, graph=roads).verdict == "wrong"
    hedge = "Bergen, Stockholm, Malmö or Turku."
    assert grade(hedge, kind="node", gold="Bergen", tool_calls=calls, graph=roads).verdict == "wrong"


def test_a_comparison_is_graded_on_the_node_its_conclusion_names(roads: NetworkxBackend) -> None:
    calls = asked(a="Oslo", b="Bergen")
    right = "Oslo has 2 connections and Bergen has 1, so Oslo has more."
    assert grade(right, kind="node", gold="Oslo", tool_calls=calls, graph=roads).verdict == "correct"
    inverted = "Oslo has 2 connections and Bergen has 1, so Bergen has more."
    assert grade(inverted, kind="node", gold="Oslo", tool_calls=calls, graph=roads).verdict == "wrong"
    assert grade("Bergen has more connections (2 versus 1).", kind="node", gold="Oslo", tool_calls=calls,
                 graph=roads).verdict == "wrong"


def test_a_node_set_is_read_by_matching_the_graphs_names_and_ignores_the_asked_node(roads: NetworkxBackend) -> None:
    neighbours = sorted(roads.graph.neighbors("Oslo"))
    gold = json.dumps(neighbours)
    calls = asked(node="Oslo")
    text = f"Oslo links directly to {', '.join(neighbours)}."
    assert grade(text, kind="node_set", gold=gold, tool_calls=calls, graph=roads).verdict == "correct"
    partial = grade(f"Oslo links to {neighbours[0]}.", kind="node_set", gold=gold, tool_calls=calls, graph=roads)
    assert partial.verdict == "wrong" and "missing" in partial.detail


def test_a_number_with_a_unit_is_a_quantity_not_a_node_named_with_digits() -> None:
    line = NetworkxBackend(nx.path_graph(8))
    calls = [{"name": "k_hop", "args": {"node": 3, "k": 2}, "result": {"count": 4}}]
    one_hop = grade("Within 1 hops of 3: 2 and 4.", kind="node_set", gold="[2, 4]", tool_calls=calls, graph=line)
    assert one_hop.verdict == "correct"
    two_hops = "Within 2 hops of 3: 1, 2, 4 and 5."
    assert grade(two_hops, kind="node_set", gold="[1, 2, 4, 5]", tool_calls=calls, graph=line).verdict == "correct"
    missed = grade("Within 2 hops of 3: 1, 4 and 5.", kind="node_set", gold="[1, 2, 4, 5]", tool_calls=calls,
                   graph=line)
    assert missed.verdict == "wrong" and missed.detail == "missing 1 (2)"


def test_a_node_set_without_a_graph_is_read_from_a_written_list() -> None:
    assert grade("They are: a, b and c.", kind="node_set", gold='["c","b","a"]', tool_calls=OK,
                 graph=None).verdict == "correct"


def test_an_optimal_path_other_than_the_gold_one_is_correct() -> None:
    graph = nx.Graph([(0, 1), (1, 3), (0, 2), (2, 3)])
    verdict = grade("From 0 to 3: 0 -> 2 -> 3.", kind="path", gold="[0, 1, 3]", tool_calls=asked(source=0, target=3),
                    graph=NetworkxBackend(graph))
    assert verdict.verdict == "correct"


def test_a_valid_but_heavier_path_is_suboptimal_and_a_broken_one_wrong() -> None:
    square = weighted_square()
    calls = asked(source=0, target=3)
    assert grade("0, 1, 3", kind="path", gold="[0, 1, 3]", tool_calls=calls, graph=square).verdict == "correct"
    assert grade("0, 2, 3", kind="path", gold="[0, 1, 3]", tool_calls=calls, graph=square).verdict == "suboptimal"
    assert grade("0, 1, 2, 3", kind="path", gold="[0, 1, 3]", tool_calls=calls, graph=square).verdict == "wrong"


def test_a_gold_path_shortest_by_hops_only_is_judged_by_hops() -> None:
    square = weighted_square()
    assert grade("Go 0 -> 3 directly.", kind="path", gold="[0, 3]", tool_calls=OK,
                 graph=square) == Verdict("correct", "an optimal path by hops")
    assert grade("0, 1, 3", kind="path", gold="[0, 3]", tool_calls=OK, graph=square) == Verdict(
        "suboptimal", "a valid path costing 2 hops, the optimum is 1")


def test_a_gold_path_shortest_by_weight_is_judged_by_weight_even_if_also_fewest_hops() -> None:
    graph = nx.Graph()
    graph.add_weighted_edges_from([("a", "b", 1), ("b", "d", 1), ("a", "c", 1), ("c", "d", 5)])
    backend = NetworkxBackend(graph)
    verdict = grade("a, c, d", kind="path", gold='["a", "b", "d"]', tool_calls=OK, graph=backend)
    assert verdict == Verdict("suboptimal", "a valid path costing 6 weight, the optimum is 2")


def test_a_path_on_a_sample_graph_is_read_from_prose(roads: NetworkxBackend) -> None:
    best = nx.shortest_path(roads.graph, "Oslo", "Copenhagen", weight="weight")
    text = f"The shortest route from Oslo to Copenhagen is {' -> '.join(best)}."
    assert grade(text, kind="path", gold=json.dumps(best), tool_calls=OK, graph=roads).verdict == "correct"


def test_an_answer_denying_that_a_path_exists_is_wrong_even_if_it_names_both_ends() -> None:
    verdict = grade("No, 3 cannot be reached from 0 to 3.", kind="path", gold="[0, 1, 3]", tool_calls=OK,
                    graph=weighted_square())
    assert verdict == Verdict("wrong", "says there is no path")


def test_an_empty_gold_path_wants_the_answer_to_say_there_is_none() -> None:
    assert grade("There is no path.", kind="path", gold="[]", tool_calls=OK, graph=None).verdict == "correct"
    assert grade("0, 1, 3", kind="path", gold="[]", tool_calls=OK, graph=None).verdict == "wrong"


def test_any_valid_topological_order_is_correct_without_a_gold_answer(pipeline: NetworkxBackend) -> None:
    order = list(nx.topological_sort(pipeline.graph))
    text = "A valid order: " + ", ".join(order) + "."
    assert can_grade("order", None, pipeline)
    assert grade(text, kind="order", gold=None, tool_calls=OK, graph=pipeline).verdict == "correct"
    backwards = "Order: " + ", ".join(reversed(order))
    assert grade(backwards, kind="order", gold=None, tool_calls=OK, graph=pipeline).verdict == "wrong"
    short = "Order: " + ", ".join(order[:3])
    assert "orders 3 of the" in grade(short, kind="order", gold=None, tool_calls=OK, graph=pipeline).detail


def test_a_maximum_matching_is_correct_a_smaller_one_suboptimal_and_a_reused_node_wrong() -> None:
    jobs = NetworkxBackend(nx.Graph([("ann", "x"), ("ann", "y"), ("bob", "x")]))
    grade_it = lambda text: grade(text, kind="matching", gold=None, tool_calls=OK, graph=jobs).verdict  # noqa: E731
    assert grade_it("Pairs: (ann, y), (bob, x).") == "correct"
    assert grade_it("ann → y and bob → x") == "correct"
    assert grade_it("Only ann-x.") == "suboptimal"
    assert grade(
        "ann-x", kind="matching", gold='[["ann", "x"]]', tool_calls=OK, graph=jobs
    ).verdict == "suboptimal", "a gold matching that is not maximum does not lower the bar"
    assert grade_it("ann with x, bob with x") == "wrong"
    assert grade_it("Nobody can be matched.") == "wrong"


def test_gold_answers_in_the_wrong_encoding_raise_a_clear_error() -> None:
    with pytest.raises(ValueError, match="neither yes nor no"):
        grade("yes", kind="boolean", gold="maybe", tool_calls=OK, graph=None)
    with pytest.raises(ValueError, match="not JSON"):
        grade("a", kind="path", gold="a then b", tool_calls=OK, graph=None)
    with pytest.raises(ValueError, match="unknown answer kind"):
        grade("a", kind="colour", gold="red", tool_calls=OK, graph=None)
    with pytest.raises(ValueError, match="needs a gold answer"):
        grade("3", kind="number", gold=None, tool_calls=OK, graph=None)


@pytest.mark.parametrize(("gold", "kind"), [
    ("yes", "boolean"), ("3.5", "number"), ('["a","b"]', "node_set"), ('[["a","x"]]', "matching"), ("Oslo", "text"),
])
def test_the_kind_is_guessed_from_the_gold_encoding(gold: str, kind: str) -> None:
    assert guess_kind(gold) == kind


def test_text_answers_must_contain_the_gold_words_whole() -> None:
    assert grade("Oslo is in Norway.", kind="text", gold="norway", tool_calls=OK, graph=None).verdict == "correct"
    assert grade("Norwayish.", kind="text", gold="Norway", tool_calls=OK, graph=None).verdict == "wrong"


def test_normalize_gives_the_gold_encoding_of_what_was_said(roads: NetworkxBackend) -> None:
    assert normalize("Yes, it can.", "boolean", None) == "yes"
    assert normalize("It takes 1,200 km.", "number", None) == "1200"
    assert normalize("Oslo -> Gothenburg -> Malmö", "path", roads.graph) == '["Oslo", "Gothenburg", "Malmö"]'
    assert normalize("Malmö and Oslo", "node_set", roads.graph) == '["Malmö", "Oslo"]'
    assert normalize("  Some   Text ", "text", None) == "some text"
