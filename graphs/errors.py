"""Typed errors raised by graph backends, loaders and parsers.

Every error carries a stable ``code`` and converts to a JSON-serializable dict, so the tool layer can hand it to
a model as a structured result instead of crashing the agent loop.
"""

from __future__ import annotations

from typing import Any


class GraphError(Exception):
    """Base class of every error the graph layer raises on purpose."""

    code = "graph_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The error as a JSON-serializable dict: ``{"error": code, "message": ..., **details}``."""
        return {"error": self.code, "message": self.message, **self.details}


class NodeNotFound(GraphError):
    """A node reference matches no node; ``close_matches`` lists the nearest existing names."""

    code = "node_not_found"

    def __init__(self, node: Any, close_matches: list[Any] | None = None) -> None:
        matches = list(close_matches or [])
        hint = f" Did you mean: {', '.join(map(str, matches))}?" if matches else ""
        super().__init__(f"Node {node!r} not found.{hint}", node=node, close_matches=matches)


class AmbiguousNode(GraphError):
    """A node reference matches several nodes (e.g. two people with the same name)."""

    code = "ambiguous_node"

    def __init__(self, node: Any, candidates: list[Any]) -> None:
        super().__init__(
            f"Node {node!r} is ambiguous: {len(candidates)} nodes match.", node=node, candidates=candidates
        )


class NoPath(GraphError):
    """No path connects the two nodes."""

    code = "no_path"

    def __init__(self, source: Any, target: Any) -> None:
        super().__init__(f"No path from {source!r} to {target!r}.", source=source, target=target)


class NotADag(GraphError):
    """The graph has a cycle (or is undirected), so it has no topological order; ``cycle`` is a witness."""

    code = "not_a_dag"

    def __init__(self, message: str, cycle: list[Any] | None = None) -> None:
        super().__init__(message, cycle=cycle)


class ReadOnlyViolation(GraphError):
    """A query or operation would write to a read-only graph."""

    code = "read_only_violation"


class BackendUnavailable(GraphError):
    """The backend cannot be reached (database down, connection lost, bad credentials)."""

    code = "backend_unavailable"


class QueryTimeout(GraphError):
    """A computation or query ran past its time limit."""

    code = "timeout"


class TooLarge(GraphError):
    """The input is too large for an exact algorithm (e.g. Hamiltonian path on many nodes)."""

    code = "too_large"


class Unsupported(GraphError):
    """The operation makes no sense for this backend or graph kind (e.g. run_cypher on networkx)."""

    code = "unsupported"


class InvalidArgument(GraphError):
    """An argument is malformed or refers to an unknown label, relationship type or property."""

    code = "invalid_argument"


class GraphFormatError(GraphError):
    """A graph file or text could not be parsed; names the file, the line and the problem."""

    code = "format_error"

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}", path=path, line=line, problem=problem)
