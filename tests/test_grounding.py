"""Node and schema arguments grounded in the question (``agent.grounding``): misspelled names the user wrote
correctly are fixed, names the graph lacks are left for the tool to report, and the fix is on record."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from langchain_core.messages import AIMessage

from agent.grounding import ground_tool_calls, question_spans
from graphs.networkx_backend import NetworkxBackend
from tests.test_agent_graph import make_session


@pytest.fixture
def roads() -> NetworkxBackend:
    graph = nx.Graph([("Stockholm", "Oslo"), ("Oslo", "Gothenburg"), ("Gothenburg", "Copenhagen"),
                      ("Bergen", "Oslo"), ("St. Petersburg", "Helsinki")])
    return NetworkxBackend(graph, name="roads")


def call(name: str, **args) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": "c1"}],
                     response_metadata={"raw": "model text"})


def test_a_misspelled_node_becomes_the_node_the_question_names(roads):
    grounded = ground_tool_calls(call("shortest_path", source="Sanktok", target="Copenhagen"), roads,
                                 "What is the cheapest route from Stockholm to Copenhagen?")
    assert grounded.tool_calls[0]["args"] == {"source": "Stockholm", "target": "Copenhagen"}
    assert grounded.response_metadata["grounded"] == [
        {"tool": "shortest_path", "argument": "source", "from": "Sanktok", "to": "Stockholm"}]
    assert grounded.response_metadata["raw"] == "model text"


def test_the_closest_named_node_wins_and_names_with_punctuation_and_spaces_count(roads):
    question = "How far is Bergen from Stockholm, and is St. Petersburg near?"
    grounded = ground_tool_calls(call("k_hop", node="Bernd", k=1), roads, question)
    assert grounded.tool_calls[0]["args"] == {"node": "Bergen", "k": 1}
    assert ground_tool_calls(call("degree", node="St Petrsburg"), roads, question).tool_calls[0]["args"] == {
        "node": "St. Petersburg"}


def test_a_node_another_argument_already_names_is_not_used_twice(roads):
    message = call("has_path", source="Gothard", target="Gothenburg")
    assert ground_tool_calls(message, roads, "Is there a path from Gothenburg to Gothenburg?") is message


def test_each_node_of_a_list_argument_is_grounded_apart(roads):
    question = "Which has more roads, Gothenburg or Bergen?"
    grounded = ground_tool_calls(call("compare_degree", nodes=["Gothard", "Bergen"]), roads, question)
    assert grounded.tool_calls[0]["args"] == {"nodes": ["Gothenburg", "Bergen"]}
    assert grounded.response_metadata["grounded"] == [
        {"tool": "compare_degree", "argument": "nodes[0]", "from": "Gothard", "to": "Gothenburg"}]
    taken = call("compare_degree", nodes=["Gothard", "Gothenburg"])  # the only match is already in the list
    assert ground_tool_calls(taken, roads, "Gothenburg or Gothenburg?") is taken


@pytest.mark.parametrize("question, value", [
    ("What is the degree of Tampere?", "Tampere"),        # the user asked about a node the graph lacks
    ("What is the degree of Tampere and Turku?", "Tampere"),  # nothing like it in the question is a node
    ("Who are Oslo's neighbours?", "Bergen-x"),            # the graph has Bergen, the question does not name it
])
def test_names_the_graph_lacks_are_left_for_the_tool_to_report(roads, question, value):
    message = call("degree", node=value)
    assert ground_tool_calls(message, roads, question) is message


def test_existing_nodes_and_calls_without_node_arguments_are_untouched(roads):
    for message in (call("degree", node="oslo"), call("count_edges"), call("no_such_tool", node="x")):
        assert ground_tool_calls(message, roads, "How many roads does Oslo have?") is message


@pytest.fixture
def library() -> NetworkxBackend:
    graph = nx.DiGraph()
    graph.add_node("Ada", labels=["Author"], born=1980)
    graph.add_node("Echo", labels=["Book"], pages=320, year=2001)
    graph.add_node("Drama", labels=["Genre"])
    graph.add_edge("Ada", "Echo", type="WROTE")
    graph.add_edge("Echo", "Drama", type="IN_GENRE")
    return NetworkxBackend(graph, name="library")


def test_a_schema_name_the_graph_lacks_becomes_the_one_the_question_writes(library):
    grounded = ground_tool_calls(call("find_nodes", label="Book", prop="page", value=320), library,
                                 "Which Book entries have 320 as their pages?")
    assert grounded.tool_calls[0]["args"] == {"label": "Book", "prop": "pages", "value": 320}
    assert grounded.response_metadata["grounded"] == [
        {"tool": "find_nodes", "argument": "prop", "from": "page", "to": "pages"}]
    birth = ground_tool_calls(call("find_nodes", label="Author", prop="birth", value=1980), library,
                              "Search the authors: which one has born equal to 1980?")
    assert birth.tool_calls[0]["args"]["prop"] == "born"  # not alike, but the only property the question writes
    wrote = ground_tool_calls(call("count_edges", rel_type="wrote"), library, "How many WROTE edges are there?")
    assert wrote.tool_calls[0]["args"] == {"rel_type": "WROTE"}


@pytest.mark.parametrize("message, question", [
    (call("find_nodes", label="Book", prop="pages", value=320), "Books with 320 pages?"),  # a name it has
    (call("count_nodes", label="Person"), "How many people are there?"),        # the question names no label
    (call("find_nodes", prop="size", value=1), "Books by year or pages?"),      # two, neither like "size"
])
def test_known_or_unanswerable_schema_names_are_left_for_the_tool(library, message, question):
    assert ground_tool_calls(message, library, question) is message


def test_question_spans_keep_the_words_as_written():
    assert "Great Vale" in question_spans('Is "Great Vale" linked to Mill Wharf?')
    assert "Mill Wharf" in question_spans('Is "Great Vale" linked to Mill Wharf?')
    assert question_spans("") == []


def test_the_loop_runs_the_grounded_call_and_logs_the_fix(tmp_path: Path) -> None:
    replies = ['<call>shortest_path {"source":"Oslo","target":"Bergn"}</call>', "Oslo, Bergen."]
    with make_session(tmp_path, replies) as session:
        answer = session.ask("What is the shortest path from Oslo to Bergen?")
        run = session.log.get_run(answer.run_id)
    assert answer.tool_calls[0]["args"] == {"source": "Oslo", "target": "Bergen"}
    assert answer.tool_calls[0]["result"]["path"] == ["Oslo", "Bergen"]
    tool_step = next(step for step in run["steps"] if step["kind"] == "tool")
    assert tool_step["data"]["args"] == {"source": "Oslo", "target": "Bergen"}
    model_step = next(step for step in run["steps"] if step["kind"] == "model")
    assert model_step["data"]["metadata"]["grounded"] == [
        {"tool": "shortest_path", "argument": "target", "from": "Bergn", "to": "Bergen"}]
    assert '"target":"Bergn"' in model_step["data"]["metadata"]["raw"]
