"""The generated conversations are exactly what the agent would see and do: the real agent loop, replaying the
model turns, sends the same prompts and gets the same tool results; inline graphs parse back exactly; model
turns pass the decoding grammar; answers only state what the tools returned."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import xgrammar as xgr
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.context import AgentConfig
from agent.ingest import describe_graph, scratch_backend, scratch_data, split_question
from agent.session import AgentSession
from agent.template import ADAPTER_TOOL_DESCRIPTIONS, parse_model_turn, render_prompt, tool_call_grammar
from finetune.data.conversations import Conversation, build_conversation
from finetune.data.negatives import preference_pairs
from finetune.data.notations import same_graph
from graphs.networkx_backend import NetworkxBackend
from tests.scripted_engine import ScriptedEngine
from tools.registry import TOOLS, call_tool, tool_specs


def adapter_prompt(*args, **kwargs) -> str:
    """``render_prompt`` as the agent renders it for an adapter (and as training rows are rendered)."""
    return render_prompt(*args, tool_descriptions=ADAPTER_TOOL_DESCRIPTIONS, **kwargs)


SEED = 11
NUMBER = r"(?<![\w.])\d+(?:\.\d+)?(?![\w]|\.\d)"


@cache
def sample() -> list[Conversation]:
    """A fixed mix of conversations from every split."""
    return [build_conversation(SEED, split, i) for split, count in (("train", 120), ("test", 60)) for i in range(count)]


def model_turns(convo: Conversation) -> list[str]:
    """The text of each model turn as the model writes it (taken from the rendered conversation)."""
    text = adapter_prompt(convo.messages, convo.tools, graph_context=convo.graph_context, add_generation_prompt=False)
    return re.findall(r"<start_of_turn>model\n(.*?)<end_of_turn>", text, flags=re.S)


def backend_of(convo: Conversation):
    if convo.mode == "inline":
        return scratch_backend(scratch_data(convo.graph.graph))
    return NetworkxBackend(convo.graph.graph, name=convo.file_name)


def test_the_agent_loop_replaying_a_conversation_sends_exactly_the_training_prompts(tmp_path: Path):
    picked = [c for c in sample() if c.mode == "inline"][:12] + [c for c in sample() if c.mode == "file"][:12]
    picked += [c for c in sample() if len(c.turns) > 1][:6]
    assert any(len(c.turns) > 1 for c in picked) and any(len(c.turns[0].calls) > 1 for c in sample())
    for index, convo in enumerate(picked):
        engine = ScriptedEngine(model_turns(convo), adapter_id="sft")
        config = AgentConfig(data_dir=tmp_path / f"run{index}", use_cache=False)
        with AgentSession(backend_of(convo), config, engine=engine) as session:
            thread = None
            questions = [convo.question_text] + [m.text for m in convo.messages if isinstance(m, HumanMessage)][1:]
            traces = []
            for question in questions:
                answer = session.ask(question, thread_id=thread)
                thread = answer.thread_id
                traces.append(answer)
        cuts = [i for i, m in enumerate(convo.messages) if isinstance(m, AIMessage)]
        expected = [adapter_prompt(convo.messages[:cut], convo.tools, graph_context=convo.graph_context)
                    for cut in cuts]
        assert engine.prompts == expected, convo.id
        for answer, turn in zip(traces, convo.turns, strict=True):
            assert answer.answer == turn.answer
            assert [(c["name"], c["args"], c["result"]) for c in answer.tool_calls] == [
                (c.name, c.args, c.result) for c in turn.calls]


def test_inline_questions_parse_back_to_the_generated_graph_and_question():
    inline = [c for c in sample() if c.mode == "inline"]
    assert len({c.notation for c in inline}) >= 5
    for convo in inline:
        question, graph = split_question(convo.question_text)
        assert question == convo.messages[0].text
        assert same_graph(graph, convo.graph.graph)
        assert describe_graph(scratch_backend(scratch_data(graph))) == convo.graph_context


def test_tool_messages_are_the_real_tool_results_on_the_graph():
    for convo in sample():
        backend = backend_of(convo)
        calls = {m.tool_calls[0]["id"]: m.tool_calls[0] for m in convo.messages
                 if isinstance(m, AIMessage) and m.tool_calls}
        for message in (m for m in convo.messages if isinstance(m, ToolMessage)):
            call = calls[message.tool_call_id]
            rerun = call_tool(backend, call["name"], call["args"])
            assert json.loads(message.text) == rerun
            assert message.text == json.dumps(rerun, ensure_ascii=False, separators=(",", ":"))


@cache
def grammar_matcher_factory() -> xgr.CompiledGrammar:
    grammar = tool_call_grammar(tool_specs([spec for spec in TOOLS if spec.name != "run_cypher"]))
    return xgr.GrammarCompiler(xgr.TokenizerInfo([]), cache_enabled=False).compile_grammar(grammar)


def grammar_accepts(text: str) -> bool:
    matcher = xgr.GrammarMatcher(grammar_matcher_factory(), terminate_without_stop_token=True)
    return matcher.accept_string(text) and matcher.is_terminated()


def test_every_model_turn_is_one_the_constrained_decoder_can_produce():
    for convo in sample()[::3]:
        for text in model_turns(convo):
            assert grammar_accepts(text), (convo.id, text)


def test_answers_are_one_short_sentence_grounded_in_the_tool_results():
    for convo in sample():
        for turn in convo.turns:
            assert len(turn.answer) <= 300 and "\n" not in turn.answer
            assert not re.search(r"[.!?] [A-Z]", turn.answer), turn.answer
            facts = " ".join(json.dumps(c.result) + " " + json.dumps(c.args) for c in turn.calls)
            known = [float(n) for n in re.findall(NUMBER, facts)]
            for number in re.findall(NUMBER, turn.answer):
                decimals = len(number.partition(".")[2])
                assert any(round(value, decimals) == float(number) for value in known), (turn.answer, facts)
            if turn.kind in ("node_set", "path", "order"):
                for item in json.loads(turn.gold):
                    assert str(item) in turn.answer
            if turn.kind == "node":
                assert turn.answer.startswith(turn.gold), (turn.answer, turn.gold)


def test_the_trained_prompt_has_no_few_shot_examples_and_the_agent_system_turn():
    convo = sample()[0]
    text = adapter_prompt(convo.messages, convo.tools, graph_context=convo.graph_context, add_generation_prompt=False)
    assert "example-1" not in text and "Marie Curie" not in text
    assert text.startswith("<start_of_turn>system\nYou answer questions about a graph.")
    assert f"\nGraph: {convo.graph_context}<end_of_turn>" in text


@pytest.mark.parametrize("index", range(0, 180, 7))
def test_dpo_rejected_turns_are_realistic_failures_of_the_chosen_turn(index):
    import random

    convo = sample()[index]
    names = [spec.name for spec in TOOLS]
    for pair in preference_pairs(convo, random.Random(index), 20):
        chosen, rejected = pair["chosen"][0], pair["rejected"][0]
        assert isinstance(pair["prompt"][-1], HumanMessage | ToolMessage)
        failure = pair["failure"]
        if failure == "malformed_call":
            assert parse_model_turn(rejected.text, names).invalid_tool_calls
        elif failure in ("hallucinated", "contradicts_result", "verbose", "gives_up", "false_claim"):
            assert not rejected.tool_calls and rejected.text != chosen.text
        else:
            assert rejected.tool_calls and rejected.tool_calls != chosen.tool_calls
