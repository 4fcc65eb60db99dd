"""``LocalChatModel``: template in, grammar-constrained generation, tool calls out -- scripted and on the real model."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage

from agent.chat_model import AnswerGate, LocalChatModel
from agent.grammar import max_call_bytes
from tests.scripted_engine import ScriptedEngine
from tools.registry import get_tool, tool_specs

SPECS = tool_specs([get_tool("shortest_path"), get_tool("count_nodes")])
QUESTION = [HumanMessage("What is the shortest path from Oslo to Bergen?")]


def test_a_call_comes_back_as_a_tool_call_generated_under_the_grammar() -> None:
    engine = ScriptedEngine(['<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>'])
    message = LocalChatModel(engine=engine).bind_tools(SPECS).invoke(QUESTION, graph_context="roads: 28 nodes")
    assert isinstance(message, AIMessage) and message.content == ""
    assert message.tool_calls[0]["name"] == "shortest_path"
    assert message.tool_calls[0]["args"] == {"source": "Oslo", "target": "Bergen"}
    assert engine.grammars[0] is not None and "count_nodes" in engine.grammars[0]
    assert "roads: 28 nodes" in engine.prompts[0] and engine.prompts[0].endswith("<start_of_turn>model\n")
    assert message.usage_metadata["output_tokens"] > 0


def test_unparseable_output_becomes_an_invalid_tool_call_with_the_error() -> None:
    engine = ScriptedEngine(["<call>shortest_path {oops}</call>"])
    message = LocalChatModel(engine=engine).bind_tools(SPECS).invoke(QUESTION)
    assert message.tool_calls == []
    assert "not valid JSON" in message.invalid_tool_calls[0]["error"]


def test_a_call_cut_off_by_the_token_budget_is_generated_again_with_room_to_finish() -> None:
    full = '<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>'
    engine = ScriptedEngine([full[:24], full])
    model = LocalChatModel(engine=engine, max_tokens=6, max_call_tokens=64)
    message = model.bind_tools(SPECS).invoke(QUESTION)
    assert len(engine.prompts) == 2 and engine.prompts[0] == engine.prompts[1]
    assert message.invalid_tool_calls == []
    assert message.tool_calls[0]["args"] == {"source": "Oslo", "target": "Bergen"}


def test_a_cut_off_call_with_a_closing_tag_inside_its_string_is_generated_again() -> None:
    full = '<call>shortest_path {"source":"Oslo</call>x","target":"Bergen"}</call>'
    engine = ScriptedEngine([full[:40], full])
    message = LocalChatModel(engine=engine, max_tokens=10).bind_tools(SPECS).invoke(QUESTION)
    assert len(engine.prompts) == 2
    assert message.tool_calls[0]["args"] == {"source": "Oslo</call>x", "target": "Bergen"}


def test_the_second_try_gets_the_longest_call_the_grammar_admits_within_the_engines_context() -> None:
    full = '<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>'
    roomy = ScriptedEngine([full[:24], full])
    LocalChatModel(engine=roomy, max_tokens=6).bind_tools(SPECS).invoke(QUESTION)
    assert roomy.budgets == [6, max_call_bytes(SPECS)]
    tight = ScriptedEngine([full[:24], full])
    tight.n_ctx = len(roomy.prompts[0]) // 4 + 500
    LocalChatModel(engine=tight, max_tokens=6).bind_tools(SPECS).invoke(QUESTION)
    assert tight.budgets == [6, 500]


def test_a_turn_ends_at_the_end_of_turn_marker_or_at_the_end_of_a_one_line_answer() -> None:
    engine = ScriptedEngine(["Oslo and Bergen are one hop apart."])
    LocalChatModel(engine=engine).bind_tools(SPECS).invoke(QUESTION)
    assert engine.stops == [["<end_of_turn>", "\n"]]


def test_an_answer_cut_off_by_the_token_budget_is_not_generated_again() -> None:
    engine = ScriptedEngine(["Oslo and Bergen are one hop apart, and the road"])
    message = LocalChatModel(engine=engine, max_tokens=6).bind_tools(SPECS).invoke(QUESTION)
    assert len(engine.prompts) == 1
    assert message.content.startswith("Oslo and Bergen")


def test_without_tools_there_is_no_grammar_and_the_answer_streams() -> None:
    engine = ScriptedEngine(["Oslo and Bergen are one hop apart."])
    chunks = list(LocalChatModel(engine=engine).stream(QUESTION))
    assert engine.grammars == [None]
    assert "".join(chunk.text for chunk in chunks) == "Oslo and Bergen are one hop apart."
    assert all(isinstance(chunk, AIMessageChunk) for chunk in chunks)


def test_a_tool_calls_text_is_never_streamed_as_answer_text() -> None:
    shown: list[str] = []
    gate = AnswerGate(shown.append)
    for piece in [" ", "<ca", 'll>count_nodes {}</call>']:
        gate.feed(piece)
    assert shown == []
    answer_gate = AnswerGate(shown.append)
    for piece in [" ", "Twenty", " eight"]:
        answer_gate.feed(piece)
    assert "".join(shown) == "Twenty eight"


def test_the_few_shot_baseline_adds_worked_examples_to_the_prompt() -> None:
    engine = ScriptedEngine(["a", "b"])
    LocalChatModel(engine=engine, few_shot=False).bind_tools(SPECS).invoke(QUESTION)
    LocalChatModel(engine=engine, few_shot=True).bind_tools(SPECS).invoke(QUESTION)
    assert len(engine.prompts[1]) > len(engine.prompts[0]) + 200


def test_the_real_model_under_the_grammar_always_gives_a_parseable_turn() -> None:
    pytest.importorskip("llama_cpp")
    from agent.engines import make_engine

    engine = make_engine("llamacpp", adapter="none")
    try:
        model = LocalChatModel(engine=engine, few_shot=True, max_tokens=48).bind_tools(SPECS)
        message = model.invoke(QUESTION, graph_context="nordic_roads (networkx, undirected): 28 nodes, 34 edges")
    finally:
        engine.close()
    assert message.invalid_tool_calls == []
    assert message.tool_calls or (message.text and not message.text.startswith("<"))
    assert message.usage_metadata["input_tokens"] > 100
