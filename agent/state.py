"""The agent's state: what LangGraph checkpoints per conversation thread.

Only plain data goes here (messages, an inline graph as node-link JSON, short strings): the checkpointer
serializes it, so a follow-up question in the same thread sees the earlier turns and the same inline graph.
Live objects (model, backend, cache) are in ``agent.context.AgentContext`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langgraph.graph import add_messages


@dataclass
class InputState:
    """What a caller sends: the new user message."""

    messages: Annotated[list[AnyMessage], add_messages] = field(default_factory=list)
    """The conversation: Human, AI (with ``tool_calls``), Tool, ..., AI (the answer), Human, ..."""


@dataclass
class State(InputState):
    """The full state of a thread."""

    scratch_graph: dict[str, Any] | None = None
    """The conversation's inline graph (networkx node-link data), the active graph while set."""
    fingerprint: str = ""
    """Fingerprint of the active graph this turn."""
    graph_context: str = ""
    """Compact description of the active graph, shown to the model."""
    cached: bool = False
    """Whether this turn's answer came from the answer cache."""


def current_turn(messages: Sequence[AnyMessage]) -> list[AnyMessage]:
    """The messages of the latest turn: the last ``HumanMessage`` and everything after it."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return list(messages[index:])
    return list(messages)


def tool_trace(messages: Sequence[AnyMessage]) -> list[dict[str, Any]]:
    """``[{"name", "args", "result"}]`` for every tool call in ``messages``, results matched by call id."""
    results = {m.tool_call_id: m for m in messages if isinstance(m, ToolMessage)}
    trace = []
    for message in messages:
        if not isinstance(message, AIMessage):
            continue
        for call in message.tool_calls:
            reply = results.get(call["id"])
            trace.append({"name": call["name"], "args": call["args"], "result": tool_result(reply)})
    return trace


def tool_result(message: ToolMessage | None) -> Any:
    """The result a tool message carries: its artifact (the result dict), else its JSON text decoded."""
    if message is None:
        return None
    if message.artifact is not None:
        return message.artifact
    try:
        return json.loads(message.text)
    except ValueError:
        return message.text
