"""``graph-agent bench agent``: the fixed question set, the figures and table, and a real two-question run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agent.chat_model import LocalChatModel
from benchmarks.agent_bench import BenchError, MeteredEngine, load_questions, markdown_table, summarize
from graphs.samples import SAMPLES
from graphs.text_graph import parse_question_graph
from tests.scripted_engine import ScriptedEngine
from tools.registry import tool_specs
from tui.cli import main


def test_the_question_set_is_30_questions_on_every_sample_and_inline_graphs() -> None:
    questions = load_questions()
    assert len(questions) == 30 and len({q.id for q in questions}) == 30
    assert {q.sample for q in questions} == {*SAMPLES, None}
    tool_names = {spec["name"] for spec in tool_specs()}
    assert all(set(q.tools) <= tool_names for q in questions)
    assert 3 <= sum(q.calls == 2 for q in questions) <= 8 and all(q.calls in (1, 2) for q in questions)
    inline = [parse_question_graph(q.question) for q in questions if q.sample is None]
    assert all(parsed is not None for parsed in inline)
    assert {"tuples", "dashes", "arrows", "prose", "precedence", "adjacency"} <= {p.notation for p in inline}
    assert all(parse_question_graph(q.question) is None for q in questions if q.sample is not None)


def test_a_malformed_question_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "question": "How many nodes?", "sample": null, "tools": ["count_nodes"]}\n{"id": 1}\n')
    with pytest.raises(BenchError, match=r"q\.jsonl:2: not a question object \(KeyError"):
        load_questions(path)


def _call(prompt: int, cached: int, completion: int, prefill_s: float, decode_s: float) -> dict[str, object]:
    return {"prompt_tokens": prompt, "cached_prompt_tokens": cached, "completion_tokens": completion,
            "prefill_s": prefill_s, "decode_s": decode_s, "hit_max_tokens": completion >= 32}


def test_summary_figures_are_medians_and_token_weighted_rates() -> None:
    raw = {
        "load_s": 0.5,
        "raw_decode": {"completion_tokens": 11, "decode_s": 0.2},
        "peak_rss_mb": 700.0,
        "cache_hits": {"times_s": [0.004, 0.006, 0.008], "questions": 1, "seeded": 1},
        "questions": [
            {"needs_calls": 1, "expected_tools": ["degree"], "tools_called": ["degree"], "latency_s": 1.0,
             "calls": [_call(100, 0, 11, 0.5, 1.0), _call(120, 100, 32, 0.1, 3.1)]},
            {"needs_calls": 2, "expected_tools": ["degree", "degree"], "tools_called": ["has_path"], "latency_s": 3.0,
             "calls": [_call(110, 90, 6, 0.1, 0.5)]},
        ],
    }
    summary = summarize(raw)
    assert summary["prompt_tokens_per_call_p50"] == 110 and summary["prompt_tokens_per_question_p50"] == 165
    assert summary["prefill_tok_s"] == pytest.approx((100 + 20 + 20) / 0.7)
    assert summary["decode_tok_s"] == pytest.approx((10 + 31 + 5) / 4.6)
    assert summary["raw_decode_tok_s"] == pytest.approx(50.0)
    assert summary["p50_s"] == 2.0 and summary["p50_one_call_s"] == 1.0 and summary["p95_s"] == pytest.approx(2.9)
    assert summary["cache_hit_p50_ms"] == pytest.approx(6.0) and summary["turns_at_max_tokens"] == 1
    assert summary["expected_tools_called"] == 1 and summary["model_calls_per_question"] == 1.5

    table = markdown_table({"llamacpp": summary, "hf": summary}, max_tokens=32, adapter="none")
    lines = table.splitlines()
    assert lines[0] == "| metric (2 questions, max_tokens=32, adapter none) | llama.cpp | transformers | target |"
    assert lines[1] == "|---|---:|---:|---|"
    assert "| answer-cache hit p50 (ms) | 6.0 | 6.0 | ≤ 10 |" in lines
    assert "| questions where the expected tools were called | 1/2 | 1/2 |  |" in lines


def test_an_unknown_engine_exits_2_with_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "agent", "--engines", "vllm", "--questions", "1"]) == 2
    assert "error: --engines takes a comma list of llamacpp, hf; got 'vllm'" in capsys.readouterr().err


def test_two_questions_on_llamacpp_print_the_table_and_write_json_in_private_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    user_cache, user_data = tmp_path / "user-cache", tmp_path / "user-data"
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(user_cache))
    monkeypatch.setenv("GRAPH_AGENT_DATA_DIR", str(user_data))
    out = tmp_path / "results" / "agent.json"
    argv = ["bench", "agent", "--engines", "llamacpp", "--questions", "2", "--max-tokens", "32", "--out", str(out)]
    assert main(argv) == 0

    printed = capsys.readouterr().out
    report = json.loads(out.read_text())
    assert printed.startswith(report["table"] + "\n")
    assert f"command: graph-agent bench agent --engines llamacpp --questions 2 --adapter none --max-tokens 32 " \
           f"--out {out}" in printed
    assert f"machine: {os.cpu_count()} cores" in printed
    summary = report["engines"]["llamacpp"]["summary"]
    assert summary["questions"] == 2 and summary["load_s"] > 0 and summary["peak_rss_mb"] > 100
    assert summary["prefill_tok_s"] > 0 and summary["decode_tok_s"] > 0 and summary["raw_decode_tok_s"] > 0
    assert 0 < summary["cache_hit_p50_ms"] < 1000 and summary["p50_s"] >= summary["cache_hit_p50_ms"] / 1000
    raw = report["engines"]["llamacpp"]["raw"]
    assert raw["adapter"] is None and raw["max_tokens"] == 32
    assert all(call["completion_tokens"] <= 32 for row in raw["questions"] for call in row["calls"])
    assert not user_cache.exists() and not user_data.exists()


def test_the_metered_engine_keeps_the_context_bound_on_a_cut_off_calls_second_try() -> None:
    """Without ``n_ctx`` the agent would give a cut-off call the whole grammar's worth of tokens (37,047 for the
    bench's tools): llama.cpp refused that prompt + budget and the base model's bench run died on question 27."""
    specs = tool_specs()
    full = '<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>'
    engine = ScriptedEngine([full[:24], full])
    engine.n_ctx = 4096
    metered = MeteredEngine(engine)
    LocalChatModel(engine=metered, max_tokens=6).bind_tools(specs).invoke("Shortest path from Oslo to Bergen?")
    assert metered.n_ctx == 4096 and engine.budgets[0] == 6
    assert engine.budgets[1] == 4096 - len(engine.prompts[0]) // 4
    assert len(metered.generations) == 2
