"""Tests of the query cache (tools.cache) and of its use by call_tool."""

from __future__ import annotations

import doctest
import logging
import sqlite3
import stat
import tempfile
import time
from pathlib import Path

import networkx as nx
import pytest
from diskcache.core import MODE_PICKLE

import tools.cache
from graphs.networkx_backend import NetworkxBackend
from tools.cache import ENV_DIR, GraphCache, normalize_question
from tools.registry import call_tool


@pytest.fixture
def cache(tmp_path: Path):
    with GraphCache(tmp_path / "cache") as opened:
        yield opened


def test_tool_result_round_trips_and_counts_hits_and_misses(cache: GraphCache) -> None:
    assert cache.get_tool("fp", "count_nodes", "{}") is None
    cache.put_tool("fp", "count_nodes", "{}", {"count": 3})
    assert cache.get_tool("fp", "count_nodes", "{}") == {"count": 3}
    assert cache.get_tool("fp", "count_nodes", "{}") == {"count": 3}
    stats = cache.stats()
    assert stats["tool"] == {"hits": 2, "misses": 1, "hit_ratio": pytest.approx(2 / 3)}
    assert stats["answer"] == {"hits": 0, "misses": 0, "hit_ratio": 0.0}
    assert stats["entries"] == 1
    assert stats["size_bytes"] > 0
    assert stats["directory"] == str(cache.directory)


def test_answers_are_keyed_by_normalized_question_and_model(cache: GraphCache) -> None:
    cache.put_answer("fp", "gemma-lora-1", "How many   nodes?", "There are 3 nodes.")
    assert cache.get_answer("fp", "gemma-lora-1", "  how many nodes ") == "There are 3 nodes."
    assert cache.get_answer("fp", "other-model", "How many nodes?") is None
    assert cache.stats()["answer"]["hits"] == 1
    assert cache.stats()["answer"]["misses"] == 1


def test_normalize_question_casefolds_collapses_space_and_strips_trailing_punctuation() -> None:
    assert normalize_question("  Who IS\tAlice's friend?! ") == "who is alice's friend"


def test_statistics_persist_across_instances(tmp_path: Path) -> None:
    with GraphCache(tmp_path) as first:
        first.put_tool("fp", "t", "{}", {"x": 1})
        first.get_tool("fp", "t", "{}")
    with GraphCache(tmp_path) as second:
        assert second.get_tool("fp", "t", "{}") == {"x": 1}
        assert second.stats()["tool"]["hits"] == 2


def test_values_are_stored_as_json_never_pickle(cache: GraphCache) -> None:
    cache.put_tool("fp", "t", "{}", {"items": list(range(20000))})
    cache.put_answer("fp", "m", "q", "an answer")
    for layer in ("tool", "answer"):
        with sqlite3.connect(cache.directory / layer / "cache.db") as db:
            modes = {mode for (mode,) in db.execute("SELECT mode FROM Cache")}
        assert modes and MODE_PICKLE not in modes
    assert cache.get_tool("fp", "t", "{}") == {"items": list(range(20000))}


def test_cache_directory_is_private(cache: GraphCache) -> None:
    for path in (cache.directory, cache.directory / "tool", cache.directory / "answer"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700


def test_directory_defaults_to_the_environment_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "from-env"))
    with GraphCache() as opened:
        assert opened.directory == tmp_path / "from-env"
        assert opened.enabled


def test_changed_fingerprint_misses_and_invalidate_drops_only_the_old_version(cache: GraphCache) -> None:
    cache.put_tool("old", "t", "{}", {"x": 1})
    cache.put_answer("old", "m", "q", "a")
    cache.put_tool("new", "t", "{}", {"x": 2})
    assert cache.get_tool("new", "t", "{}") == {"x": 2}
    assert cache.invalidate("old") == 2
    assert cache.get_tool("old", "t", "{}") is None
    assert cache.get_answer("old", "m", "q") is None
    assert cache.get_tool("new", "t", "{}") == {"x": 2}


def test_entries_of_an_older_format_version_are_not_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with GraphCache(tmp_path / "cache") as old_release:
        old_release.put_tool("fp", "neighbors", '{"node": "a"}', {"items": []})
        old_release.put_answer("fp", "m", "q", "a has no neighbours.")
    monkeypatch.setattr(tools.cache, "FORMAT_VERSION", tools.cache.FORMAT_VERSION + 1)
    with GraphCache(tmp_path / "cache") as new_release:
        assert new_release.get_tool("fp", "neighbors", '{"node": "a"}') is None
        assert new_release.get_answer("fp", "m", "q") is None
        new_release.put_tool("fp", "neighbors", '{"node": "a"}', {"items": ["b"]})
        assert new_release.get_tool("fp", "neighbors", '{"node": "a"}') == {"items": ["b"]}


def test_live_database_entries_expire_after_the_ttl(tmp_path: Path) -> None:
    with GraphCache(tmp_path, ttl_live_s=0.05) as short:
        short.put_tool("fp", "live", "{}", {"x": 1}, kind="neo4j")
        short.put_tool("fp", "local", "{}", {"x": 2}, kind="networkx")
        short.put_answer("fp", "m", "q", "a", kind="neo4j")
        assert short.get_tool("fp", "live", "{}") == {"x": 1}
        time.sleep(0.1)
        assert short.get_tool("fp", "live", "{}") is None
        assert short.get_answer("fp", "m", "q") is None
        assert short.get_tool("fp", "local", "{}") == {"x": 2}


def test_clear_drops_entries_and_resets_statistics(cache: GraphCache) -> None:
    cache.put_tool("fp", "t", "{}", {"x": 1})
    cache.get_tool("fp", "t", "{}")
    cache.clear()
    assert cache.get_tool("fp", "t", "{}") is None
    stats = cache.stats()
    assert stats["entries"] == 0
    assert stats["tool"]["hits"] == 0


def test_unwritable_directory_degrades_to_no_cache(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with caplog.at_level(logging.WARNING, logger="tools.cache"), GraphCache(blocker / "cache") as broken:
        assert not broken.enabled
        broken.put_tool("fp", "t", "{}", {"x": 1})
        assert broken.get_tool("fp", "t", "{}") is None
        assert broken.invalidate("fp") == 0
        broken.clear()
        assert broken.stats()["tool"] == {"hits": 0, "misses": 0, "hit_ratio": 0.0}
    assert "query cache disabled" in caplog.text


def test_corrupted_database_degrades_to_no_cache(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "tool").mkdir()
    (tmp_path / "tool" / "cache.db").write_bytes(b"this is not an sqlite database" * 100)
    with caplog.at_level(logging.WARNING, logger="tools.cache"), GraphCache(tmp_path) as broken:
        assert not broken.enabled
        assert broken.get_answer("fp", "m", "q") is None
    assert "query cache disabled" in caplog.text


def test_call_tool_answers_a_repeated_call_from_the_cache(cache: GraphCache) -> None:
    backend = NetworkxBackend(nx.path_graph(4))
    first = call_tool(backend, "shortest_path", {"source": 0, "target": 3}, cache)
    second = call_tool(backend, "shortest_path", {"target": 3, "source": 0, "weight": None}, cache)
    assert first == second == {"path": [0, 1, 2, 3], "hops": 3, "total_weight": None}
    assert cache.stats()["tool"]["hits"] == 1
    assert cache.stats()["tool"]["misses"] == 1


def test_call_tool_misses_after_the_graph_changes(cache: GraphCache) -> None:
    graph = nx.path_graph(3)
    assert call_tool(NetworkxBackend(graph), "count_nodes", {}, cache) == {"count": 3}
    graph.add_edge(2, 3)
    assert call_tool(NetworkxBackend(graph), "count_nodes", {}, cache) == {"count": 4}
    assert cache.stats()["tool"]["hits"] == 0


def test_call_tool_does_not_cache_error_results(cache: GraphCache) -> None:
    backend = NetworkxBackend(nx.path_graph(3))
    for _ in range(2):
        assert call_tool(backend, "node_info", {"node": 99}, cache)["error"] == "node_not_found"
    assert cache.stats()["entries"] == 0


def test_call_tool_works_without_a_usable_cache(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with GraphCache(tmp_path / "file" / "cache") as broken:
        assert call_tool(NetworkxBackend(nx.path_graph(3)), "count_edges", {}, broken) == {"count": 2}


def test_a_value_that_is_not_json_is_skipped_without_disabling_the_cache(
    cache: GraphCache, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tools.cache"):
        cache.put_answer("fp", "m", "q", object())
    assert cache.enabled
    assert cache.get_answer("fp", "m", "q") is None
    assert "not plain JSON" in caplog.text


def test_a_cached_call_is_served_without_recomputing(
    cache: GraphCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = NetworkxBackend(nx.path_graph(50))
    args = {"source": 0, "target": 40}
    first = call_tool(backend, "shortest_path", args, cache)

    def must_not_run(*_: object, **__: object) -> None:
        raise AssertionError("the backend recomputed a cached result")

    monkeypatch.setattr(backend, "shortest_path", must_not_run)
    for _ in range(20):
        assert call_tool(backend, "shortest_path", args, cache) == first
    assert cache.stats()["tool"]["hits"] == 20


def test_cache_docstring_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = doctest.testmod(tools.cache)
    assert result.attempted >= 2
    assert result.failed == 0
