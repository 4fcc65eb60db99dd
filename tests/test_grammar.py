"""The model-turn grammar: valid calls and answers are accepted, malformed calls are not, both grammar engines
load it, and every string it accepts parses (an unparseable tool call is impossible)."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
import xgrammar as xgr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from agent.grammar import MAX_FREE_PAIRS, MAX_STRING_CHARS, UnsupportedSchema, max_call_bytes, tool_call_grammar
from agent.template import TURN_END, parse_model_turn, render_tool_call
from tools.registry import TOOLS, get_tool, tool_specs

SPECS = tool_specs()
NAMES = [spec.name for spec in TOOLS]
GRAMMAR = tool_call_grammar(SPECS)
STOP = "<eos>"

nasty_text = st.text(alphabet=st.sampled_from('ab Z"\\/<>{}é😀\n\t\x01'), max_size=8)


@cache
def compiled(vocab: tuple[str, ...] = ()) -> xgr.CompiledGrammar:
    """The grammar compiled for a tokenizer whose tokens are ``vocab`` plus a stop token (none: strings only)."""
    info = xgr.TokenizerInfo([*vocab, STOP], stop_token_ids=[len(vocab)]) if vocab else xgr.TokenizerInfo([])
    return xgr.GrammarCompiler(info, cache_enabled=False).compile_grammar(GRAMMAR)


def accepts(text: str) -> bool:
    """Whether the grammar matches all of ``text`` and may end there."""
    matcher = xgr.GrammarMatcher(compiled(), terminate_without_stop_token=True)
    return matcher.accept_string(text) and matcher.is_terminated()


def from_schema(schema: dict[str, Any], root: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid under the JSON-schema subset our tools use, objects with keys in schema order."""
    if "$ref" in schema:
        return from_schema(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([from_schema(option, root) for option in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "object":
        if "properties" not in schema:
            return st.dictionaries(nasty_text, from_schema(schema["additionalProperties"], root), max_size=3)
        return _objects(schema, root)
    if kind == "array":
        if "prefixItems" in schema:
            return st.tuples(*(from_schema(item, root) for item in schema["prefixItems"])).map(list)
        return st.lists(from_schema(schema["items"], root), min_size=schema.get("minItems", 0),
                        max_size=min(schema.get("maxItems", 4), 4))
    if kind == "string":
        return nasty_text.filter(lambda s: len(s.strip()) >= schema.get("minLength", 0))
    if kind == "integer":
        return st.integers(schema.get("minimum", -(10**15)), schema.get("maximum", 10**15))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6)
    return {"boolean": st.booleans(), "null": st.none()}[kind]


def _objects(schema: dict[str, Any], root: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    required = set(schema.get("required", ()))
    keys = list(schema["properties"])
    fields = [
        st.tuples(st.just(True) if key in required else st.booleans(), from_schema(schema["properties"][key], root))
        for key in keys
    ]
    return st.tuples(*fields).map(lambda drawn: {k: v for k, (keep, v) in zip(keys, drawn, strict=True) if keep})


@st.composite
def valid_calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    spec = draw(st.sampled_from(SPECS))
    return spec["name"], draw(from_schema(spec["parameters"], spec["parameters"]))


@given(valid_calls())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_every_rendered_valid_call_is_accepted(call):
    name, args = call
    get_tool(name).args_model.model_validate(args)  # the drawn arguments really are valid
    assert accepts(render_tool_call(name, args))


@pytest.mark.parametrize(
    "text",
    ["The shortest path is Oslo, Bergen.", "3", "Yes.\nIt has <b>no</b> cycle.", "é"],
)
def test_a_final_answer_is_accepted(text):
    assert accepts(text)


@pytest.mark.parametrize(
    "text",
    [
        '<call>shortest_paths {"source":"a","target":"b"}</call>',  # unknown tool
        '<call>has_path {"source":"a"}</call>',  # missing required argument
        '<call>has_path {"source":"a","target":true}</call>',  # wrong type
        '<call>neighbors {"node":"a","direction":"up"}</call>',  # not in the enum
        '<call>k_hop {"node":"a","k":11}</call>',  # out of range
        '<call>centrality {"k":0}</call>',  # out of a wide range
        '<call>centrality {"k":101}</call>',
        '<call>has_path {"source":"a","target":"b","extra":1}</call>',  # unknown argument
        '<call>has_path {"source":"a",}</call>',  # bad JSON
        '<call>has_path {"source":"a","target":"b"}',  # unclosed
        '<call>has_path {"source":"a","target":"b"}</call> done',  # trailing text
        '<call>find_cycle {}</call><call>find_cycle {}</call>',  # two calls
        '<call>has_path {"target":"b","source":"a"}</call>',  # keys out of schema order
        '<call>has_path { "source":"a","target":"b"}</call>',  # not compact
        '<call>has_path</call>',  # no arguments object
        "<start_of_turn>model",  # answers never start with "<"
        " padded answer",  # ... nor with whitespace
        "",
    ],
)
def test_a_malformed_turn_is_rejected(text):
    assert not accepts(text)


def test_llama_cpp_loads_the_grammar():
    llama_grammar = pytest.importorskip("llama_cpp.llama_grammar")
    assert llama_grammar.LlamaGrammar.from_string(GRAMMAR, verbose=False) is not None


def test_schemas_the_converter_cannot_express_are_refused_clearly():
    with pytest.raises(UnsupportedSchema, match="pattern"):
        tool_call_grammar([{"name": "t", "parameters": {"type": "object", "properties": {
            "x": {"type": "string", "pattern": "^a+$"}}}}])


def test_refs_to_definitions_are_followed():
    schema = {"type": "object", "properties": {"d": {"$ref": "#/$defs/D"}}, "required": ["d"],
              "$defs": {"D": {"enum": ["up", "down"]}}}
    grammar = tool_call_grammar([{"name": "move", "parameters": schema}])
    matcher = xgr.GrammarMatcher(xgr.GrammarCompiler(xgr.TokenizerInfo([])).compile_grammar(grammar),
                                 terminate_without_stop_token=True)
    assert matcher.accept_string('<call>move {"d":"up"}</call>') and matcher.is_terminated()


WALK_VOCAB = tuple(dict.fromkeys([
    "<call>", "</call>", *(f"{name} " for name in NAMES), *(f'"{key}":' for spec in SPECS
                                                            for key in spec["parameters"]["properties"]),
    *'{}[]",:.-+eE0123456789_abcdefghijklmnopqrstuvwxyzABZ \\/<>é😀\n\t', "true", "false", "null", "u00e9",
]))


@given(st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_string_the_grammar_accepts_parses_into_a_call_or_an_answer(data):
    """A random walk over a small vocabulary, only ever taking tokens the grammar allows, ends in a text that
    parse_model_turn reads as a valid call of a bound tool (with valid arguments) or as a final answer."""
    text = _walk(data)
    parsed = parse_model_turn(text + TURN_END, NAMES)
    assert parsed.invalid_tool_calls == []
    if text.startswith("<call>"):
        [call] = parsed.tool_calls
        try:
            get_tool(call["name"]).args_model.model_validate(call["args"])
        except ValidationError as exc:  # pydantic strips whitespace before min_length; the grammar does not
            assert {error["type"] for error in exc.errors()} == {"string_too_short"}
    else:
        assert parsed.content == text.strip() and parsed.tool_calls == []


def _walk(data: st.DataObject, free_steps: int = 60, max_steps: int = 400) -> str:
    """Draw allowed tokens freely for ``free_steps``, then steer to the end by preferring closing tokens."""
    matcher = xgr.GrammarMatcher(compiled(WALK_VOCAB))
    bitmask = xgr.allocate_token_bitmask(1, len(WALK_VOCAB) + 1)
    closers = [len(WALK_VOCAB), *(WALK_VOCAB.index(t) for t in ('"', "}", "]", "</call>", "0", "null", "a"))]
    pieces: list[str] = []
    for step in range(max_steps):
        matcher.fill_next_token_bitmask(bitmask)
        allowed = np.flatnonzero(xgr.testing.bitmask_to_bool_mask(bitmask, len(WALK_VOCAB) + 1).numpy())
        assert len(allowed), f"dead end after {''.join(pieces)!r}"
        if step == 0 and data.draw(st.booleans()):  # half the walks are calls, not just 1 in len(vocab)
            token = WALK_VOCAB.index("<call>")
        elif step < free_steps:
            token = int(data.draw(st.sampled_from(allowed.tolist())))
        else:
            token = next((t for t in closers if t in allowed), int(allowed[0]))
        assert matcher.accept_token(token)
        if token == len(WALK_VOCAB):
            return "".join(pieces)
        pieces.append(WALK_VOCAB[token])
    raise AssertionError(f"walk did not end: {''.join(pieces)!r}")



@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_call_the_grammar_accepts_is_longer_than_max_call_bytes_of_its_tool(data):
    """The second-try budget of a cut-off call relies on this bound."""
    text = _walk(data)
    if text.startswith("<call>"):
        name = text[len("<call>") :].split(" ", 1)[0]
        assert len(text.encode()) <= max_call_bytes(tool_specs([get_tool(name)]))


def test_max_call_bytes_is_reached_by_a_call_of_longest_escaped_strings():
    [spec] = tool_specs([get_tool("node_info")])
    longest = '<call>node_info {"node":"' + "\\u00e9" * MAX_STRING_CHARS + '"}</call>'
    assert accepts_with(tool_call_grammar([spec]), longest)
    assert not accepts_with(tool_call_grammar([spec]), longest.replace('"}', 'x"}'))
    assert len(longest.encode()) == max_call_bytes([spec])


def test_free_keyed_objects_are_bounded_so_every_tool_call_has_a_longest_length():
    assert max_call_bytes(SPECS) is not None
    assert max_call_bytes([{"name": "f", "parameters": {"type": "object", "properties": {"x": {}}}}]) is None
    schema = {"type": "object", "properties": {"p": {"type": "object", "additionalProperties": {"type": "boolean"}}}}
    grammar = tool_call_grammar([{"name": "f", "parameters": schema}])
    pairs = ",".join(f'"k{i}":true' for i in range(MAX_FREE_PAIRS))
    assert accepts_with(grammar, '<call>f {"p":{' + pairs + "}}</call>")
    assert not accepts_with(grammar, '<call>f {"p":{' + pairs + ',"x":true}}</call>')


def accepts_with(grammar: str, text: str) -> bool:
    """Whether ``grammar`` matches all of ``text`` and may end there."""
    compiled_grammar = xgr.GrammarCompiler(xgr.TokenizerInfo([]), cache_enabled=False).compile_grammar(grammar)
    matcher = xgr.GrammarMatcher(compiled_grammar, terminate_without_stop_token=True)
    return matcher.accept_string(text) and matcher.is_terminated()
