"""The ``auto`` outcome label (``agent.verify``): answers checked against the last tool result, listings included:
a correct list of neighbours agrees, an empty listing agrees with an answer that says so or that reads the other
direction's listing, and a listing answered with other nodes disagrees."""

from __future__ import annotations

import doctest

import agent.verify
from agent.verify import AGREES, DISAGREES, UNDECIDABLE, auto_label


def _listing(*ids: object, count: int | None = None, **extra: object) -> dict:
    items = [{"id": node, "direction": "out", "rel_type": None, "weight": None} for node in ids]
    return {"count": len(ids) if count is None else count, "items": items, "truncated": count is not None, **extra}


def _trace(result: dict, name: str = "neighbors") -> list[dict]:
    return [{"name": name, "args": {"node": "X"}, "result": result}]


def test_a_listing_agrees_when_every_shown_item_is_named_or_its_count_is_stated():
    assert auto_label("The neighbours of X are A, B and C.", _trace(_listing("A", "B", "C"))) == AGREES
    assert auto_label("X has 3 neighbours.", _trace(_listing("A", "B", "C"))) == AGREES
    assert auto_label("X has 25 neighbours, among them A and B.", _trace(_listing("A", "B", count=25))) == AGREES


def test_a_listing_disagrees_when_an_item_is_missing_and_no_count_is_given():
    assert auto_label("The neighbours of X are A and D.", _trace(_listing("A", "B", "C"))) == DISAGREES
    assert auto_label("X has 4 neighbours.", _trace(_listing("A", "B", "C"))) == DISAGREES


def test_an_empty_listing_agrees_with_saying_so_and_disagrees_with_naming_nodes():
    assert auto_label("X has no PUBLISHED relationships.", _trace(_listing())) == AGREES
    assert auto_label("No Person has age 99.", _trace(_listing(), "find_nodes")) == AGREES
    assert auto_label("X points to Y.", _trace(_listing())) == DISAGREES


def test_an_empty_direction_is_checked_against_the_other_direction_it_lists():
    other = {"direction": "in", **_listing("Iron Press")}
    trace = _trace(_listing(other_direction=other))
    assert auto_label("X has no outgoing PUBLISHED relationships; Iron Press has one to X.", trace) == AGREES
    assert auto_label("X has no PUBLISHED relationships.", trace) == DISAGREES


def test_a_degree_comparison_agrees_when_the_answer_names_the_node_with_the_most():
    compared = _trace({"most": "B", "degrees": [{"id": "B", "degree": 5}, {"id": "A", "degree": 3}]}, "compare_degree")
    assert auto_label("B has more connections (5 versus 3).", compared) == AGREES
    assert auto_label("A has more connections.", compared) == DISAGREES
    tie = {"most": None, "tied": ["A", "B"], "degrees": [{"id": "A", "degree": 2}, {"id": "B", "degree": 2}]}
    assert auto_label("A and B both have 2.", _trace(tie, "compare_degree")) == AGREES
    assert auto_label("B has more.", _trace(tie, "compare_degree")) == DISAGREES


def test_without_a_successful_result_the_label_is_undecidable():
    failed = [{"name": "neighbors", "args": {}, "result": {"error": "node_not_found", "message": "Node X not found."}}]
    assert auto_label("X is not in the graph.", failed) == UNDECIDABLE


def test_the_docstring_examples_run():
    assert doctest.testmod(agent.verify).failed == 0
