"""THE one tool-call template: how a conversation becomes model text, and how model text becomes a tool call.

Why one module: the fine-tuned model is trained on exactly the text it later sees at inference (GUIDE.md §1,
principle 3), so rendering, parsing and the decoding grammar must never drift apart.

The format (Gemma-3 turn markers; the base model has no tool tokens)::

    <start_of_turn>system
    INSTRUCTION
    Tools:
    name(required, optional?) - description        (the fine-tuned adapter's prompt: "Tools: name, name, ...")
    Graph: one-line description of the active graph<end_of_turn>
    <start_of_turn>user
    QUESTION<end_of_turn>
    <start_of_turn>model
    <call>shortest_path {"source":"Oslo","target":"Bergen"}</call><end_of_turn>
    <start_of_turn>tool
    {"path":["Oslo","Bergen"],"hops":1,"total_weight":null}<end_of_turn>
    <start_of_turn>model
    ANSWER<end_of_turn>

A model turn is either a final answer (one line) or exactly one call with compact JSON arguments, keys in schema order.
The system turn depends only on (instruction, tools, graph), so it is a fixed prompt prefix whose KV cache
engines reuse; the few-shot examples (baseline only) follow it, then the conversation.

``CHAT_TEMPLATE`` is this format as a Hugging Face chat template (``tokenizer.apply_chat_template``, TRL, vLLM
``--chat-template``); ``render_prompt`` renders exactly that template, in a Jinja environment set up like
transformers' own. Model turns are wrapped in ``{% generation %}`` so TRL can train on model tokens only; a turn
marked ``wrong_guess`` (a training call that fails on purpose so the next turn can recover from its error) is
not, so training shows the mistake without teaching it.
The rendered text carries no ``<bos>``: engines add it when tokenizing, as ``apply_chat_template`` does with
the ``bos_token`` it passes to the template.
"""

from __future__ import annotations

import difflib
import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.tool import InvalidToolCall, ToolCall, invalid_tool_call, tool_call

from agent.grammar import CALL_CLOSE, CALL_OPEN, tool_call_grammar
from agent.prompts import FEW_SHOT, SYSTEM_PROMPT

__all__ = [
    "ADAPTER_TOOL_DESCRIPTIONS",
    "CALL_CLOSE",
    "CALL_OPEN",
    "ANSWER_END",
    "CHAT_TEMPLATE",
    "MODEL_STOPS",
    "TURN_END",
    "TURN_START",
    "ParsedTurn",
    "parse_model_turn",
    "render_prompt",
    "render_tool_call",
    "tool_call_grammar",
]

TURN_START = "<start_of_turn>"
TURN_END = "<end_of_turn>"
ANSWER_END = "\n"
"""A final answer is one line, so generation stops at a newline too: the untuned model otherwise rambles on to
its token budget, often into text that imitates more turns. A call never holds a raw newline (compact JSON)."""
MODEL_STOPS = (TURN_END, ANSWER_END)
"""Where a model turn ends."""

ADAPTER_TOOL_DESCRIPTIONS = False
"""Whether a fine-tuned adapter's prompt describes each tool: no, names only. Training rows
(``finetune.records``) and serving (``agent.session``) both read this, so they cannot drift apart."""

_TEMPLATE_BODY = """\
{%- macro text(content) -%}
{%- if content is none -%}
{%- elif content is string -%}{{ content }}
{%- else -%}{%- for block in content if block.type == "text" -%}{{ block.text }}{%- endfor -%}
{%- endif -%}
{%- endmacro -%}
{%- macro call_arguments(name, args) -%}
{%- if args is string -%}{{ args }}
{%- else -%}
{%- set ns = namespace(order=[]) -%}
{%- for tool in tools or [] -%}
{%- set spec = tool.function if tool.function is defined else tool -%}
{%- if spec.name == name and spec.parameters is defined and spec.parameters.properties is defined -%}
{%- set ns.order = spec.parameters.properties | list -%}
{%- endif -%}
{%- endfor -%}
{%- set known = ns.order | select("in", args) | list -%}
{{ "{" }}
{%- for key in known + (args | reject("in", known) | list) -%}
{{ key | tojson }}:{{ args[key] | tojson(separators=(",", ":")) }}{{ "" if loop.last else "," }}
{%- endfor -%}
{{ "}" }}
{%- endif -%}
{%- endmacro -%}
{%- macro model_turn(message) -%}
{%- if message.tool_calls is defined and message.tool_calls -%}
{%- if message.tool_calls | length > 1 -%}{{ raise_exception("one tool call per model turn") }}{%- endif -%}
{%- set call = message.tool_calls[0].function if message.tool_calls[0].function is defined
    else message.tool_calls[0] -%}
<call>{{ call.name }} {{ call_arguments(call.name, call.arguments) }}</call>
{%- else -%}{{ text(message.content) }}
{%- endif -%}
<end_of_turn>
{%- endmacro -%}
{{- bos_token | default("") -}}
{%- if messages and messages[0].role == "system" -%}
{%- set instruction = text(messages[0].content) -%}{%- set conversation = messages[1:] -%}
{%- else -%}
{%- set instruction = DEFAULT_INSTRUCTION -%}{%- set conversation = messages -%}
{%- endif -%}
<start_of_turn>system{{ "\\n" }}{{ instruction }}
{%- if tools and tool_descriptions is defined and not tool_descriptions -%}
{{ "\\nTools: " }}
{%- for tool in tools -%}
{{ (tool.function if tool.function is defined else tool).name }}{{ "" if loop.last else ", " }}
{%- endfor -%}
{%- elif tools -%}
{{ "\\nTools:" }}
{%- for tool in tools -%}
{%- set spec = tool.function if tool.function is defined else tool -%}
{%- set params = spec.parameters if spec.parameters is defined and spec.parameters else {} -%}
{%- set required = params.required if params.required is defined else [] -%}
{{ "\\n" }}{{ spec.name }}(
{%- for name in (params.properties if params.properties is defined else {}) -%}
{{ name }}{{ "" if name in required else "?" }}{{ "" if loop.last else ", " }}
{%- endfor -%}
) - {{ spec.description }}
{%- endfor -%}
{%- endif -%}
{%- if graph_context is defined and graph_context -%}{{ "\\nGraph: " }}{{ graph_context }}{%- endif -%}
<end_of_turn>{{ "\\n" }}
{%- for message in conversation -%}
{%- if message.role == "user" -%}
<start_of_turn>user{{ "\\n" }}{{ text(message.content) }}<end_of_turn>{{ "\\n" }}
{%- elif message.role in ("assistant", "model") -%}
<start_of_turn>model{{ "\\n" }}
{%- if message.wrong_guess is defined and message.wrong_guess -%}{{ model_turn(message) }}
{%- else -%}{%- generation -%}{{ model_turn(message) }}{%- endgeneration -%}
{%- endif -%}
{{ "\\n" }}
{%- elif message.role == "tool" -%}
<start_of_turn>tool{{ "\\n" }}{{ text(message.content) }}<end_of_turn>{{ "\\n" }}
{%- else -%}
{{ raise_exception("unexpected message role " ~ message.role ~ " (system only comes first)") }}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}<start_of_turn>model{{ "\\n" }}{%- endif -%}
"""

CHAT_TEMPLATE: str = "{%- set DEFAULT_INSTRUCTION = " + json.dumps(SYSTEM_PROMPT) + " -%}\n" + _TEMPLATE_BODY
"""The format as a Jinja chat template (Hugging Face ``chat_template`` conventions; extra variables
``graph_context`` and ``tool_descriptions`` (false: tool names only, the fine-tuned adapter's prompt); tools as
``tool_specs()`` dicts or OpenAI ``{"type": "function", "function": ...}``)."""


@dataclass
class ParsedTurn:
    """A model turn read back: answer ``content``, or one entry in ``tool_calls`` or ``invalid_tool_calls``.

    ``content`` is the answer text, ``""`` for a valid call, and the raw text for an invalid one (so the
    conversation shows what the model really wrote next to the error it is told)."""

    content: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    invalid_tool_calls: list[InvalidToolCall] = field(default_factory=list)


def render_tool_call(name: str, args: Mapping[str, Any]) -> str:
    """The text of one call: ``<call>NAME {compact JSON}</call>`` (keys in the order given)."""
    return f"{CALL_OPEN}{name} {json.dumps(dict(args), ensure_ascii=False, separators=(',', ':'))}{CALL_CLOSE}"


def render_prompt(
    messages: Sequence[BaseMessage],
    tools: Sequence[Mapping[str, Any]],
    graph_context: str | None = None,
    few_shot: bool = False,
    add_generation_prompt: bool = True,
    tool_descriptions: bool = True,
) -> str:
    """The prompt text for ``messages`` (langchain-core messages, an optional ``SystemMessage`` first replacing
    the default instruction), with ``tools``' compact signatures and ``graph_context`` in the system turn and,
    with ``few_shot``, the baseline's worked examples after it. Without ``tool_descriptions`` the tools are
    listed by name only (a fine-tuned adapter knows their arguments: a quarter of the prompt tokens). Tool-call
    arguments are written in the order of their tool's schema. Raises ``ValueError`` for messages the format
    cannot hold."""
    head = list(messages[:1]) if messages and isinstance(messages[0], SystemMessage) else []
    body = [*head, *(FEW_SHOT if few_shot else ()), *messages[len(head) :]]
    try:
        return _compiled().render(
            messages=[template_message(message) for message in body],
            tools=[dict(spec) for spec in tools],
            graph_context=graph_context,
            add_generation_prompt=add_generation_prompt,
            tool_descriptions=tool_descriptions,
            bos_token="",
        )
    except jinja2.TemplateError as exc:
        raise ValueError(f"cannot render conversation: {exc}") from exc


def parse_model_turn(text: str, tool_names: Collection[str]) -> ParsedTurn:
    """Read one model turn: a text starting with ``<call>`` must be exactly one call to a tool in
    ``tool_names`` with a JSON object of arguments, else it becomes an ``invalid_tool_calls`` entry whose
    ``error`` says what is wrong (for the model to read); any other text is a final answer.

    >>> turn = parse_model_turn('<call>has_path {"source":1,"target":2}</call><end_of_turn>', ["has_path"])
    >>> turn.tool_calls[0]["args"]
    {'source': 1, 'target': 2}
    """
    raw = text.strip()
    if raw.endswith(TURN_END):
        raw = raw[: -len(TURN_END)].rstrip()
    if not raw.startswith(CALL_OPEN):
        return ParsedTurn(content=raw)
    call_id = f"call_{uuid.uuid4().hex[:16]}"
    name, args, error = _parse_call(raw[len(CALL_OPEN) :], tool_names)
    if error is not None:
        invalid = invalid_tool_call(name=name, args=args if isinstance(args, str) else None, id=call_id, error=error)
        return ParsedTurn(raw, invalid_tool_calls=[invalid])
    return ParsedTurn("", tool_calls=[tool_call(name=name, args=args, id=call_id)])


def _parse_call(body: str, tool_names: Collection[str]) -> tuple[str | None, Any, str | None]:
    """``(name, args, None)`` for a well-formed call body (the text after ``<call>``), else
    ``(name or None, raw argument text, error)``."""
    stripped = body.lstrip()
    name = stripped.split(None, 1)[0] if stripped else ""
    for stop in ("{", CALL_CLOSE):
        name = name.split(stop, 1)[0]
    rest = stripped[len(name) :].lstrip()
    raw_args = rest.split(CALL_CLOSE, 1)[0] if CALL_CLOSE in rest else rest
    if not name:
        return None, raw_args, f"A tool call needs a tool name: {CALL_OPEN}tool {{...}}{CALL_CLOSE}."
    if name not in tool_names:
        matches = difflib.get_close_matches(name, list(tool_names), n=3)
        hint = f" Did you mean: {', '.join(matches)}?" if matches else ""
        return name, raw_args, f"Unknown tool {name!r}.{hint}"
    if rest.startswith(CALL_CLOSE):
        args, after = {}, rest
    else:
        try:
            args, end = json.JSONDecoder().raw_decode(rest)
        except json.JSONDecodeError as exc:
            return name, raw_args, f"Arguments are not valid JSON: {exc}."
        if not isinstance(args, dict):
            return name, raw_args, f"Arguments must be a JSON object, not {type(args).__name__}."
        after = rest[end:].lstrip()
    if not after.startswith(CALL_CLOSE):
        missing = CALL_CLOSE not in after
        return name, raw_args, f"Missing {CALL_CLOSE} after the arguments." if missing else (
            f"Unexpected text between the arguments and {CALL_CLOSE}."
        )
    if after[len(CALL_CLOSE) :].strip():
        return name, raw_args, f"Text after {CALL_CLOSE}: write exactly one tool call per turn, nothing else."
    return name, args, None


def template_message(message: BaseMessage) -> dict[str, Any]:
    """A langchain-core message as a Hugging Face style chat message dict."""
    if isinstance(message, SystemMessage):
        return {"role": "system", "content": message.text}
    if isinstance(message, HumanMessage):
        return {"role": "user", "content": message.text}
    if isinstance(message, ToolMessage):
        return {"role": "tool", "content": message.text, "tool_call_id": message.tool_call_id}
    if isinstance(message, AIMessage):
        calls = [
            {"type": "function", "function": {"name": call["name"], "arguments": call["args"]}}
            for call in message.tool_calls
        ]
        wrong = {"wrong_guess": True} if message.additional_kwargs.get("wrong_guess") else {}
        return {"role": "assistant", "content": message.text, **({"tool_calls": calls} if calls else {}), **wrong}
    raise ValueError(f"cannot render a {type(message).__name__} in the tool-call template")


class _GenerationBlock(jinja2.ext.Extension):
    """``{% generation %}...{% endgeneration %}`` as a plain block: transformers uses it to mark model tokens
    (``return_assistant_tokens_mask``); rendering for inference just keeps its text."""

    tags = {"generation"}

    def parse(self, parser: jinja2.parser.Parser) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.Scope(body, lineno=lineno)


def _raise_exception(message: str) -> None:
    raise jinja2.TemplateError(message)


def _tojson(value: Any, ensure_ascii: bool = False, indent: int | None = None, separators: Any = None,
            sort_keys: bool = False) -> str:
    """transformers' ``tojson`` filter (plain JSON; Jinja's own escapes HTML characters)."""
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


@lru_cache(maxsize=1)
def _compiled() -> jinja2.Template:
    """``CHAT_TEMPLATE`` compiled in an environment configured like transformers' chat-template one."""
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[_GenerationBlock, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    return env.from_string(CHAT_TEMPLATE)
