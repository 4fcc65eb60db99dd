"""The loop's tool node: the whole tool suite, acting on whichever graph is active in the turn.

The graph is compiled once, but the active graph changes (the user's backend, or a conversation's inline
graph), so tools cannot be bound to one backend up front (``tools.registry.langchain_tools`` does that). Here
each tool takes LangGraph's ``ToolRuntime`` instead: it reads the runtime context (``AgentContext``) and the
state, picks the active backend, and calls ``tools.registry.call_tool``, which never raises. Bad arguments
that LangGraph's ``ToolNode`` rejects before the tool runs come back as the same compact ``invalid_argument``
JSON the registry writes, so the model sees one error format.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.tools import BaseTool, InjectedToolArg, StructuredTool
from langgraph.prebuilt import ToolNode, ToolRuntime
from langgraph.prebuilt.tool_node import ToolInvocationError
from pydantic import create_model

from agent.context import AgentContext
from agent.ingest import scratch_backend
from agent.state import State
from graphs.backend import GraphBackend
from tools.registry import TOOLS, ToolSpec, call_tool, to_content
from tools.results import error_result, exception_result


def active_backend(context: AgentContext, state: State) -> GraphBackend:
    """The conversation's inline graph if it has one (rebuilt once per fingerprint), else the user's graph."""
    if state.scratch_graph is None:
        return context.backend
    backend = context.scratch.get(state.fingerprint)
    if backend is None:
        backend = context.scratch[state.fingerprint] = scratch_backend(state.scratch_graph)
    return backend


def graph_tool(spec: ToolSpec) -> BaseTool:
    """Tool ``spec`` as a langchain tool that runs on the active graph; returns (compact JSON, result dict)."""

    def run(runtime: ToolRuntime[AgentContext, State], **kwargs: Any) -> tuple[str, dict[str, Any]]:
        context = runtime.context
        result = call_tool(active_backend(context, runtime.state), spec.name, kwargs, context.cache)
        return to_content(result), result

    # The argument model forbids extra keys, so it must also declare the injected runtime.
    schema = create_model(
        spec.args_model.__name__, __base__=spec.args_model, runtime=(Annotated[Any, InjectedToolArg], None)
    )
    return StructuredTool.from_function(
        func=run,
        name=spec.name,
        description=spec.description,
        args_schema=schema,
        response_format="content_and_artifact",
    )


def tool_error(exc: Exception) -> str:
    """A failure ``ToolNode`` caught, as the compact JSON error text the model reads."""
    if isinstance(exc, ToolInvocationError):
        problems = [
            f"{'.'.join(map(str, error.get('loc', ()))) or 'arguments'}: {error.get('msg', 'invalid')}"
            for error in exc.filtered_errors or []
        ]
        return to_content(error_result("invalid_argument", f"{exc.tool_name}: " + "; ".join(problems)))
    return to_content(exception_result("tool", exc))


def make_tool_node() -> ToolNode:
    """The ``tools`` node: every tool of the suite, errors returned to the model, never raised."""
    return ToolNode([graph_tool(spec) for spec in TOOLS], handle_tool_errors=tool_error)
