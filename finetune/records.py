"""Training records: conversations as TRL conversational rows, rendered by exactly the agent's template.

Why one module: every producer of training data (the synthetic generator, pairs from the trajectory log, human
corrections) must write the same row shape, and that shape must render, through ``agent.template.CHAT_TEMPLATE``,
to exactly the text the agent sees at inference (``agent.template.render_prompt``). The rows follow TRL 1.16:

- SFT (language modelling, conversational): ``{"messages", "tools", "chat_template_kwargs", **meta}``;
- DPO (preference, conversational, explicit prompt): ``{"prompt", "chosen", "rejected", "tools",
  "chat_template_kwargs", "provenance"}``.

``messages`` are Hugging Face chat dicts as ``agent.template`` makes them; ``tools`` are the tool specs
(``tools.registry.tool_specs``) shown in the system turn; the graph context line travels in
``chat_template_kwargs`` (TRL's ``SFTTrainer`` and ``DPOTrainer`` pass that column's keys to
``apply_chat_template``, and the template reads ``graph_context``). No system message is stored unless the caller
gives one: the template then writes the agent's default instruction, as the agent does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent.template import ADAPTER_TOOL_DESCRIPTIONS, template_message

RESERVED_COLUMNS = frozenset(
    {"messages", "tools", "chat_template_kwargs", "prompt", "chosen", "rejected", "completion", "text", "label"}
)
"""Column names TRL gives a meaning to: metadata may not use them."""


def chat_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """langchain-core messages as the chat dicts the template renders (``ValueError`` for unsupported ones)."""
    return [template_message(message) for message in messages]


def conversation_record(
    messages: Sequence[BaseMessage],
    *,
    tools: Sequence[Mapping[str, Any]],
    graph_context: str | None,
    **meta: Any,
) -> dict[str, Any]:
    """One SFT row: the whole conversation (it must end with a model turn, so there is something to learn),
    the tool specs, the graph context and flat metadata columns (``task``, ``family``, ...)."""
    if not messages or not isinstance(messages[-1], AIMessage):
        raise ValueError("a training conversation must end with a model turn")
    clash = RESERVED_COLUMNS.intersection(meta)
    if clash:
        raise ValueError(f"metadata may not use TRL's column names: {', '.join(sorted(clash))}")
    return {
        "messages": chat_messages(messages),
        "tools": [dict(spec) for spec in tools],
        "chat_template_kwargs": {"graph_context": graph_context, "tool_descriptions": ADAPTER_TOOL_DESCRIPTIONS},
        **meta,
    }


def preference_record(
    prompt: Sequence[BaseMessage],
    chosen: Sequence[BaseMessage],
    rejected: Sequence[BaseMessage],
    *,
    tools: Sequence[Mapping[str, Any]],
    graph_context: str | None,
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """One DPO row: the ``prompt`` (ending with a user or tool turn, so the model speaks next) and two
    continuations that start with a model turn; ``provenance`` says where the pair came from."""
    if not prompt or not isinstance(prompt[-1], HumanMessage | ToolMessage):
        raise ValueError("a preference prompt must end with a user or tool turn")
    for name, continuation in (("chosen", chosen), ("rejected", rejected)):
        if not continuation or not isinstance(continuation[0], AIMessage):
            raise ValueError(f"the {name} continuation must start with a model turn")
    chosen_dicts, rejected_dicts = chat_messages(chosen), chat_messages(rejected)
    if chosen_dicts == rejected_dicts:
        raise ValueError("chosen and rejected are the same conversation")
    return {
        "prompt": chat_messages(prompt),
        "chosen": chosen_dicts,
        "rejected": rejected_dicts,
        "tools": [dict(spec) for spec in tools],
        "chat_template_kwargs": {"graph_context": graph_context, "tool_descriptions": ADAPTER_TOOL_DESCRIPTIONS},
        "provenance": dict(provenance),
    }
