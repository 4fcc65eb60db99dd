"""The local engines on the real default model: llama.cpp (fast, every run) and transformers (marked slow).

Each module-scoped engine is loaded once. What is pinned: greedy determinism, exact token counts, grammars that
force the output (a yes/no grammar and the real tool-call grammar), streaming that adds up to the text, stop
strings, cancellation between tokens, and KV reuse of a shared prompt prefix.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from langchain_core.messages import HumanMessage

from agent.engines import Engine, GenerationCancelled, make_engine
from agent.engines.base import StopScanner
from agent.engines.llamacpp import PREFILL_CHUNK
from agent.grammar import tool_call_grammar
from agent.template import parse_model_turn, render_prompt
from tools.registry import tool_specs

SYSTEM = "<start_of_turn>system\nYou answer questions about graphs with tools.<end_of_turn>\n"
YES_NO = 'root ::= "yes" | "no"'


def _prompt(question: str) -> str:
    return f"{SYSTEM}<start_of_turn>user\n{question}<end_of_turn>\n<start_of_turn>model\n"


@pytest.fixture(scope="module")
def llama() -> Iterator[Engine]:
    engine = make_engine("llamacpp")
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def hf() -> Iterator[Engine]:
    engine = make_engine("hf")
    yield engine
    engine.close()


def test_stop_scanner_never_shows_part_of_a_stop_string() -> None:
    scanner = StopScanner(["<end_of_turn>"])
    shown = [scanner.feed(piece) for piece in ["Oslo", " <end", "_of", "_turn>", "more"]]
    assert shown == ["Oslo", " ", "", "", ""]
    assert scanner.text == "Oslo " and scanner.stopped


def test_stop_scanner_releases_held_text_at_the_end() -> None:
    scanner = StopScanner(["<end_of_turn>"])
    assert scanner.feed("a <end") == "a "
    assert scanner.finish() == "<end"
    assert scanner.text == "a <end"


def test_llamacpp_greedy_generation_is_deterministic_with_exact_counts(llama: Engine) -> None:
    first = llama.generate(_prompt("Name a city in Norway."), max_tokens=12)
    second = llama.generate(_prompt("Name a city in Norway."), max_tokens=12)
    assert first.text == second.text and first.text
    assert first.prompt_tokens == llama.count_tokens(_prompt("Name a city in Norway."))
    assert 0 < first.completion_tokens <= 12
    assert first.prefill_s > 0 and first.decode_s > 0


def test_llamacpp_parses_turn_markers_as_single_special_tokens(llama: Engine) -> None:
    assert llama.count_tokens("<start_of_turn>") == 2  # BOS + the marker
    assert llama.count_tokens("<bos><start_of_turn>") == 2  # a BOS already in the text is not doubled


def test_llamacpp_yes_no_grammar_forces_one_of_them(llama: Engine) -> None:
    for question in ("Is Oslo in Norway?", "Write a poem about graphs."):
        assert llama.generate(_prompt(question), grammar=YES_NO).text in {"yes", "no"}


def test_llamacpp_tool_grammar_makes_every_call_parse(llama: Engine) -> None:
    specs = tool_specs()
    names = [spec["name"] for spec in specs]
    grammar = tool_call_grammar(specs)
    for question in ("What is the shortest path from Oslo to Bergen?", "How many nodes does the graph have?"):
        prompt = render_prompt([HumanMessage(question)], specs, graph_context="networkx, 12 nodes", few_shot=True)
        turn = parse_model_turn(llama.generate(prompt, grammar=grammar, max_tokens=96).text, names)
        assert turn.invalid_tool_calls == []


def test_llamacpp_sampling_is_seeded_varied_and_keeps_to_the_grammar() -> None:
    specs = tool_specs()
    names = [spec["name"] for spec in specs]
    grammar = tool_call_grammar(specs)
    prompt = render_prompt([HumanMessage("Which city is the most central?")], specs, graph_context="networkx, 12 nodes",
                           few_shot=True)
    runs = {}
    for seed in (0, 0, 1):
        engine = make_engine("llamacpp", adapter="none", temperature=1.5, seed=seed)
        try:
            runs.setdefault(seed, []).append(
                [engine.generate(prompt, grammar=grammar, max_tokens=64).text for _ in range(4)])
        finally:
            engine.close()
    assert runs[0][0] == runs[0][1]
    assert len(set(runs[0][0] + runs[1][0])) > 1
    for text in runs[0][0] + runs[1][0]:
        assert parse_model_turn(text, names).invalid_tool_calls == []
    with pytest.raises(ValueError, match="temperature"):
        make_engine("llamacpp", adapter="none", temperature=-1)


def test_llamacpp_streamed_pieces_add_up_to_the_text(llama: Engine) -> None:
    pieces: list[str] = []
    generation = llama.generate(_prompt("List three colours."), max_tokens=16, on_token=pieces.append)
    assert len(pieces) > 1 and "".join(pieces) == generation.text


def test_llamacpp_stops_at_a_stop_string_and_leaves_it_out(llama: Engine) -> None:
    free = llama.generate(_prompt("Count from one to ten."), max_tokens=24).text
    assert " " in free
    cut = llama.generate(_prompt("Count from one to ten."), max_tokens=24, stop=[" "])
    assert cut.text == free.split(" ")[0]


def test_llamacpp_cancel_stops_between_tokens_and_the_engine_stays_usable(llama: Engine) -> None:
    cancel = threading.Event()
    pieces: list[str] = []

    def on_token(piece: str) -> None:
        pieces.append(piece)
        if len(pieces) == 2:
            cancel.set()

    with pytest.raises(GenerationCancelled):
        llama.generate(_prompt("Tell me a long story."), max_tokens=64, on_token=on_token, cancel=cancel)
    assert len(pieces) == 2
    again = llama.generate(_prompt("Tell me a long story."), max_tokens=4)
    assert again.completion_tokens == 4


def test_llamacpp_cancel_stops_a_long_prefill_between_chunks_and_keeps_what_was_evaluated(
    llama: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompt = _prompt("Edges: " + ", ".join(f"{i}-{i + 1}" for i in range(200)) + ". How many nodes?")
    assert llama.count_tokens(prompt) > 3 * PREFILL_CHUNK
    llama.generate(_prompt("Hello."), max_tokens=1)  # the cache now holds the system prompt
    cancel = threading.Event()
    evaluated: list[int] = []
    real_eval = llama._llama.eval

    def eval_then_cancel(tokens: list[int]) -> None:
        evaluated.append(len(tokens))
        real_eval(tokens)
        cancel.set()

    monkeypatch.setattr(llama._llama, "eval", eval_then_cancel)
    with pytest.raises(GenerationCancelled):
        llama.generate(prompt, max_tokens=8, cancel=cancel)
    assert evaluated == [PREFILL_CHUNK]
    monkeypatch.undo()
    again = llama.generate(prompt, max_tokens=2)
    assert again.cached_prompt_tokens >= llama.count_tokens(SYSTEM) + PREFILL_CHUNK
    assert again.completion_tokens == 2


def test_llamacpp_reuses_the_kv_cache_of_a_shared_prefix(llama: Engine) -> None:
    llama.generate(_prompt("Which node has the highest degree?"), max_tokens=2)
    second = llama.generate(_prompt("How many edges are there?"), max_tokens=2)
    assert second.cached_prompt_tokens >= llama.count_tokens(SYSTEM)
    assert second.cached_prompt_tokens < second.prompt_tokens


def test_llamacpp_output_with_a_reused_prefix_matches_a_cold_start(llama: Engine) -> None:
    llama.generate(_prompt("Which node has the highest degree?"), max_tokens=2)
    warm = llama.generate(_prompt("Name a river."), max_tokens=12)
    cold = make_engine("llamacpp")
    try:
        assert cold.generate(_prompt("Name a river."), max_tokens=12).text == warm.text
    finally:
        cold.close()


@pytest.mark.slow
def test_hf_yes_no_grammar_forces_one_of_them(hf: Engine) -> None:
    for question in ("Is Oslo in Norway?", "Write a poem about graphs."):
        assert hf.generate(_prompt(question), grammar=YES_NO).text in {"yes", "no"}


@pytest.mark.slow
def test_hf_streams_deterministically_and_reuses_the_prefix(hf: Engine) -> None:
    pieces: list[str] = []
    first = hf.generate(_prompt("Name a city in Norway."), max_tokens=8, on_token=pieces.append)
    assert "".join(pieces) == first.text and 0 < first.completion_tokens <= 8
    assert first.prompt_tokens == hf.count_tokens(_prompt("Name a city in Norway."))
    second = hf.generate(_prompt("Name a city in Norway."), max_tokens=8)
    assert second.text == first.text
    assert second.cached_prompt_tokens == second.prompt_tokens - 1


@pytest.mark.slow
def test_hf_cancel_raises_and_the_engine_stays_usable(hf: Engine) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(GenerationCancelled):
        hf.generate(_prompt("Tell me a story."), cancel=cancel)
    assert hf.generate(_prompt("Tell me a story."), max_tokens=2).completion_tokens == 2
