"""``AgentSession``: the one object the CLI and the UI talk to -- ask a question, get an answer and its tool trace.

It owns the live parts: the engine and chat model, the user's graph backend, the query cache, the
conversation memory (LangGraph's SQLite checkpointer, per ``thread_id``) and the trajectory log. ``ask`` runs
the compiled loop (``agent.graph``) with LangGraph streaming (``stream_mode=["messages", "updates"]``),
records every step in the trajectory log as it happens, and reports typed events to ``on_event``:

- ``{"type": "token", "text"}``: a piece of the final answer as it is generated;
- ``{"type": "tool_call", "name", "args", "id"}`` and ``{"type": "tool_result", "name", "id", "result"}``;
- ``{"type": "invalid_call", "error"}``: a malformed tool call fed back to the model;
- ``{"type": "cache_hit"}`` and, last, ``{"type": "answer", "text", "cached"}``.

A run the agent had to answer with "I cannot answer" because the database is unreachable is logged with
status ``error`` (and that answer). Ctrl-C (``KeyboardInterrupt``) or ``cancel()`` stop the generation in
flight; the run is then marked ``interrupted`` in the log, the thread's memory is rolled back to before the
unanswered question (so the next prompt never shows two user turns in a row, nor a tool call without its
result), and the exception propagates.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import StateSnapshot

from agent.chat_model import LocalChatModel
from agent.context import AgentConfig, AgentContext
from agent.engines.base import Engine, GenerationCancelled
from agent.graph import FINAL_ERRORS, build_graph
from agent.ingest import check_question
from agent.state import InputState, State, current_turn, tool_result, tool_trace
from agent.template import ADAPTER_TOOL_DESCRIPTIONS
from agent.trajectory import FILE_NAME, TrajectoryLog
from agent.verify import auto_label
from graphs.backend import GraphBackend
from tools.cache import GraphCache

Event = dict[str, Any]
MEMORY_FILE = "memory.sqlite"


@dataclass
class AgentAnswer:
    """The outcome of one question."""

    answer: str
    tool_calls: list[dict[str, Any]]
    """``[{"name", "args", "result"}]`` in call order."""
    latency_s: float
    cached: bool
    engine: str
    adapter: str | None
    thread_id: str
    run_id: str
    auto_label: str
    """``agrees``/``disagrees``/``undecidable``: see ``agent.verify``."""
    steps: int = 0
    usage: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``graph-agent ask --json`` object."""
        return {
            "answer": self.answer,
            "tool_calls": self.tool_calls,
            "latency_s": round(self.latency_s, 4),
            "cached": self.cached,
            "engine": self.engine,
            "adapter": self.adapter,
        }


class AgentSession:
    """Engine, graph, cache, memory and log for one user; see the module docstring.

    ``engine`` defaults to ``make_engine(config.engine, config.model, config.adapter, **config.engine_options)``
    and ``cache`` to the default ``GraphCache`` when ``config.use_cache``. The session closes what it made.
    """

    def __init__(
        self,
        backend: GraphBackend,
        config: AgentConfig | None = None,
        *,
        engine: Engine | None = None,
        cache: GraphCache | None = None,
    ) -> None:
        self.config = config or AgentConfig()
        self.backend = backend
        self._made: list[Engine | GraphCache] = []
        if engine is None:
            from agent.engines import make_engine

            engine = make_engine(
                self.config.engine, self.config.model, self.config.adapter, **self.config.engine_options
            )
            self._made.append(engine)
        self.engine = engine
        if cache is None and self.config.use_cache:
            cache = GraphCache()
            self._made.append(cache)
        self.cache = cache if self.config.use_cache else None
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        self.log = TrajectoryLog(self.config.data_dir / FILE_NAME)
        self._memory = sqlite3.connect(self.config.data_dir / MEMORY_FILE, check_same_thread=False)
        self.graph = build_graph().compile(checkpointer=SqliteSaver(self._memory))
        baseline = engine.adapter_id is None
        model = LocalChatModel(
            engine=engine,
            max_tokens=self.config.max_tokens,
            few_shot=baseline,
            tool_descriptions=baseline or ADAPTER_TOOL_DESCRIPTIONS,
        )
        self.context = AgentContext(
            model=model,
            backend=backend,
            config=self.config,
            cache=self.cache,
            model_key=f"{engine.model_id}+{engine.adapter_id or 'none'}",
        )

    def ask(
        self, question: str, thread_id: str | None = None, on_event: Callable[[Event], None] | None = None
    ) -> AgentAnswer:
        """Answer ``question`` (in conversation ``thread_id``, new if None); ``QuestionError`` for an empty or
        too long question; ``KeyboardInterrupt``/``GenerationCancelled`` propagate after the run is logged."""
        check_question(question, self.config.max_question_chars)
        thread_id = thread_id or uuid.uuid4().hex
        self.context.cancel.clear()
        started = time.perf_counter()
        run_id = self.log.start_run(
            question,
            thread_id=thread_id,
            graph_backend=self.backend.kind,
            graph_name=self.backend.name,
            engine=self.engine.name,
            model_id=self.engine.model_id,
            adapter_id=self.engine.adapter_id,
        )
        recorder = _Recorder(self.log, run_id, on_event)
        config = {"configurable": {"thread_id": thread_id}, "recursion_limit": self.config.recursion_limit}
        before = self.graph.get_state(config)
        try:
            inputs = {"messages": [HumanMessage(question)]}
            modes = ["messages", "updates"]
            for mode, payload in self.graph.stream(inputs, config, context=self.context, stream_mode=modes):
                recorder.handle(mode, payload)
        except (KeyboardInterrupt, GenerationCancelled) as exc:
            self.log.finish_run(run_id, status="interrupted", error=type(exc).__name__, **recorder.totals(started))
            self._roll_back(thread_id, before)
            raise
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
            self.log.finish_run(run_id, status="error", error=error, **recorder.totals(started))
            raise
        state = State(**self.graph.get_state(config).values)
        turn = current_turn(state.messages)
        text, trace = turn[-1].text, tool_trace(turn)
        label = auto_label(text, trace)
        totals = recorder.totals(started)
        failure = turn[-1].response_metadata.get("forced")
        outcome = {"status": "error", "error": f"{failure}: {text}"} if failure in FINAL_ERRORS else {"status": "ok"}
        self.log.finish_run(
            run_id, answer=text, cached=state.cached, auto_label=label, fingerprint=state.fingerprint, **outcome,
            **totals,
        )
        if on_event is not None:
            on_event({"type": "answer", "text": text, "cached": state.cached})
        return AgentAnswer(
            answer=text,
            tool_calls=trace,
            latency_s=totals["latency_s"],
            cached=state.cached,
            engine=self.engine.name,
            adapter=self.engine.adapter_id,
            thread_id=thread_id,
            run_id=run_id,
            auto_label=label,
            steps=recorder.steps,
            usage={"prompt_tokens": totals["prompt_tokens"], "completion_tokens": totals["completion_tokens"]},
        )

    def _roll_back(self, thread_id: str, before: StateSnapshot) -> None:
        """Make the thread's memory what it was before an interrupted question: a copy of the last checkpoint
        before it becomes the latest (LangGraph's fork), or a new thread is deleted."""
        if before.created_at is None:
            self.graph.checkpointer.delete_thread(thread_id)
        else:
            self.graph.update_state(before.config, None, as_node="__copy__")

    def cancel(self) -> None:
        """Stop the generation in flight (from another thread, e.g. the UI)."""
        self.context.cancel.set()

    def close(self) -> None:
        """Close the log, the memory, and the engine and cache if the session made them (an engine or cache
        passed in, like the backend, belongs to the caller and may serve other sessions)."""
        self.log.close()
        self._memory.close()
        for part in self._made:
            part.close()

    def __enter__(self) -> AgentSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Recorder:
    """Turns LangGraph stream parts into trajectory steps (committed at once) and UI events."""

    def __init__(self, log: TrajectoryLog, run_id: str, on_event: Callable[[Event], None] | None) -> None:
        self.log, self.run_id, self.on_event = log, run_id, on_event
        self.steps = self.prompt_tokens = self.completion_tokens = 0
        self._calls: dict[str, dict[str, Any]] = {}
        self._last = time.perf_counter()

    def handle(self, mode: str, payload: Any) -> None:
        """One ``(mode, payload)`` part of ``graph.stream(..., stream_mode=["messages", "updates"])``."""
        if mode == "messages":
            chunk, metadata = payload
            if isinstance(chunk, AIMessageChunk) and chunk.text and metadata.get("langgraph_node") == "model":
                self._emit({"type": "token", "text": chunk.text})
            return
        for node, update in payload.items():
            handler = getattr(self, f"_on_{node}", None)
            if handler is not None:
                handler(update or {})

    def totals(self, started: float) -> dict[str, Any]:
        """Run-level totals for ``TrajectoryLog.finish_run``."""
        return {
            "latency_s": time.perf_counter() - started,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
        }

    def _on_ingest(self, update: dict[str, Any]) -> None:
        messages = update.get("messages", [])
        questions = [m.text for m in messages if isinstance(m, HumanMessage)]
        self._step("ingest", {
            "inline_graph": update.get("scratch_graph") is not None,
            "question": questions[0] if questions else None,
            "fingerprint": update.get("fingerprint"),
            "graph_context": update.get("graph_context"),
            "answer": next((m.text for m in messages if isinstance(m, AIMessage)), None),
        })

    def _on_lookup(self, update: dict[str, Any]) -> None:
        hit = bool(update.get("cached"))
        self._step("cache", {"hit": hit})
        if hit:
            self._emit({"type": "cache_hit"})

    def _on_model(self, update: dict[str, Any]) -> None:
        message: AIMessage = update["messages"][-1]
        usage = message.usage_metadata or {}
        self.prompt_tokens += usage.get("input_tokens", 0)
        self.completion_tokens += usage.get("output_tokens", 0)
        self._step("model", {
            "content": message.text,
            "tool_calls": message.tool_calls,
            "invalid_tool_calls": message.invalid_tool_calls,
            "usage": dict(usage),
            "metadata": message.response_metadata,
        })
        for call in message.tool_calls:
            self._calls[call["id"]] = call
            self._emit({"type": "tool_call", "name": call["name"], "args": call["args"], "id": call["id"]})

    def _on_tools(self, update: dict[str, Any]) -> None:
        for message in update.get("messages", []):
            call = self._calls.get(message.tool_call_id, {})
            result = tool_result(message)
            self._step("tool", {"name": message.name, "id": message.tool_call_id, "args": call.get("args"),
                                "result": result, "status": message.status})
            self._emit({"type": "tool_result", "name": message.name, "id": message.tool_call_id, "result": result})

    def _on_reject(self, update: dict[str, Any]) -> None:
        for message in update.get("messages", []):
            self._step("invalid", {"id": message.tool_call_id, "error": tool_result(message)})
            self._emit({"type": "invalid_call", "error": tool_result(message)})

    def _step(self, kind: str, data: dict[str, Any]) -> None:
        now = time.perf_counter()
        self.log.add_step(self.run_id, kind, {**data, "elapsed_s": round(now - self._last, 4)})
        self._last = now
        self.steps += 1

    def _emit(self, event: Event) -> None:
        if self.on_event is not None:
            self.on_event(event)


def studio_graph() -> Any:
    """The loop for LangGraph's dev server and Studio (see ``langgraph.json``): the configured engine (defaults,
    or ``GRAPH_AGENT_*`` environment) on the default sample graph; the server's checkpointer keeps memory.

    The server cannot build our live runtime context from a request, so an outer one-node graph invokes the
    loop with this process's context.
    """
    from langgraph.graph import END, START, StateGraph

    from graphs.sources import GraphSource, open_backend

    session = AgentSession(open_backend(GraphSource()))
    loop = build_graph().compile()

    def agent(state: State) -> dict[str, Any]:
        return loop.invoke(state, {"recursion_limit": session.config.recursion_limit}, context=session.context)

    outer = StateGraph(State, input_schema=InputState)
    outer.add_node("agent", agent)
    outer.add_edge(START, "agent")
    outer.add_edge("agent", END)
    return outer.compile()
