"""The agent loop as a LangGraph ``StateGraph``: ingest → answer cache → model ⇄ tools → finish.

- ``ingest`` takes an inline graph out of the new question (it becomes the active graph) and describes the
  active graph for the model; when the active graph is unreachable (a dead database) it answers at once;
- ``lookup`` answers a first question in a thread from the answer cache, with its tool trace;
- ``model`` asks the chat model for one turn: a tool call or the answer (a misspelled node argument is
  replaced by the node the question names, ``agent.grounding``). Bounds are explicit: after
  ``max_tool_rounds`` tool calls, or ``max_invalid_calls`` malformed ones, or a call repeated with the same
  arguments (its result cannot change), or a dead database, the agent answers with what it has and says so;
- ``tools`` runs the call on the active graph (errors go back to the model, never raised); ``reject`` feeds a
  malformed call's parse error back to the model;
- ``finish`` stores a clean answer in the answer cache.

Live objects come from the runtime context (``AgentContext``); the checkpointed ``State`` is plain data.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agent.context import AgentContext
from agent.grounding import ground_tool_calls
from agent.ingest import describe_graph, scratch_backend, scratch_data, split_question
from agent.state import InputState, State, current_turn, tool_result, tool_trace
from agent.tool_node import active_backend, make_tool_node
from graphs.errors import GraphError
from tools.registry import applicable_tools, to_content, tool_specs
from tools.results import error_result

FINAL_ERRORS = frozenset({"backend_unavailable"})
"""Tool errors no retry can fix: the agent answers at once instead of asking the model again."""


def ingest(state: State, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Take an inline graph out of the new question; fingerprint and describe the active graph."""
    message = state.messages[-1]
    question, graph = split_question(message.text)
    update: dict[str, Any] = {"cached": False}
    scratch = state.scratch_graph
    if graph is not None:
        scratch = update["scratch_graph"] = scratch_data(graph)
        update["messages"] = [HumanMessage(content=question, id=message.id)]
    backend = runtime.context.backend if scratch is None else scratch_backend(scratch)
    try:
        update["fingerprint"] = backend.fingerprint()
        update["graph_context"] = describe_graph(backend)
    except GraphError as exc:
        update["fingerprint"] = ""
        update["graph_context"] = f"{backend.name} ({backend.kind}): unavailable - {exc.message}"
        if exc.code in FINAL_ERRORS:
            answer = _forced(f"I cannot answer: {exc.message}", exc.code)
            update["messages"] = [*update.get("messages", []), answer]
    if scratch is not None:
        runtime.context.scratch[update["fingerprint"]] = backend
    return update


def lookup(state: State, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Replay a cached answer (and its tool trace) for a thread's first question on this graph."""
    context = runtime.context
    if context.cache is None or not state.fingerprint or len(state.messages) != 1:
        return {}
    hit = context.cache.get_answer(state.fingerprint, context.model_key, state.messages[0].text)
    if not isinstance(hit, dict) or not isinstance(hit.get("answer"), str):
        return {}
    messages: list[Any] = []
    for index, call in enumerate(hit.get("tool_calls", [])):
        call_id = f"cached-{index}"
        messages.append(AIMessage(content="", tool_calls=[{"name": call["name"], "args": call["args"], "id": call_id}]))
        messages.append(ToolMessage(to_content(call["result"]), tool_call_id=call_id, name=call["name"]))
    messages.append(AIMessage(content=hit["answer"], response_metadata={"cached": True}))
    return {"cached": True, "messages": messages}


def call_model(state: State, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """One model turn, or the agent's own answer once a bound is reached or the database is gone."""
    context, config = runtime.context, runtime.context.config
    turn = current_turn(state.messages)
    last = turn[-1]
    if isinstance(last, ToolMessage) and _error_code(last) in FINAL_ERRORS:
        return {"messages": [_forced(f"I cannot answer: {tool_result(last)['message']}", "backend_unavailable")]}
    backend = active_backend(context, state)
    model = context.model.bind_tools(tool_specs(applicable_tools(backend)))
    response = model.invoke(state.messages, graph_context=state.graph_context, cancel=context.cancel)
    if response.tool_calls:
        response = ground_tool_calls(response, backend, turn[0].text)
    rounds = sum(1 for m in turn if isinstance(m, AIMessage) and m.tool_calls)
    invalid = sum(1 for m in turn if isinstance(m, AIMessage) and m.invalid_tool_calls and not m.tool_calls)
    if response.tool_calls and rounds >= config.max_tool_rounds:
        return {"messages": [_forced(_limit_answer(turn, rounds), "round_limit", response)]}
    if response.tool_calls and _repeats_a_call(turn, response):
        text = "I stopped: the same tool call was asked for again, so its result will not change."
        return {"messages": [_forced(text + _last_result(turn), "repeated_call", response)]}
    if response.invalid_tool_calls and not response.tool_calls and invalid >= config.max_invalid_calls:
        error = response.invalid_tool_calls[0].get("error") or "unparseable"
        text = f"I could not form a valid tool call after {invalid + 1} tries ({error}), so I have no answer."
        return {"messages": [_forced(text, "invalid_calls", response)]}
    if not response.tool_calls and not response.invalid_tool_calls and not response.text.strip():
        response.content = "I have no answer."
    return {"messages": [response]}


def reject(state: State) -> dict[str, Any]:
    """Feed each malformed tool call back to the model as an ``invalid_tool_call`` error result."""
    last = state.messages[-1]
    replies = []
    for index, call in enumerate(last.invalid_tool_calls):
        message = f"could not read the tool call {call.get('name') or ''}: {call.get('error') or 'unparseable'}"
        replies.append(
            ToolMessage(
                to_content(error_result("invalid_tool_call", message.replace("  ", " "))),
                tool_call_id=call.get("id") or f"invalid-{index}",
                name=call.get("name") or "invalid",
                status="error",
            )
        )
    return {"messages": replies}


def finish(state: State, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Store a clean first answer of a thread in the answer cache."""
    context, answer = runtime.context, state.messages[-1]
    turn = current_turn(state.messages)
    clean = not state.cached and not answer.response_metadata.get("forced") and state.fingerprint
    if context.cache is not None and clean and len(turn) == len(state.messages):
        entry = {"answer": answer.text, "tool_calls": tool_trace(turn)}
        context.cache.put_answer(state.fingerprint, context.model_key, turn[0].text, entry, kind=context.backend.kind)
    return {}


def route_ingest(state: State) -> Literal["lookup", "__end__"]:
    """An answer from ``ingest`` (the graph is unreachable) ends the turn."""
    return END if isinstance(state.messages[-1], AIMessage) else "lookup"


def route_lookup(state: State) -> Literal["model", "__end__"]:
    """A cache hit ends the turn."""
    return END if state.cached else "model"


def route_model(state: State) -> Literal["tools", "reject", "finish"]:
    """Tool calls go to the tools, malformed calls back to the model, an answer to ``finish``."""
    last = state.messages[-1]
    if isinstance(last, AIMessage) and last.tool_calls:
        return "tools"
    if isinstance(last, AIMessage) and last.invalid_tool_calls:
        return "reject"
    return "finish"


def build_graph() -> StateGraph:
    """The uncompiled loop; compile it with a checkpointer for conversation memory."""
    builder = StateGraph(State, input_schema=InputState, context_schema=AgentContext)
    builder.add_node("ingest", ingest)
    builder.add_node("lookup", lookup)
    builder.add_node("model", call_model)
    builder.add_node("tools", make_tool_node())
    builder.add_node("reject", reject)
    builder.add_node("finish", finish)
    builder.add_edge(START, "ingest")
    builder.add_conditional_edges("ingest", route_ingest)
    builder.add_conditional_edges("lookup", route_lookup)
    builder.add_conditional_edges("model", route_model)
    builder.add_edge("tools", "model")
    builder.add_edge("reject", "model")
    builder.add_edge("finish", END)
    return builder


def _forced(text: str, reason: str, replacing: AIMessage | None = None) -> AIMessage:
    """The agent's own answer; it keeps the id and token usage of the model turn it replaces."""
    if replacing is None:
        return AIMessage(content=text, response_metadata={"forced": reason})
    return AIMessage(
        content=text, id=replacing.id, usage_metadata=replacing.usage_metadata, response_metadata={"forced": reason}
    )


def _limit_answer(turn: list[Any], rounds: int) -> str:
    return f"I stopped after {rounds} tool calls (the limit) without reaching a final answer.{_last_result(turn)}"


def _last_result(turn: list[Any]) -> str:
    results = [m for m in turn if isinstance(m, ToolMessage) and _error_code(m) is None]
    return f" The last tool result was: {results[-1].text}" if results else " No tool call succeeded."


def _repeats_a_call(turn: list[Any], response: AIMessage) -> bool:
    """Whether ``response`` asks for a call (same tool, same arguments) already made in this turn."""
    made = [(c["name"], c["args"]) for m in turn if isinstance(m, AIMessage) for c in m.tool_calls]
    return any((call["name"], call["args"]) in made for call in response.tool_calls)


def _error_code(message: ToolMessage) -> str | None:
    result = tool_result(message)
    return result.get("error") if isinstance(result, dict) else None
