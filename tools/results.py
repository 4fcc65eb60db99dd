"""Turning every outcome of a tool call into a small, JSON-ready result dict.

A tool must never raise into the agent loop: a small model recovers from ``{"error": ..., "message": ...}``
far better than from a crashed run. This module holds the one wrapper (``graph_tool``) that validates a tool's
arguments, runs it, and maps each failure -- pydantic validation errors, ``GraphError`` subclasses, and (as a
last resort, logged) any other exception -- to an error dict. It also normalises results to plain JSON
(``jsonable``), so a result read back from the JSON cache is identical to a freshly computed one.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from graphs.backend import GraphBackend
from graphs.errors import GraphError

log = logging.getLogger(__name__)

MAX_STRING = 300
"""Longer string values (e.g. long text properties) are cut to this many characters in results."""

Result = dict[str, Any]
ToolFunction = Callable[..., Result]


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: tuples and sets become lists, mapping keys strings, non-finite floats
    None, numpy scalars Python numbers, long strings are cut to ``MAX_STRING`` characters.

    >>> jsonable({1: (2, float("nan")), "s": {3}})
    {'1': [2, None], 's': [3]}
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING else value[: MAX_STRING - 1] + "…"
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return [jsonable(v) for v in sorted(value, key=str)]
    if hasattr(value, "item"):
        return jsonable(value.item())
    return jsonable(str(value))


def error_result(code: str, message: str, **details: Any) -> Result:
    """An error result: ``{"error": code, "message": message, **details}``."""
    return jsonable({"error": code, "message": message, **details})


def is_error(result: Mapping[str, Any]) -> bool:
    """Whether a tool result is an error result."""
    return "error" in result


def validation_error_result(tool: str, exc: ValidationError) -> Result:
    """A pydantic ``ValidationError`` as one compact ``invalid_argument`` result naming each bad field."""
    problems = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or "arguments"
        problems.append(f"{field}: {err['msg']}")
    return error_result("invalid_argument", f"{tool}: " + "; ".join(problems))


def exception_result(tool: str, exc: BaseException) -> Result:
    """Any exception raised by a tool as an error result; unexpected ones are logged with their traceback."""
    if isinstance(exc, GraphError):
        return jsonable(exc.to_dict())
    if isinstance(exc, ValidationError):
        return validation_error_result(tool, exc)
    log.exception("tool %s failed unexpectedly", tool)
    return error_result("internal_error", f"{tool} failed: {type(exc).__name__}: {exc}")


def graph_tool(args_model: type[BaseModel]) -> Callable[[Callable[[GraphBackend, Any], Any]], ToolFunction]:
    """Turn ``impl(backend, args)`` into the public tool ``tool(backend, **args) -> dict`` that never raises.

    The tool validates ``args`` with ``args_model``, calls ``impl`` with the validated model, and returns its
    result as plain JSON -- or an error result. The model is kept as ``tool.args_model``.
    """

    def decorate(impl: Callable[[GraphBackend, Any], Any]) -> ToolFunction:
        name = impl.__name__

        @functools.wraps(impl)
        def tool(backend: GraphBackend, **args: Any) -> Result:
            try:
                return jsonable(impl(backend, args_model.model_validate(args)))
            except Exception as exc:  # noqa: BLE001 - a tool must never raise into the agent loop
                return exception_result(name, exc)

        tool.args_model = args_model  # type: ignore[attr-defined]
        return tool

    return decorate
