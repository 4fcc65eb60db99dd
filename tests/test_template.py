"""The one tool-call template: rendering, the Jinja chat template it must equal, parsing, and the prompts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.tool import tool_call
from transformers.utils.chat_template_utils import render_jinja_template

from agent.prompts import FEW_SHOT, SYSTEM_PROMPT, describe_graph
from agent.template import (
    CHAT_TEMPLATE,
    TURN_END,
    parse_model_turn,
    render_prompt,
    render_tool_call,
    template_message,
)
from graphs.networkx_backend import NetworkxBackend
from graphs.sources import GraphSource, open_backend
from graphs.text_graph import parse_question_graph
from tools.registry import TOOLS, call_tool, compact_signatures, get_tool, tool_specs

SPECS = tool_specs()
NAMES = [spec.name for spec in TOOLS]

json_scalars = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=12)
json_scalars |= st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=6), inner, max_size=3), max_leaves=6)
node_names = st.sampled_from(["Oslo", 'say "hi"', "Bjørn Haugen", "a b  c", "</call>", "back\\slash", "🚀", "x\ny"])
arguments = st.dictionaries(st.text(min_size=1, max_size=8), node_names | json_values, max_size=4)


def conversation() -> list:
    """A two-question conversation with a tool call, its result, an answer and a follow-up."""
    return [
        HumanMessage("What is the shortest path from Oslo to Bergen?"),
        AIMessage("", tool_calls=[tool_call(name="shortest_path", args={"target": "Bergen", "source": "Oslo"},
                                            id="c1")]),
        ToolMessage('{"path":["Oslo","Bergen"],"hops":1,"total_weight":null}', tool_call_id="c1"),
        AIMessage("Oslo to Bergen is one hop."),
        HumanMessage("And from there to Bjørn's town?"),
    ]


def as_chat_dicts(messages: list) -> list[dict]:
    """The same conversation as OpenAI / Hugging Face chat dicts, the way vLLM or TRL would pass it."""
    out = []
    for m in messages:
        if isinstance(m, HumanMessage):
            out.append({"role": "user", "content": m.content})
        elif isinstance(m, ToolMessage):
            out.append({"role": "tool", "content": m.content, "tool_call_id": m.tool_call_id})
        elif m.tool_calls:
            calls = [{"type": "function", "function": {"name": c["name"], "arguments": c["args"]}}
                     for c in m.tool_calls]
            out.append({"role": "assistant", "content": None, "tool_calls": calls})
        else:
            out.append({"role": "assistant", "content": m.content})
    return out


def test_render_prompt_writes_the_documented_format():
    tools = tool_specs([get_tool("shortest_path")])
    text = render_prompt(conversation(), tools, graph_context="networkx graph g: 2 nodes, 1 edges, undirected")
    assert text == (
        f"<start_of_turn>system\n{SYSTEM_PROMPT}\nTools:\n"
        "shortest_path(source, target, weight?) - Shortest path between two nodes (fewest hops, or least total"
        " weight).\nGraph: networkx graph g: 2 nodes, 1 edges, undirected<end_of_turn>\n"
        "<start_of_turn>user\nWhat is the shortest path from Oslo to Bergen?<end_of_turn>\n"
        '<start_of_turn>model\n<call>shortest_path {"source":"Oslo","target":"Bergen"}</call><end_of_turn>\n'
        '<start_of_turn>tool\n{"path":["Oslo","Bergen"],"hops":1,"total_weight":null}<end_of_turn>\n'
        "<start_of_turn>model\nOslo to Bergen is one hop.<end_of_turn>\n"
        "<start_of_turn>user\nAnd from there to Bjørn's town?<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


def test_the_adapter_prompt_names_the_tools_without_signatures_or_descriptions():
    tools = tool_specs([get_tool("has_path"), get_tool("shortest_path")])
    text = render_prompt(conversation(), tools, graph_context="G", tool_descriptions=False)
    assert text.startswith(f"<start_of_turn>system\n{SYSTEM_PROMPT}\nTools: has_path, shortest_path\nGraph: G")
    full = render_prompt(conversation(), tools, graph_context="G")
    assert full.index("<start_of_turn>user") > text.index("<start_of_turn>user")
    assert full[full.index("<start_of_turn>user"):] == text[text.index("<start_of_turn>user"):]


@pytest.mark.parametrize("few_shot", [False, True])
@pytest.mark.parametrize("openai_tools", [False, True])
@pytest.mark.parametrize("descriptions", [False, True])
def test_render_prompt_equals_transformers_rendering_of_chat_template(few_shot, openai_tools, descriptions):
    messages = conversation()
    chat = as_chat_dicts([*(FEW_SHOT if few_shot else ()), *messages])
    tools = [{"type": "function", "function": spec} for spec in SPECS] if openai_tools else SPECS
    for bos in ("", "<bos>"):
        rendered, _ = render_jinja_template([chat], tools=tools, chat_template=CHAT_TEMPLATE, bos_token=bos,
                                            add_generation_prompt=True, graph_context="G",
                                            tool_descriptions=descriptions)
        assert rendered[0] == bos + render_prompt(messages, SPECS, graph_context="G", few_shot=few_shot,
                                                  tool_descriptions=descriptions)


def test_chat_template_marks_exactly_the_model_turns_for_training():
    chat = as_chat_dicts(conversation()[:4])
    rendered, spans = render_jinja_template([chat], tools=SPECS, chat_template=CHAT_TEMPLATE, bos_token="<bos>",
                                            return_assistant_tokens_mask=True)
    marked = [rendered[0][start:end] for start, end in spans[0]]
    assert marked == [
        '<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>' + TURN_END,
        "Oslo to Bergen is one hop." + TURN_END,
    ]


def test_a_wrong_guess_renders_like_any_model_turn_but_is_not_marked_for_training():
    """A training call that fails on purpose (``finetune.data.retries``) is shown, so the retry has its error to
    read, but carries no loss: the model learns the recovery, not the mistake."""
    wrong = AIMessage("", tool_calls=[tool_call(name="min_cut", args={"source": "Oslo", "sink": "Bergen"},
                                                id="c0")], additional_kwargs={"wrong_guess": True})
    error = ToolMessage('{"error":"invalid_argument"}', tool_call_id="c0")
    messages = [conversation()[0], wrong, error, *conversation()[1:4]]
    chat = [template_message(m) for m in messages]
    assert chat[1]["wrong_guess"] is True and "wrong_guess" not in chat[3]
    rendered, spans = render_jinja_template([chat], tools=SPECS, chat_template=CHAT_TEMPLATE,
                                            return_assistant_tokens_mask=True)
    plain = dict(chat[1])
    del plain["wrong_guess"]
    assert rendered[0] == render_jinja_template([[chat[0], plain, *chat[2:]]], tools=SPECS,
                                                chat_template=CHAT_TEMPLATE)[0][0]
    assert '<call>min_cut {"source":"Oslo","sink":"Bergen"}</call>' in rendered[0]
    assert [rendered[0][start:end] for start, end in spans[0]] == [
        '<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>' + TURN_END,
        "Oslo to Bergen is one hop." + TURN_END,
    ]


def test_system_turn_is_a_fixed_prefix_shared_by_every_question():
    graph = describe_graph(open_backend(GraphSource(sample="nordic_roads")).summary())
    first = render_prompt([HumanMessage("How many cities?")], SPECS, graph_context=graph, few_shot=True)
    second = render_prompt(conversation(), SPECS, graph_context=graph, few_shot=True)
    system_and_examples = first[: first.rindex("<start_of_turn>user")]
    assert second.startswith(system_and_examples)
    assert compact_signatures(SPECS) in system_and_examples and graph in system_and_examples


def test_a_system_message_replaces_the_default_instruction():
    text = render_prompt([SystemMessage("Be brief."), HumanMessage("Hi")], [], add_generation_prompt=False)
    assert text == "<start_of_turn>system\nBe brief.<end_of_turn>\n<start_of_turn>user\nHi<end_of_turn>\n"


def test_render_prompt_rejects_what_the_format_cannot_hold():
    two_calls = AIMessage("", tool_calls=[tool_call(name="find_cycle", args={}, id=i) for i in ("a", "b")])
    with pytest.raises(ValueError, match="one tool call per model turn"):
        render_prompt([HumanMessage("q"), two_calls], SPECS)
    with pytest.raises(ValueError, match="system only comes first"):
        render_prompt([HumanMessage("q"), SystemMessage("late")], SPECS)


@given(st.sampled_from(NAMES), arguments)
def test_a_rendered_call_parses_back_to_the_same_call(name, args):
    parsed = parse_model_turn(render_tool_call(name, args) + TURN_END, NAMES)
    assert parsed.invalid_tool_calls == [] and parsed.content == ""
    [call] = parsed.tool_calls
    assert (call["name"], json.dumps(call["args"])) == (name, json.dumps(args))


@given(st.sampled_from(NAMES), arguments)
def test_a_parsed_call_renders_back_as_the_model_wrote_it(name, args):
    spec = get_tool(name)
    args = {key: args[key] for key in spec.args_model.model_json_schema()["properties"] if key in args}
    written = render_tool_call(name, args)
    message = AIMessage(**vars(parse_model_turn(written, NAMES)))
    rendered = render_prompt([HumanMessage("q"), message], SPECS, add_generation_prompt=False)
    assert rendered.endswith(f"<start_of_turn>model\n{written}{TURN_END}\n")


@given(st.text().filter(lambda t: not t.strip().startswith("<call>")))
def test_text_not_starting_with_a_call_is_a_final_answer(text):
    parsed = parse_model_turn(text + TURN_END, NAMES)
    assert (parsed.content, parsed.tool_calls, parsed.invalid_tool_calls) == (text.strip(), [], [])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('<call>shortest_paths {"source":1}</call>', "Unknown tool 'shortest_paths'. Did you mean: shortest_path"),
        ('<call>has_path {"source":1,</call>', "Arguments are not valid JSON"),
        ("<call>has_path [1, 2]</call>", "Arguments must be a JSON object, not list"),
        ('<call>has_path {"source":1} and more</call>', "Unexpected text between the arguments and </call>"),
        ('<call>has_path {"source":1}</call> The answer is 3.', "Text after </call>"),
        ('<call>find_cycle {}</call><call>find_cycle {}</call>', "Text after </call>"),
        ('<call>has_path {"source":1}', "Missing </call>"),
        ('<call>{"source":1}</call>', "A tool call needs a tool name"),
    ],
)
def test_a_malformed_call_becomes_an_invalid_tool_call_with_a_clear_error(text, error):
    parsed = parse_model_turn(text, NAMES)
    assert parsed.tool_calls == [] and parsed.content == text
    [invalid] = parsed.invalid_tool_calls
    assert invalid["error"].startswith(error) and invalid["id"].startswith("call_")


def test_a_call_without_arguments_means_no_arguments():
    [call] = parse_model_turn("<call>find_cycle</call>", NAMES).tool_calls
    assert (call["name"], call["args"]) == ("find_cycle", {})


def test_every_parsed_call_gets_its_own_id():
    ids = {parse_model_turn("<call>find_cycle {}</call>", NAMES).tool_calls[0]["id"] for _ in range(50)}
    assert len(ids) == 50


def test_few_shot_results_are_what_the_tools_return_on_the_inline_graphs():
    graph = None
    for message in FEW_SHOT:
        if isinstance(message, HumanMessage):
            parsed = parse_question_graph(message.content)
            assert parsed is not None, message.content
            graph = NetworkxBackend(parsed.graph, name="inline")
        elif isinstance(message, AIMessage) and message.tool_calls:
            [call] = message.tool_calls
            expected = call_tool(graph, call["name"], call["args"])
        elif isinstance(message, ToolMessage):
            assert json.loads(message.content) == expected


def test_describe_graph_is_one_compact_line_for_a_sample():
    summary = open_backend(GraphSource(sample="nordic_roads")).summary()
    assert describe_graph(summary) == (
        "networkx graph nordic_roads: 28 nodes, 34 edges, undirected, weighted; labels: City; relationship types:"
        " BRIDGE, FERRY, ROAD; node properties: country, population; edge properties: minutes, weight;"
        " e.g. Aalborg, Aarhus, Bergen"
    )


def test_describe_graph_names_the_neo4j_schema_and_caps_long_lists():
    summary = {
        "backend": "neo4j", "name": "bolt://db/neo4j", "directed": True, "nodes": 26, "edges": 60, "weighted": False,
        "labels": {"City": 5, "Company": 4, "Person": 12}, "relationship_types": {f"R{i}": 1 for i in range(9)},
        "node_properties": ["name"], "edge_properties": [], "name_property": "name",
        "samples": {"Person": ["Ada", "Bo"], "City": ["Oslo", "Rome"], "Company": ["Acme"]},
    }
    assert describe_graph(summary) == (
        "neo4j graph bolt://db/neo4j: 26 nodes, 60 edges, directed; labels: City, Company, Person;"
        " relationship types: R0, R1, R2, R3, R4, R5 (+3 more); node properties: name; name property: name;"
        " e.g. Ada, Oslo, Acme, Bo"
    )
