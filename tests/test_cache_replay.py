"""Cache replay: the Zipf workload, hit ratios, latency classes, invalidation on a changed graph, a real run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from agent.engines.base import Engine
from benchmarks import cache_replay
from tests.scripted_engine import ScriptedEngine
from tests.test_scalability import oracle_engine

PNG_MAGIC = b"\x89PNG"
CATALOG = [("g", f"question {i}") for i in range(10)]


def test_the_zipf_workload_is_reproducible_and_skewed_towards_a_few_questions() -> None:
    workload = cache_replay.zipf_workload(500, CATALOG, seed=1)
    assert workload == cache_replay.zipf_workload(500, CATALOG, seed=1)
    assert workload != cache_replay.zipf_workload(500, CATALOG, seed=2)
    counts = [count for _, count in Counter(workload).most_common()]
    assert counts[0] > 4 * counts[-1]
    assert counts[0] / 500 == pytest.approx(1 / sum(1 / r**1.1 for r in range(1, 11)), abs=0.06)


def test_an_empty_workload_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least one request"):
        cache_replay.zipf_workload(0, CATALOG)


def test_repeats_of_clean_answers_hit_the_answer_cache_and_stay_faster(tmp_path: Path) -> None:
    result = cache_replay.run(out_dir=tmp_path, engine=oracle_engine(), requests=20, progress=False)
    summary, requests = result["summary"], result["data"]["requests"]
    assert summary["requests"] == 20
    assert summary["answer_hit_ratio"] == pytest.approx(summary["repeat_share"])
    assert all(r["answer_hit"] == r["repeat"] for r in requests)
    assert summary["repeats_missed_answer_not_stored"] == 0
    hits = [r["latency_s"] for r in requests if r["answer_hit"]]
    misses = [r["latency_s"] for r in requests if not r["answer_hit"]]
    assert hits and misses and max(hits) < max(misses)
    assert {r["class"] for r in requests if r["answer_hit"]} == {"answer hit"}


def test_forced_answers_are_not_stored_so_repeats_miss_but_their_tool_calls_hit(tmp_path: Path) -> None:
    looping = ScriptedEngine(["<call>count_nodes {}</call>"] * 1000, adapter_id="looping")
    result = cache_replay.run(out_dir=tmp_path, engine=looping, quick=True, progress=False)
    summary = result["summary"]
    assert summary["answer_hit_ratio"] == 0
    assert summary["repeats_missed_answer_not_stored"] == round(summary["repeat_share"] * summary["requests"])
    requests = result["data"]["requests"]
    assert sum(r["tool_misses"] for r in requests) == len({r["graph"] for r in requests})
    assert summary["tool_hit_ratio"] > 0
    assert not any(r["stored"] for r in requests)
    assert summary["tool_calls_failed"].startswith("0/")


def test_a_changed_graph_is_never_answered_from_the_stale_cache(tmp_path: Path) -> None:
    result = cache_replay.run(out_dir=tmp_path, engine=oracle_engine(), quick=True, progress=False)
    steps = {step["scenario"]: step for step in result["data"]["invalidation"]}
    assert steps["same graph, asked again"]["answer_from_cache"]
    assert steps["cache.invalidate(fingerprint), asked again"]["entries_dropped"] >= 2
    for scenario in ("cache.invalidate(fingerprint), asked again", "file edited and reopened",
                     "edited in place, invalidate() called"):
        assert not steps[scenario]["answer_from_cache"], scenario
        assert not steps[scenario]["stale_answer"] and not steps[scenario]["stale_tool"], scenario
    reopened = steps["file edited and reopened"]
    assert reopened["tool_count"] == reopened["true_count"] == steps["first ask"]["true_count"] + 2
    assert reopened["fingerprint"] != steps["first ask"]["fingerprint"]
    assert result["summary"]["stale_answers_after_a_change"] == 0


def test_an_in_place_edit_without_invalidate_is_reported_stale(tmp_path: Path) -> None:
    result = cache_replay.run(out_dir=tmp_path, engine=oracle_engine(), quick=True, progress=False)
    broken = result["data"]["invalidation"][-1]
    assert broken["scenario"] == "edited in place, invalidate() not called"
    assert broken["answer_from_cache"] and broken["stale_answer"] and broken["stale_tool"]
    assert broken["tool_count"] < broken["true_count"]
    assert result["summary"]["stale_when_invalidate_not_called"] is True


def test_the_result_follows_the_measurement_contract(tmp_path: Path) -> None:
    result = cache_replay.run(out_dir=tmp_path, engine=oracle_engine(), quick=True, progress=False)
    assert set(result) == {"name", "title", "summary", "table_md", "plots", "data"}
    assert all(isinstance(v, int | float | str) or v is None for v in result["summary"].values())
    assert [plot["file"] for plot in result["plots"]] == ["cache_hit_ratio.png", "cache_latency.png"]
    for plot in result["plots"]:
        assert (tmp_path / plot["file"]).read_bytes()[:4] == PNG_MAGIC
    assert "| answer_hit_ratio" in result["table_md"] and "| file edited and reopened" in result["table_md"]
    json.dumps(result)


def test_a_quick_replay_on_the_real_model_through_agent_session(tmp_path: Path, llama: Engine) -> None:
    result = cache_replay.run(out_dir=tmp_path, engine=llama, quick=True, requests=2, progress=False)
    summary = result["summary"]
    assert summary["engine"] == "llamacpp" and summary["requests"] == 2
    assert 0 <= summary["answer_hit_ratio"] <= summary["repeat_share"]
    assert all(r["latency_s"] > 0 for r in result["data"]["requests"])
    assert summary["stale_answers_after_a_change"] == 0
    assert result["data"]["invalidation"][1]["answer_from_cache"]
