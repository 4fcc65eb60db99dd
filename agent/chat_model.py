"""``LocalChatModel``: a langchain-core chat model over one of our engines, speaking the one tool-call template.

Why a custom ``BaseChatModel``: Gemma-3 has no tool tokens and the base model no chat template, so tool calling
is ours -- render the conversation with ``agent.template.render_prompt``, decode under the tool-call grammar
(so a call always parses), and parse the turn back into ``AIMessage.tool_calls`` (or ``invalid_tool_calls`` when
an unconstrained engine wrote something unparseable). LangGraph and the UI then treat it like any chat model.

Streaming: the text of a final answer is streamed piece by piece (``run_manager.on_llm_new_token``, which
LangGraph's ``stream_mode="messages"`` picks up, and ``_stream``); a tool call's raw text is not -- it arrives
whole, as ``tool_calls``, when the turn is done.

Per-call keyword arguments (through ``bind_tools``/``bind`` or ``invoke``): ``tools`` (tool spec dicts),
``graph_context`` (the active graph's description for the system turn) and ``cancel`` (a ``threading.Event``).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field

from agent.engines.base import Generation
from agent.grammar import max_call_bytes
from agent.template import CALL_OPEN, MODEL_STOPS, ParsedTurn, parse_model_turn, render_prompt, tool_call_grammar

_POLL_S = 0.05
FALLBACK_CALL_TOKENS = 4096
"""Second-try budget when neither the grammar nor the engine bounds a call's length."""


class LocalChatModel(BaseChatModel):
    """A chat model over an ``Engine`` (llama.cpp, transformers or an OpenAI-compatible server).

    ``few_shot`` adds the template's worked examples and ``tool_descriptions`` lists each tool's signature and
    description (the untuned baseline needs both; a fine-tuned adapter learned them and sees tool names only).
    ``constrained`` decodes under the tool-call grammar whenever tools are bound.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Any = Field(exclude=True)
    """The ``agent.engines.base.Engine`` that generates text."""
    max_tokens: int = 256
    """Token budget of a turn; a tool call cut off by it is generated again with room to finish."""
    max_call_tokens: int | None = None
    """Budget of that second try; None: the longest call the grammar admits for the bound tools (in bytes: a
    token adds at least one), as far as the engine's context (``n_ctx``) leaves room after the prompt."""
    few_shot: bool = False
    tool_descriptions: bool = True
    constrained: bool = True
    disable_streaming: bool | str = "tool_calling"
    """With tools bound, ``invoke`` runs ``_generate`` (tokens still stream through callbacks)."""

    @property
    def _llm_type(self) -> str:
        return f"graph-agent-{self.engine.name}"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"engine": self.engine.name, "model_id": self.engine.model_id, "adapter_id": self.engine.adapter_id}

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (``tool_specs()`` dicts, langchain tools, or OpenAI tool dicts) for every call."""
        return self.bind(tools=[tool_spec(tool) for tool in tools], **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        def on_text(piece: str) -> None:
            if run_manager is not None:
                run_manager.on_llm_new_token(piece, chunk=ChatGenerationChunk(message=AIMessageChunk(content=piece)))

        message = self._turn(messages, stop, on_text, **kwargs)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        pieces: queue.Queue[str] = queue.Queue()
        outcome: dict[str, Any] = {}
        cancel = kwargs.pop("cancel", None) or threading.Event()

        def work() -> None:
            try:
                outcome["message"] = self._turn(messages, stop, pieces.put, cancel=cancel, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the consuming thread below
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="local-chat-model", daemon=True)
        worker.start()
        try:
            while worker.is_alive() or not pieces.empty():
                try:
                    piece = pieces.get(timeout=_POLL_S)
                except queue.Empty:
                    continue
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                if run_manager is not None:
                    run_manager.on_llm_new_token(piece, chunk=chunk)
                yield chunk
        finally:
            if worker.is_alive():
                cancel.set()
            worker.join()
        if "error" in outcome:
            raise outcome["error"]
        yield ChatGenerationChunk(message=_closing_chunk(outcome["message"]))

    def _turn(
        self,
        messages: Sequence[BaseMessage],
        stop: Sequence[str] | None,
        on_text: Callable[[str], None],
        *,
        tools: Sequence[Mapping[str, Any]] | None = None,
        graph_context: str | None = None,
        cancel: threading.Event | None = None,
        **_: Any,
    ) -> AIMessage:
        """Render, generate (grammar-constrained when tools are bound), parse: one model turn."""
        tools = list(tools or [])
        prompt = render_prompt(
            messages,
            tools,
            graph_context=graph_context,
            few_shot=self.few_shot,
            tool_descriptions=self.tool_descriptions,
        )
        grammar = tool_call_grammar(tools) if tools and self.constrained else None
        gate = AnswerGate(on_text)
        generation = self.engine.generate(
            prompt,
            grammar=grammar,
            max_tokens=self.max_tokens,
            stop=[*MODEL_STOPS, *(stop or [])],
            on_token=gate.feed,
            cancel=cancel,
        )
        names = [tool["name"] for tool in tools]
        parsed = parse_model_turn(generation.text, names)
        budget = self._call_budget(tools, generation.prompt_tokens)
        if grammar and _cut_off_call(generation, parsed, self.max_tokens) and budget > self.max_tokens:
            # Greedy decoding with the prompt's KV cache reused: the same call again, now with room to finish.
            generation = self.engine.generate(
                prompt,
                grammar=grammar,
                max_tokens=budget,
                stop=[*MODEL_STOPS, *(stop or [])],
                cancel=cancel,
            )
            parsed = parse_model_turn(generation.text, names)
        return AIMessage(
            content=parsed.content,
            tool_calls=parsed.tool_calls,
            invalid_tool_calls=parsed.invalid_tool_calls,
            usage_metadata=_usage(generation),
            response_metadata=self._metadata(generation),
        )

    def _call_budget(self, tools: Sequence[Mapping[str, Any]], prompt_tokens: int) -> int:
        """Tokens that let any call to ``tools`` finish: see ``max_call_tokens``."""
        limits = [max_call_bytes(tools) if tools else None, self.max_call_tokens]
        n_ctx = getattr(self.engine, "n_ctx", None)
        if n_ctx:
            limits.append(n_ctx - prompt_tokens)
        known = [limit for limit in limits if limit is not None]
        return min(known) if known else FALLBACK_CALL_TOKENS

    def _metadata(self, generation: Generation) -> dict[str, Any]:
        return {
            "engine": self.engine.name,
            "model_id": self.engine.model_id,
            "adapter_id": self.engine.adapter_id,
            "prefill_s": round(generation.prefill_s, 4),
            "decode_s": round(generation.decode_s, 4),
            "cached_prompt_tokens": generation.cached_prompt_tokens,
            "raw": generation.text,
        }


def _cut_off_call(generation: Generation, parsed: ParsedTurn, max_tokens: int) -> bool:
    """Whether the turn is a tool call that the token budget ended before it could be read (its text may even
    hold ``</call>`` inside an unfinished string argument)."""
    started = generation.text.lstrip().startswith(CALL_OPEN)
    return started and bool(parsed.invalid_tool_calls) and generation.completion_tokens >= max_tokens


class AnswerGate:
    """Passes on streamed text only once it is known to be a final answer (not starting with ``<``, i.e.
    not a ``<call>``); leading whitespace is held until the first visible character decides."""

    def __init__(self, on_text: Callable[[str], None]) -> None:
        self._on_text = on_text
        self._held = ""
        self._open: bool | None = None

    def feed(self, piece: str) -> None:
        """Take one decoded piece."""
        if self._open is None:
            self._held += piece
            visible = self._held.lstrip()
            if not visible:
                return
            self._open = not visible.startswith(CALL_OPEN[0])
            piece, self._held = visible, ""
        if self._open and piece:
            self._on_text(piece)


def tool_spec(tool: Any) -> dict[str, Any]:
    """``{"name", "description", "parameters"}`` for a spec dict, an OpenAI tool dict, or a langchain tool."""
    if isinstance(tool, Mapping) and {"name", "parameters"} <= tool.keys():
        return {"name": tool["name"], "description": tool.get("description", ""), "parameters": tool["parameters"]}
    function = convert_to_openai_tool(tool)["function"]
    return {
        "name": function["name"],
        "description": function.get("description", ""),
        "parameters": function.get("parameters", {"type": "object", "properties": {}}),
    }


def _usage(generation: Generation) -> dict[str, Any]:
    return {
        "input_tokens": generation.prompt_tokens,
        "output_tokens": generation.completion_tokens,
        "total_tokens": generation.prompt_tokens + generation.completion_tokens,
        "input_token_details": {"cache_read": generation.cached_prompt_tokens},
    }


def _closing_chunk(message: AIMessage) -> AIMessageChunk:
    """The last chunk of a stream: the tool calls (as complete JSON chunks), usage and metadata."""
    calls = [
        {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
        for i, c in enumerate(message.tool_calls)
    ]
    calls += [
        {"name": c["name"], "args": c["args"], "id": c["id"], "index": len(calls) + i}
        for i, c in enumerate(message.invalid_tool_calls)
    ]
    return AIMessageChunk(
        content="",
        tool_call_chunks=calls,
        usage_metadata=message.usage_metadata,
        response_metadata=message.response_metadata,
    )
