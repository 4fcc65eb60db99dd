"""The agent on a real Bolt server (FalkorDB) with the real default model on llama.cpp (and once on transformers,
marked slow): tool calls run against the database, the trajectory log records the ``neo4j`` backend,
``graph-agent ask --neo4j`` answers, and a database that dies mid-run gives an answer saying so, an ``error``
run in the log, and no crash.

The untuned base model's answers are poor, so these tests pin structure and loop behaviour, not answers: every
tool result the agent reports must be what the backend returns for the same call. FalkorDB accepts no new Bolt
connection once a client has disconnected, so the one CLI call (its own driver) is the module's last test,
and the dead-server test starts a server of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pytest

from agent.context import AgentConfig
from agent.engines import Engine, make_engine
from agent.session import AgentSession
from benchmarks.bolt_server import BoltServer, load_nx_graph, running_server
from graphs.backend import GraphBackend
from graphs.neo4j_backend import Neo4jBackend
from tools.registry import call_tool
from tui.cli import main

pytestmark = pytest.mark.bolt

QUESTION = "Is there a path from 1 to 6?"
GRAPH = nx.path_graph(range(1, 7), create_using=nx.DiGraph)
"""1 -> 2 -> ... -> 6: integer names, as in the template's few-shot example the base model leans on."""


@pytest.fixture(scope="module")
def backend(bolt_driver: neo4j.Driver) -> Iterator[Neo4jBackend]:
    load_nx_graph(bolt_driver, GRAPH)
    backend = Neo4jBackend.connect(driver=bolt_driver)
    yield backend
    backend.close()


def config(tmp_path: Path) -> AgentConfig:
    return AgentConfig(data_dir=tmp_path / "data", use_cache=False, max_tool_rounds=2, max_tokens=48)


def assert_results_are_the_backends(calls: list[dict[str, Any]], backend: GraphBackend) -> None:
    for call in calls:
        assert call["result"] == call_tool(backend, call["name"], call["args"]), call


def test_tool_calls_run_against_neo4j_and_the_log_records_the_backend(
    llama: Engine, backend: Neo4jBackend, tmp_path: Path
) -> None:
    events: list[dict[str, Any]] = []
    with AgentSession(backend, config(tmp_path), engine=llama) as session:
        answer = session.ask(QUESTION, on_event=events.append)
        run = session.log.get_run(answer.run_id)
    assert answer.engine == "llamacpp" and answer.adapter is None and answer.answer.strip()
    assert answer.tool_calls, "the few-shot base model calls a tool for this question"
    assert_results_are_the_backends(answer.tool_calls, backend)
    assert (run["graph_backend"], run["graph_name"], run["status"]) == ("neo4j", backend.name, "ok")
    ingest = run["steps"][0]
    assert ingest["kind"] == "ingest" and "(neo4j, directed): 6 nodes, 5 edges" in ingest["data"]["graph_context"]
    tool_steps = [step["data"] for step in run["steps"] if step["kind"] == "tool"]
    assert [(s["name"], s["args"], s["result"]) for s in tool_steps] == [
        (c["name"], c["args"], c["result"]) for c in answer.tool_calls
    ]
    streamed = [(e["name"], e["result"]) for e in events if e["type"] == "tool_result"]
    assert streamed == [(c["name"], c["result"]) for c in answer.tool_calls]


@pytest.mark.slow
def test_the_transformers_engine_answers_on_the_bolt_server_too(backend: Neo4jBackend, tmp_path: Path) -> None:
    engine = make_engine("hf", adapter="none")
    try:
        with AgentSession(backend, config(tmp_path), engine=engine) as session:
            answer = session.ask(QUESTION)
            run = session.log.get_run(answer.run_id)
    finally:
        engine.close()
    assert (answer.engine, answer.adapter) == ("hf", None) and answer.answer.strip()
    assert answer.tool_calls, "the few-shot base model calls a tool for this question"
    assert_results_are_the_backends(answer.tool_calls, backend)
    assert (run["graph_backend"], run["status"]) == ("neo4j", "ok")


def test_a_database_dying_mid_run_gives_an_answer_saying_so_and_an_error_run(llama: Engine, tmp_path: Path) -> None:
    with running_server() as (server, driver):
        load_nx_graph(driver, GRAPH)
        backend = Neo4jBackend.connect(driver=driver)
        with AgentSession(backend, config(tmp_path), engine=llama) as session:
            dying = session.ask(QUESTION, on_event=lambda event: _stop_on_first_tool_call(event, server))
            after = session.ask("And from 2 to 5?", thread_id=dying.thread_id)
            inline = session.ask("Edges: 0-1, 1-2. How many edges are there?")
            runs = {run["id"]: session.log.get_run(run["id"]) for run in session.log.runs()}
    assert dying.tool_calls[0]["result"]["error"] == "backend_unavailable"
    for answer in (dying, after):
        assert answer.answer.startswith("I cannot answer:") and "unreachable" in answer.answer
        run = runs[answer.run_id]
        assert run["status"] == "error" and run["error"].startswith("backend_unavailable:")
        assert run["answer"] == answer.answer and run["graph_backend"] == "neo4j"
    steps = runs[dying.run_id]["steps"]
    assert [step["kind"] for step in steps] == ["ingest", "cache", "model", "tool", "model"]
    assert steps[-1]["data"]["metadata"] == {"forced": "backend_unavailable"}, "the agent answered, not the model"
    assert [step["kind"] for step in runs[after.run_id]["steps"]] == ["ingest"], "no model call for a dead graph"
    assert after.usage == {"prompt_tokens": 0, "completion_tokens": 0}
    assert runs[inline.run_id]["status"] == "ok", "the session still answers on a graph that needs no database"


def _stop_on_first_tool_call(event: dict[str, Any], server: BoltServer) -> None:
    """Kill the server after the model's first tool call and before the tool runs (the stream is lazy)."""
    if event["type"] == "tool_call":
        server.stop()


def test_graph_agent_ask_answers_on_the_bolt_server(
    bolt: tuple[BoltServer, neo4j.Driver],
    backend: Neo4jBackend,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("llama_cpp")
    server, _ = bolt
    for name, value in {"NEO4J_URI": server.uri, "NEO4J_USERNAME": "falkordb", "NEO4J_PASSWORD": "",
                        "GRAPH_AGENT_CACHE_DIR": str(tmp_path / "cache"),
                        "GRAPH_AGENT_DATA_DIR": str(tmp_path / "data")}.items():
        monkeypatch.setenv(name, value)
    code = main(["ask", QUESTION, "--neo4j", "--adapter", "none", "--max-rounds", "2", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"answer", "tool_calls", "latency_s", "cached", "engine", "adapter"}
    assert out["engine"] == "llamacpp" and out["adapter"] is None and out["tool_calls"]
    assert_results_are_the_backends(out["tool_calls"], backend)
