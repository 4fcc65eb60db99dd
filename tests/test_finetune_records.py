"""Training records render, through the chat template as TRL applies it, to exactly the agent's prompt text."""

from __future__ import annotations

import json

import pytest
from datasets import load_dataset
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.messages.tool import tool_call
from transformers.utils.chat_template_utils import render_jinja_template

from agent.template import ADAPTER_TOOL_DESCRIPTIONS, CHAT_TEMPLATE, render_prompt
from finetune.records import conversation_record, preference_record
from tools.registry import tool_specs


def adapter_prompt(*args, **kwargs) -> str:
    """``render_prompt`` as the agent renders it for an adapter (and as training rows are rendered)."""
    return render_prompt(*args, tool_descriptions=ADAPTER_TOOL_DESCRIPTIONS, **kwargs)


SPECS = tool_specs()
CONTEXT = "inline graph (networkx, undirected): 3 nodes, 2 edges\ne.g. nodes: 0, 1, 2"


def call(name: str, args: dict, call_id: str = "c1") -> AIMessage:
    return AIMessage("", tool_calls=[tool_call(name=name, args=args, id=call_id)])


def conversation() -> list:
    return [
        HumanMessage("Is there a path from 0 to 2?"),
        call("has_path", {"target": 2, "source": 0}),
        ToolMessage('{"has_path":true}', tool_call_id="c1"),
        AIMessage("Yes, 2 can be reached from 0."),
        HumanMessage("And how many hops?"),
        call("shortest_path", {"source": 0, "target": 2}, "c2"),
        ToolMessage('{"path":[0,1,2],"hops":2,"total_weight":null}', tool_call_id="c2"),
        AIMessage("It takes 2 hops: 0, 1, 2."),
    ]


def render(messages: list[dict], record: dict, **kwargs) -> str:
    """A record's messages rendered the way TRL does: transformers' renderer, the record's tools and kwargs."""
    rendered, _ = render_jinja_template(
        [messages], tools=record["tools"], chat_template=CHAT_TEMPLATE, **record["chat_template_kwargs"], **kwargs
    )
    return rendered[0]


def test_conversation_record_renders_to_the_agent_prompt_text():
    messages = conversation()
    record = conversation_record(messages, tools=SPECS, graph_context=CONTEXT, task="has_path", split="train")
    expected = adapter_prompt(messages, SPECS, graph_context=CONTEXT, add_generation_prompt=False)
    assert render(record["messages"], record) == expected
    assert record["task"] == "has_path" and record["split"] == "train"


def test_every_prefix_of_a_record_is_the_prompt_the_agent_would_send():
    messages = conversation()
    record = conversation_record(messages, tools=SPECS, graph_context=CONTEXT)
    for cut in (1, 3, 5, 7):
        prompt = render(record["messages"][:cut], record, add_generation_prompt=True)
        assert prompt == adapter_prompt(messages[:cut], SPECS, graph_context=CONTEXT)


def test_records_survive_a_jsonl_round_trip_through_datasets(tmp_path):
    record = conversation_record(conversation(), tools=SPECS, graph_context=None, task="has_path")
    other = conversation_record(
        [HumanMessage("Degree of Oslo?"), call("degree", {"node": "Oslo"}),
         ToolMessage('{"degree":3}', tool_call_id="c1"), AIMessage("Oslo has degree 3.")],
        tools=SPECS[:5], graph_context=CONTEXT, task="degree")
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (record, other)))
    loaded = load_dataset("json", data_files=str(path), split="train")
    for row, original in zip(loaded, (record, other), strict=True):
        tools = row["tools"] if not isinstance(row["tools"], str) else json.loads(row["tools"])
        assert render(row["messages"], {"tools": tools, "chat_template_kwargs": row["chat_template_kwargs"]}) == render(
            original["messages"], original)


def test_preference_record_prompt_and_continuations_render_like_the_agent():
    messages = conversation()[:3]
    chosen = [AIMessage("Yes, 2 can be reached from 0.")]
    rejected = [AIMessage("No, 2 cannot be reached from 0.")]
    record = preference_record(messages, chosen, rejected, tools=SPECS, graph_context=CONTEXT,
                               provenance={"source": "synthetic", "failure": "contradicts_result"})
    prompt = render(record["prompt"], record, add_generation_prompt=True)
    assert prompt == adapter_prompt(messages, SPECS, graph_context=CONTEXT)
    for side, continuation in (("chosen", chosen), ("rejected", rejected)):
        full = render(record["prompt"] + record[side], record)
        expected = adapter_prompt(messages + continuation, SPECS, graph_context=CONTEXT, add_generation_prompt=False)
        assert full == expected
        assert full.startswith(prompt)
    assert record["provenance"]["failure"] == "contradicts_result"


def test_bad_records_are_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="must end with a model turn"):
        conversation_record(conversation()[:3], tools=SPECS, graph_context=None)
    with pytest.raises(ValueError, match="TRL's column names"):
        conversation_record(conversation(), tools=SPECS, graph_context=None, prompt="x")
    with pytest.raises(ValueError, match="user or tool turn"):
        preference_record(conversation()[:2], [AIMessage("a")], [AIMessage("b")], tools=SPECS, graph_context=None,
                          provenance={})
    with pytest.raises(ValueError, match="same conversation"):
        preference_record(conversation()[:1], [AIMessage("a")], [AIMessage("a")], tools=SPECS, graph_context=None,
                          provenance={})
