"""The agent end to end on the real default model, an interrupted question, and a run orphaned by ``kill -9``.

- ``AgentSession`` on the transformers engine (marked slow: one engine and one session for the module) answers
  a sample-graph and an inline-graph question; the untuned base model answers poorly, so what is pinned is
  structure and loop behaviour: the tool results are exactly the graph's, the log holds the run step by step.
- An interrupted question (Ctrl-C or ``cancel()``, on llama.cpp) leaves the thread's memory as it was before
  it, so the next prompt never shows two user turns in a row.
- A run left ``running`` by a killed process is marked ``interrupted`` when the log is next opened, while the
  runs of live processes are left alone.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from agent.context import AgentConfig
from agent.engines import Engine, GenerationCancelled, make_engine
from agent.session import AgentAnswer, AgentSession
from agent.trajectory import FILE_NAME, TrajectoryLog
from graphs.backend import GraphBackend
from graphs.networkx_backend import NetworkxBackend
from graphs.sources import GraphSource, open_backend
from graphs.text_graph import parse_question_graph
from tools.registry import call_tool

ROOT = Path(__file__).resolve().parent.parent
INLINE = "Edges: 1-2, 2-3, 3-4, 4-5, 5-6. Is there a path from 1 to 6?"
ORPHAN_WRITER = """
import sys, time
from agent.trajectory import TrajectoryLog
log = TrajectoryLog(sys.argv[1])
run = log.start_run("killed mid-run", engine="llamacpp")
log.add_step(run, "model", {"content": "half an answer"})
print(run, flush=True)
time.sleep(120)
"""


def small_config(tmp_path: Path) -> AgentConfig:
    return AgentConfig(data_dir=tmp_path / "data", use_cache=False, max_tool_rounds=1, max_tokens=48)


@pytest.fixture(scope="module")
def hf_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentSession]:
    engine = make_engine("hf", adapter="none")
    backend = open_backend(GraphSource(sample="nordic_roads"))
    session = AgentSession(backend, small_config(tmp_path_factory.mktemp("hf")), engine=engine)
    yield session
    session.close()
    engine.close()
    backend.close()


def assert_a_whole_run(session: AgentSession, answer: AgentAnswer, events: list[dict[str, Any]],
                       graph: GraphBackend) -> dict[str, Any]:
    """What every real run must show: tool results that are the graph's, and the run logged step by step."""
    assert isinstance(answer.answer, str) and answer.answer.strip() and not answer.cached
    for call in answer.tool_calls:
        assert call["result"] == call_tool(graph, call["name"], call["args"]), call
    run = session.log.get_run(answer.run_id)
    assert (run["status"], run["engine"], run["answer"]) == ("ok", session.engine.name, answer.answer)
    kinds = [step["kind"] for step in run["steps"]]
    assert kinds[:3] == ["ingest", "cache", "model"] and kinds[-1] == "model"
    assert kinds.count("tool") == len(answer.tool_calls)
    model_steps = [step["data"] for step in run["steps"] if step["kind"] == "model"]
    assert all(data["usage"].get("input_tokens", 0) > 0 for data in model_steps), "a forced answer keeps its usage"
    assert run["prompt_tokens"] == sum(data["usage"]["input_tokens"] for data in model_steps)
    tool_events = [e["type"] for e in events if e["type"] in ("tool_call", "tool_result")]
    assert tool_events == ["tool_call", "tool_result"] * len(answer.tool_calls)
    if not model_steps[-1]["metadata"].get("forced"):
        assert "".join(e["text"] for e in events if e["type"] == "token") == answer.answer
    return run


@pytest.mark.slow
def test_the_transformers_engine_answers_a_sample_graph_question(hf_session: AgentSession) -> None:
    events: list[dict[str, Any]] = []
    answer = hf_session.ask("What is the shortest path from Oslo to Bergen?", on_event=events.append)
    assert (answer.engine, answer.adapter) == ("hf", None)
    run = assert_a_whole_run(hf_session, answer, events, hf_session.backend)
    assert run["graph_backend"] == "networkx" and run["graph_name"] == "nordic_roads"


@pytest.mark.slow
def test_the_transformers_engine_answers_an_inline_graph_question(hf_session: AgentSession) -> None:
    events: list[dict[str, Any]] = []
    answer = hf_session.ask(INLINE, on_event=events.append)
    inline = NetworkxBackend(parse_question_graph(INLINE).graph, read_only=True)
    run = assert_a_whole_run(hf_session, answer, events, inline)
    ingest = run["steps"][0]["data"]
    assert ingest["inline_graph"] and ingest["question"] == "Is there a path from 1 to 6?"
    assert ingest["graph_context"].startswith("inline graph (networkx, undirected): 6 nodes, 5 edges")


def test_an_interrupted_question_leaves_the_threads_memory_as_it_was(llama: Engine, tmp_path: Path) -> None:
    backend = open_backend(GraphSource(sample="nordic_roads"))
    with AgentSession(backend, small_config(tmp_path), engine=llama) as session:
        first = session.ask(INLINE)
        thread = {"configurable": {"thread_id": first.thread_id}}
        before = session.graph.get_state(thread).values
        with pytest.raises(KeyboardInterrupt):
            session.ask("Is there a path from 6 to 1?", thread_id=first.thread_id, on_event=_ctrl_c)
        after = session.graph.get_state(thread).values
        follow_up = session.ask("How many edges are there?", thread_id=first.thread_id)
        messages = session.graph.get_state(thread).values["messages"]
        statuses = [run["status"] for run in session.log.runs()]
    assert [m.id for m in after["messages"]] == [m.id for m in before["messages"]]
    assert after["scratch_graph"] == before["scratch_graph"]
    inline = NetworkxBackend(parse_question_graph(INLINE).graph)
    for call in follow_up.tool_calls:
        assert call["result"] == call_tool(inline, call["name"], call["args"]), "the inline graph is still active"
    questions = [m.text for m in messages if isinstance(m, HumanMessage)]
    assert questions == ["Is there a path from 1 to 6?", "How many edges are there?"]
    assert_turns_alternate(messages)
    assert statuses == ["ok", "interrupted", "ok"]


def test_a_cancelled_first_question_leaves_an_empty_thread(llama: Engine, tmp_path: Path) -> None:
    backend = open_backend(GraphSource(sample="nordic_roads"))
    with AgentSession(backend, small_config(tmp_path), engine=llama) as session:

        def cancel(event: dict[str, Any]) -> None:
            session.cancel()

        with pytest.raises(GenerationCancelled):
            session.ask(INLINE, thread_id="t1", on_event=cancel)
        assert session.graph.get_state({"configurable": {"thread_id": "t1"}}).values == {}
        session.ask("How many cities are there?", thread_id="t1")
        messages = session.graph.get_state({"configurable": {"thread_id": "t1"}}).values["messages"]
    assert [m.text for m in messages if isinstance(m, HumanMessage)] == ["How many cities are there?"]
    assert_turns_alternate(messages)


def _ctrl_c(event: dict[str, Any]) -> None:
    """Ctrl-C as soon as the model has produced something (a tool call or the first piece of an answer)."""
    if event["type"] in ("tool_call", "token"):
        raise KeyboardInterrupt


def assert_turns_alternate(messages: list[Any]) -> None:
    """Each user turn is answered (ends with an AI answer) before the next one starts."""
    for previous, message in zip(messages, messages[1:], strict=False):
        if isinstance(message, HumanMessage):
            assert isinstance(previous, AIMessage) and not previous.tool_calls, messages


def test_a_run_orphaned_by_kill_9_is_marked_interrupted_when_the_log_is_opened(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    writer = subprocess.Popen([sys.executable, "-c", ORPHAN_WRITER, str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        orphan = writer.stdout.readline().strip()
        with TrajectoryLog(path) as log:
            assert log.swept == [] and log.get_run(orphan)["status"] == "running", "its process is alive"
            mine = log.start_run("still running here")
            with TrajectoryLog(path) as again:
                assert again.swept == [] and again.get_run(mine)["status"] == "running"
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
    finally:
        writer.kill()
        writer.stdout.close()
    with TrajectoryLog(path) as log:
        run = log.get_run(orphan)
        assert log.swept == [orphan] and log.get_run(mine)["status"] == "running"
    assert run["status"] == "interrupted" and f"pid {writer.pid}" in run["error"]
    assert run["finished_at"] == run["steps"][-1]["at"] and run["steps"][0]["data"] == {"content": "half an answer"}


def test_a_version_1_log_gains_run_owners_and_its_running_runs_are_swept(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with TrajectoryLog(path) as log:
        old = log.start_run("left running by an older version")
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE runs DROP COLUMN owner_pid")
        db.execute("ALTER TABLE runs DROP COLUMN owner_started")
        db.execute("PRAGMA user_version=1")
    with TrajectoryLog(path) as log:
        assert log.swept == [old] and log.get_run(old)["status"] == "interrupted"
        new = log.start_run("q")
        assert log.get_run(new)["owner_pid"] == os.getpid()
