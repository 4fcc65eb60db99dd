"""The agent loop (ingest → cache → model ⇄ tools → finish) driven by a scripted engine, plus its bad inputs.

The scripted engine plays the model's turns in the template's format, so these tests pin the loop's logic:
tool execution on the active graph, memory, the answer cache, the bounds and the error paths. The real model
runs the same loop in ``test_ask_cli.py`` and ``test_chat_model.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from langchain_core.messages import HumanMessage

import agent.engines
from agent import session as session_module
from agent.context import AgentConfig
from agent.engines.base import GenerationCancelled
from agent.ingest import QuestionError
from agent.session import AgentSession
from graphs.errors import BackendUnavailable
from graphs.networkx_backend import NetworkxBackend
from graphs.sources import GraphSource, open_backend
from tests.scripted_engine import ScriptedEngine
from tools.cache import GraphCache

PATH_CALL = '<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>'


def make_session(tmp_path: Path, replies: list[Any], backend: Any = None, **config: Any) -> AgentSession:
    backend = backend or open_backend(GraphSource(sample="nordic_roads"))
    engine = ScriptedEngine(replies)
    return AgentSession(
        backend, AgentConfig(data_dir=tmp_path / "data", **config), engine=engine, cache=GraphCache(tmp_path / "cache")
    )


def test_a_tool_call_runs_on_the_graph_and_the_answer_comes_back_with_its_trace(tmp_path: Path) -> None:
    events: list[dict[str, Any]] = []
    with make_session(tmp_path, [PATH_CALL, "Oslo to Bergen is one hop: Oslo, Bergen."]) as session:
        answer = session.ask("What is the shortest path from Oslo to Bergen?", on_event=events.append)
        engine = session.engine
    assert answer.answer == "Oslo to Bergen is one hop: Oslo, Bergen."
    assert answer.tool_calls == [
        {"name": "shortest_path", "args": {"source": "Oslo", "target": "Bergen"},
         "result": {"path": ["Oslo", "Bergen"], "hops": 1, "total_weight": None}}
    ]
    assert answer.auto_label == "agrees" and not answer.cached
    assert '<start_of_turn>tool\n{"path":["Oslo","Bergen"],"hops":1,"total_weight":null}' in engine.prompts[1]
    assert all(grammar and "shortest_path" in grammar for grammar in engine.grammars)
    kinds = [event["type"] for event in events]
    assert kinds[:2] == ["tool_call", "tool_result"] and kinds[-1] == "answer"
    assert "".join(e["text"] for e in events if e["type"] == "token") == answer.answer


def test_every_step_of_a_run_is_in_the_trajectory_log(tmp_path: Path) -> None:
    with make_session(tmp_path, [PATH_CALL, "Oslo, Bergen."]) as session:
        answer = session.ask("Shortest path from Oslo to Bergen?")
        run = session.log.get_run(answer.run_id)
    assert [step["kind"] for step in run["steps"]] == ["ingest", "cache", "model", "tool", "model"]
    assert run["status"] == "ok" and run["answer"] == "Oslo, Bergen." and run["auto_label"] == "agrees"
    assert run["steps"][3]["data"]["args"] == {"source": "Oslo", "target": "Bergen"}
    assert run["prompt_tokens"] > 0 and run["fingerprint"]


def test_a_graph_inside_the_question_becomes_the_active_graph_for_the_thread(tmp_path: Path) -> None:
    replies = ['<call>count_edges {}</call>', "There are 3 edges.", '<call>has_path {"source":0,"target":3}</call>',
               "Yes."]
    with make_session(tmp_path, replies) as session:
        first = session.ask("Edges: 0-1, 1-2, 2-3. How many edges are there?")
        second = session.ask("Is 3 reachable from 0?", thread_id=first.thread_id)
        prompts = session.engine.prompts
    assert first.tool_calls[0]["result"] == {"count": 3}
    assert second.tool_calls[0]["result"] == {"has_path": True}
    assert "0-1, 1-2" not in prompts[0] and "How many edges are there?" in prompts[0]
    assert "inline graph (networkx, undirected): 4 nodes, 3 edges" in prompts[0]
    assert "There are 3 edges." in prompts[2]


def test_a_follow_up_in_the_same_thread_sees_the_earlier_turns(tmp_path: Path) -> None:
    with make_session(tmp_path, [PATH_CALL, "Oslo, Bergen.", "Still Oslo, Bergen."]) as session:
        first = session.ask("Shortest path from Oslo to Bergen?")
        session.ask("And back?", thread_id=first.thread_id)
        followup_prompt = session.engine.prompts[-1]
    assert "Shortest path from Oslo to Bergen?" in followup_prompt and "And back?" in followup_prompt


def test_a_repeated_first_question_is_answered_from_the_cache_without_the_model(tmp_path: Path) -> None:
    with make_session(tmp_path, [PATH_CALL, "Oslo, Bergen."]) as session:
        first = session.ask("Shortest path from Oslo to Bergen?")
        again = session.ask("shortest path from Oslo to Bergen")
        calls = len(session.engine.prompts)
    assert again.cached and again.answer == first.answer and again.tool_calls == first.tool_calls
    assert calls == 2


def test_malformed_model_output_is_fed_back_and_the_model_can_recover(tmp_path: Path) -> None:
    replies = ['<call>shortest_path {"source":"Oslo",</call>', PATH_CALL, "Oslo, Bergen."]
    with make_session(tmp_path, replies) as session:
        answer = session.ask("Shortest path from Oslo to Bergen?")
        retry_prompt = session.engine.prompts[1]
        steps = [s["kind"] for s in session.log.get_run(answer.run_id)["steps"]]
    assert "invalid_tool_call" in retry_prompt and "not valid JSON" in retry_prompt
    assert answer.answer == "Oslo, Bergen." and "invalid" in steps


def test_malformed_output_retries_are_bounded(tmp_path: Path) -> None:
    replies = ["<call>nonsense {}</call>"] * 3
    with make_session(tmp_path, replies, max_invalid_calls=2) as session:
        answer = session.ask("Shortest path from Oslo to Bergen?")
    assert "could not form a valid tool call after 3 tries" in answer.answer
    assert answer.tool_calls == []


def test_an_unknown_node_shows_the_model_close_matches_and_it_recovers(tmp_path: Path) -> None:
    replies = ['<call>shortest_path {"source":"Olso","target":"Bergen"}</call>', PATH_CALL, "Oslo, Bergen."]
    with make_session(tmp_path, replies) as session:
        answer = session.ask("Shortest path from Olso to Bergen?")
        prompt = session.engine.prompts[1]
    assert answer.tool_calls[0]["result"]["error"] == "node_not_found"
    assert "Oslo" in answer.tool_calls[0]["result"]["close_matches"] and "Did you mean: Oslo" in prompt
    assert answer.tool_calls[1]["result"]["path"] == ["Oslo", "Bergen"]


def test_a_tool_error_goes_back_to_the_model_instead_of_raising(tmp_path: Path) -> None:
    replies = ['<call>k_hop {"node":"Oslo","k":-1}</call>', "I could not compute that."]
    with make_session(tmp_path, replies) as session:
        answer = session.ask("Which cities are within -1 hops of Oslo?")
    assert answer.tool_calls[0]["result"]["error"] == "invalid_argument"
    assert answer.answer == "I could not compute that."


def test_the_round_limit_stops_the_loop_and_the_answer_says_so(tmp_path: Path) -> None:
    replies = ['<call>count_nodes {}</call>', PATH_CALL, '<call>count_edges {}</call>']
    with make_session(tmp_path, replies, max_tool_rounds=2) as session:
        answer = session.ask("Shortest path from Oslo to Bergen?")
        calls = len(session.engine.prompts)
    assert calls == 3 and len(answer.tool_calls) == 2
    assert "I stopped after 2 tool calls (the limit)" in answer.answer and '"path":["Oslo","Bergen"]' in answer.answer


def test_a_call_repeated_with_the_same_arguments_ends_the_turn_with_the_result_so_far(tmp_path: Path) -> None:
    with make_session(tmp_path, [PATH_CALL, PATH_CALL]) as session:
        answer = session.ask("Shortest path from Oslo to Bergen?")
        calls = len(session.engine.prompts)
        logged = session.log.get_run(answer.run_id)
    assert calls == 2 and len(answer.tool_calls) == 1
    assert answer.answer.startswith("I stopped: the same tool call was asked for again")
    assert '"path":["Oslo","Bergen"]' in answer.answer
    assert logged["status"] == "ok" and not answer.cached


def test_an_empty_question_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    with make_session(tmp_path, []) as session, pytest.raises(QuestionError, match="empty"):
        session.ask("   ")


def test_a_20000_character_question_is_refused_unless_it_is_mostly_a_graph(tmp_path: Path) -> None:
    edges = ", ".join(f"{i}-{i + 1}" for i in range(2500))
    question = f"Edges: {edges}. How many edges are there?"
    assert len(question) >= 20_000
    with make_session(tmp_path, ['<call>count_edges {}</call>', "2500 edges."]) as session:
        with pytest.raises(QuestionError, match="20,000 characters"):
            session.ask("w" * 20_000)
        answer = session.ask(question)
        longest_prompt = max(map(len, session.engine.prompts))
    assert answer.tool_calls[0]["result"] == {"count": 2500}
    assert longest_prompt < 10_000


class DroppingBackend(NetworkxBackend):
    """A backend whose database connection dies after the run started."""

    kind = "neo4j"

    def shortest_path(self, source: Any, target: Any, weight: str | None = None) -> dict[str, Any]:
        raise BackendUnavailable("the Neo4j server at bolt://127.0.0.1:1 stopped answering")


def test_a_dead_database_mid_run_gives_an_answer_that_says_so(tmp_path: Path) -> None:
    backend = DroppingBackend(nx.path_graph(["Oslo", "Bergen"]), name="neo4j:bolt://127.0.0.1:1")
    with make_session(tmp_path, [PATH_CALL], backend=backend) as session:
        answer = session.ask("Shortest path from Oslo to Bergen?")
    assert answer.tool_calls[0]["result"]["error"] == "backend_unavailable"
    assert answer.answer.startswith("I cannot answer:") and "stopped answering" in answer.answer


def test_ctrl_c_mid_generation_marks_the_run_interrupted(tmp_path: Path) -> None:
    with make_session(tmp_path, [PATH_CALL, KeyboardInterrupt()]) as session:
        with pytest.raises(KeyboardInterrupt):
            session.ask("Shortest path from Oslo to Bergen?")
        (run,) = session.log.runs()
        steps = session.log.get_run(run["id"])["steps"]
    assert run["status"] == "interrupted" and run["answer"] is None
    assert [s["kind"] for s in steps] == ["ingest", "cache", "model", "tool"]


def test_cancel_from_another_thread_stops_the_generation(tmp_path: Path) -> None:
    session = make_session(tmp_path, [])

    def cancel_then_answer(prompt: str) -> str:
        session.cancel()
        return "A long answer that is cut off."

    session.engine.replies = [cancel_then_answer]
    with session:
        with pytest.raises(GenerationCancelled):
            session.ask("Shortest path from Oslo to Bergen?")
        assert session.log.runs()[0]["status"] == "interrupted"


def test_langgraph_json_names_a_graph_factory_that_runs_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:



    spec = json.loads((Path(__file__).resolve().parent.parent / "langgraph.json").read_text())
    module, name = spec["graphs"]["graph_agent"].split(":")
    assert module == "./agent/session.py" and name == "studio_graph"
    monkeypatch.setenv("GRAPH_AGENT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(agent.engines, "make_engine", lambda *a, **k: ScriptedEngine([PATH_CALL, "Oslo, Bergen."]))
    result = session_module.studio_graph().invoke({"messages": [HumanMessage("Shortest path from Oslo to Bergen?")]})
    assert result["messages"][-1].content == "Oslo, Bergen."
    assert result["messages"][2].artifact["path"] == ["Oslo", "Bergen"]
