"""The tool registry: the ordered tool suite, one safe entry point to call a tool, and its exports.

Everything outside ``tools/`` reaches the tools through here:

- ``TOOLS`` / ``get_tool`` -- the suite as ``ToolSpec`` records (name, description, args model, function);
- ``call_tool`` -- validate, look up the cache, run, store; never raises;
- ``tool_specs`` / ``compact_signatures`` -- JSON schemas, and one line per tool for a small model's prompt;
- ``langchain_tools`` -- the suite as langchain-core ``StructuredTool`` objects bound to a backend, ready for
  LangGraph's ``ToolNode`` (content = compact JSON string, artifact = the result dict).

>>> compact_signatures(tool_specs([get_tool("has_path")]))
'has_path(source, target) - Whether the target can be reached from the source.'
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ValidationError

from graphs.backend import GraphBackend
from tools import suite
from tools.cache import GraphCache
from tools.results import Result, ToolFunction, error_result, is_error, validation_error_result


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its stable ``name``, the one-line ``description`` the model sees, its pydantic
    ``args_model``, and ``function(backend, **args) -> dict``."""

    name: str
    description: str
    args_model: type[BaseModel]
    function: ToolFunction


def _spec(function: ToolFunction) -> ToolSpec:
    description = (function.__doc__ or "").strip().splitlines()[0]
    return ToolSpec(function.__name__, description, function.args_model, function)  # type: ignore[attr-defined]


TOOLS: tuple[ToolSpec, ...] = tuple(
    _spec(f)
    for f in (
        suite.graph_summary,
        suite.find_nodes,
        suite.node_info,
        suite.neighbors,
        suite.degree,
        suite.count_nodes,
        suite.count_edges,
        suite.has_path,
        suite.shortest_path,
        suite.k_hop,
        suite.connected_components,
        suite.find_cycle,
        suite.topological_order,
        suite.is_bipartite,
        suite.triangles,
        suite.diameter,
        suite.centrality,
        suite.max_flow,
        suite.min_cut,
        suite.max_matching,
        suite.hamiltonian_path,
        suite.subgraph_match,
        suite.similarity,
        suite.run_cypher,
        suite.compare_degree,
    )
)
"""The suite, in the order it is shown to the model. ``compare_degree`` came last, so that an adapter trained
before it still reads the tool list it learned, as the head of the new one."""

_BY_NAME = {spec.name: spec for spec in TOOLS}

CYPHER_KINDS = frozenset({"neo4j"})
"""Backend kinds that can run Cypher."""


def get_tool(name: str) -> ToolSpec:
    """The tool called ``name``; ``KeyError`` naming the close matches if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(_unknown_tool(name)["message"]) from None


def applicable_tools(backend: GraphBackend) -> list[ToolSpec]:
    """The tools that make sense for ``backend`` (``run_cypher`` only on Cypher databases)."""
    return [spec for spec in TOOLS if spec.name != "run_cypher" or backend.kind in CYPHER_KINDS]


def canonical_args(model: BaseModel) -> str:
    """Validated arguments as canonical JSON (defaults filled in, keys sorted): the cache key of a call."""
    return json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def call_tool(
    backend: GraphBackend, name: str, args: Mapping[str, Any], cache: GraphCache | None = None
) -> Result:
    """Validate ``args``, answer from ``cache`` if possible, else run tool ``name`` on ``backend``.

    Never raises: an unknown tool, bad arguments and failures come back as ``{"error", "message", ...}``.
    Successful results are cached under the backend's fingerprint; error results are not.

    >>> import networkx as nx
    >>> from graphs.networkx_backend import NetworkxBackend
    >>> call_tool(NetworkxBackend(nx.path_graph(3)), "count_edges", {})
    {'count': 2}
    """
    spec = _BY_NAME.get(name)
    if spec is None:
        return _unknown_tool(name)
    if not isinstance(args, Mapping):
        return error_result(
            "invalid_argument", f"{name}: arguments must be an object, got {type(args).__name__}"
        )
    try:
        validated = spec.args_model.model_validate(args)
    except ValidationError as exc:
        return validation_error_result(name, exc)
    fingerprint = _fingerprint(backend) if cache is not None and cache.enabled else None
    if fingerprint is None:
        return spec.function(backend, **args)
    key = canonical_args(validated)
    cached = cache.get_tool(fingerprint, name, key)
    if cached is not None:
        return cached
    result = spec.function(backend, **args)
    if not is_error(result):
        cache.put_tool(fingerprint, name, key, result, kind=backend.kind)
    return result


def _fingerprint(backend: GraphBackend) -> str | None:
    """The backend's fingerprint, or None (no caching) when it cannot be had, e.g. a database is down."""
    try:
        return backend.fingerprint()
    except Exception:  # noqa: BLE001 - the tool call itself will report the failure
        return None


def _unknown_tool(name: object) -> Result:
    matches = difflib.get_close_matches(str(name), list(_BY_NAME), n=3)
    hint = f" Did you mean: {', '.join(matches)}?" if matches else ""
    return error_result("unknown_tool", f"No tool named {name!r}.{hint}", close_matches=matches)


def compact_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of an argument model without pydantic's ``title`` noise."""
    return _drop_titles(model.model_json_schema())


def _drop_titles(node: Any, in_properties: bool = False) -> Any:
    if isinstance(node, dict):
        return {
            key: _drop_titles(value, in_properties=key == "properties" and not in_properties)
            for key, value in node.items()
            if in_properties or key != "title"
        }
    if isinstance(node, list):
        return [_drop_titles(item) for item in node]
    return node


def tool_specs(tools: Iterable[ToolSpec] = TOOLS) -> list[dict[str, Any]]:
    """``[{"name", "description", "parameters": JSON schema}]`` for ``tools`` (default: the whole suite)."""
    return [
        {"name": spec.name, "description": spec.description, "parameters": compact_schema(spec.args_model)}
        for spec in tools
    ]


def compact_signatures(specs: Iterable[Mapping[str, Any]]) -> str:
    """One line per tool spec, ``name(required, optional?) - description``, for a small model's prompt."""
    lines = []
    for spec in specs:
        params = spec["parameters"]
        required = set(params.get("required", ()))
        names = [p if p in required else f"{p}?" for p in params.get("properties", {})]
        lines.append(f"{spec['name']}({', '.join(names)}) - {spec['description']}")
    return "\n".join(lines)


def to_content(result: Result) -> str:
    """A tool result as the compact JSON text a model reads."""
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def langchain_tools(
    backend: GraphBackend, cache: GraphCache | None = None, tools: Iterable[ToolSpec] | None = None
) -> list[BaseTool]:
    """The tools (default: ``applicable_tools(backend)``) as langchain-core tools bound to ``backend``.

    Each returns ``(content, artifact)``: the compact JSON text of the result for the model, and the result
    dict itself (``ToolMessage.artifact``). Invalid arguments give an ``invalid_argument`` JSON text, never an
    exception, so ``ToolNode`` works without ``handle_tool_errors``.
    """
    return [
        _langchain_tool(spec, backend, cache)
        for spec in (applicable_tools(backend) if tools is None else tools)
    ]


def _langchain_tool(spec: ToolSpec, backend: GraphBackend, cache: GraphCache | None) -> BaseTool:
    def run(**kwargs: Any) -> tuple[str, Result]:
        result = call_tool(backend, spec.name, kwargs, cache)
        return to_content(result), result

    def on_invalid(exc: ValidationError) -> str:
        return to_content(validation_error_result(spec.name, exc))

    return StructuredTool.from_function(
        func=run,
        name=spec.name,
        description=spec.description,
        args_schema=spec.args_model,
        response_format="content_and_artifact",
        handle_validation_error=on_invalid,
    )
