"""Scalability measurement: gold answers, the guard against unbounded tools, the result contract, a real run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from agent.engines.base import Engine
from agent.template import render_tool_call
from benchmarks import scalability
from benchmarks.tools_bench import generated_graph
from graphs.networkx_backend import NetworkxBackend
from tests.scripted_engine import ScriptedEngine
from tools.registry import call_tool

PNG_MAGIC = b"\x89PNG"


def oracle_reply(prompt: str) -> str:
    """A model that always picks the right tool for our benchmark questions and reads its result correctly."""
    tail = prompt.rsplit("<start_of_turn>user\n", 1)[-1]
    question = tail.split("<end_of_turn>", 1)[0]
    if "<start_of_turn>tool\n" in tail:
        result = json.loads(tail.rsplit("<start_of_turn>tool\n", 1)[-1].split("<end_of_turn>", 1)[0])
        if "path" in result:
            return " -> ".join(map(str, result["path"]))
        if "has_path" in result:
            return "Yes." if result["has_path"] else "No."
        if "degree" in result:
            return f"It has {result['degree']} edges."
        return f"There are {result.get('count')} nodes."
    nodes = [int(n) for n in re.findall(r"node (\d+)", question)]
    if "shortest path" in question:
        return render_tool_call("shortest_path", {"source": nodes[0], "target": nodes[1]})
    if "reach" in question and len(nodes) == 2:
        return render_tool_call("has_path", {"source": nodes[0], "target": nodes[1]})
    if "How many edges" in question:
        return render_tool_call("degree", {"node": nodes[0]})
    return render_tool_call("count_nodes", {})


def oracle_engine() -> ScriptedEngine:
    return ScriptedEngine([oracle_reply] * 1000, adapter_id="oracle")


def test_questions_carry_gold_answers_that_networkx_confirms() -> None:
    graph = generated_graph(500)
    questions = scalability.questions_for(graph, 3)
    assert [q["kind"] for q in questions] == ["path", "boolean", "number"]
    path = json.loads(questions[0]["answer"])
    assert len(path) - 1 == nx.shortest_path_length(graph, path[0], path[-1])
    source, target = map(int, re.findall(r"node (\d+)", questions[1]["question"]))
    assert questions[1]["answer"] == ("yes" if nx.has_path(graph, source, target) else "no")
    node = int(re.findall(r"node (\d+)", questions[2]["question"])[0])
    assert questions[2]["answer"] == str(graph.degree(node))


def test_a_graph_without_a_connected_pair_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="too sparse"):
        scalability.questions_for(nx.empty_graph(5, create_using=nx.DiGraph), 1)


def test_the_guard_refuses_unbounded_tools_on_large_graphs_only() -> None:
    large = scalability.GuardedBackend(NetworkxBackend(generated_graph(10_000)), 10_000)
    small = scalability.GuardedBackend(NetworkxBackend(generated_graph(100)), 100)
    assert call_tool(large, "diameter", {})["error"] == "too_large"
    assert call_tool(large, "centrality", {"measure": "betweenness"})["error"] == "too_large"
    assert "top" in call_tool(large, "centrality", {"measure": "pagerank", "k": 3})
    assert "diameter" in call_tool(small, "diameter", {})
    assert (large.refused, small.refused) == (2, 0)


def test_the_guard_refuses_weighted_paths_on_a_large_bolt_graph_but_not_fewest_hops() -> None:
    class FakeBolt:
        kind = "neo4j"

        def summary(self) -> dict:
            return {"nodes": 20}

        def shortest_path(self, source: int, target: int, weight: str | None = None) -> dict:
            return {"path": [source, target], "hops": 1, "total_weight": None}

    guarded = scalability.GuardedBackend(FakeBolt(), 100_000)
    assert guarded.shortest_path(1, 2)["hops"] == 1
    with pytest.raises(Exception, match="no time bound"):
        guarded.shortest_path(1, 2, "weight")


def test_a_run_follows_the_measurement_contract_and_grades_right_answers_correct(tmp_path: Path) -> None:
    result = scalability.run(out_dir=tmp_path, engine=oracle_engine(), sizes=(100, 1_000), bolt_sizes=(),
                             progress=False)
    assert set(result) == {"name", "title", "summary", "table_md", "plots", "data"}
    assert result["name"] == "scalability"
    assert all(isinstance(v, int | float | str) for v in result["summary"].values())
    assert (tmp_path / "scalability.png").read_bytes()[:4] == PNG_MAGIC
    points = result["data"]["points"]
    assert [p["edges"] for p in points] == [100, 1_000]
    for point in points:
        assert [q["verdict"] for q in point["questions"]] == ["correct"] * 3
        assert all(isinstance(point["tool_s"][probe], float) for probe in scalability.TOOL_PROBES)
        assert all(tokens > 0 for tokens in point["tool_tokens"].values())
        assert point["graph_context_tokens"] > 0
    assert "| networkx" in result["table_md"] and "3/3" in result["table_md"]
    json.dumps(result)


def test_the_largest_point_asks_a_single_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scalability, "SINGLE_QUESTION_FROM", 1_000)
    result = scalability.run(out_dir=tmp_path, engine=oracle_engine(), sizes=(1_000,), bolt_sizes=(),
                             progress=False)
    assert [q["id"] for q in result["data"]["points"][0]["questions"]] == ["path"]


def test_quick_run_on_the_real_model_covers_networkx_and_the_bolt_server(tmp_path: Path, llama: Engine) -> None:
    result = scalability.run(out_dir=tmp_path, quick=True, engine=llama, sizes=(100,), bolt_sizes=(100,),
                             progress=False)
    points = result["data"]["points"]
    assert [(p["backend"], p["edges"]) for p in points] == [("networkx", 100), ("bolt", 100)]
    for point in points:
        assert point["questions"] and point["questions"][0]["verdict"] in {
            "correct", "suboptimal", "wrong", "hallucinated", "invalid_call", "missing"}
        assert point["questions"][0]["latency_s"] > 0
        counts = {llama.count_tokens('{"has_path":true}'), llama.count_tokens('{"has_path":false}')}
        assert point["tool_tokens"]["has_path"] in counts
    assert points[1]["load_s"] > 0
    assert result["summary"]["engine"] == "llamacpp"
