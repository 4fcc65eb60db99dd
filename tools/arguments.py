"""Typed argument models of the graph tools.

Each tool's arguments are one pydantic model. The model validates what a (small) language model wrote,
and its JSON schema -- field names, types, defaults and the short ``Field`` descriptions -- is what the
model is shown. Descriptions are therefore kept to a few words: every token of prompt costs prefill time on
a CPU.

Conventions: a node argument accepts an int or a string (resolved by the backend, with close matches on a
miss); unknown argument names are rejected; ``limit`` is clamped to ``1..MAX_LIMIT`` rather than refused,
so an over-eager model still gets an answer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_LIMIT = 100
"""The most items any tool lists, whatever ``limit`` asks for."""

NODE_DESCRIPTION = "Node id or name."
Node = Annotated[int | str, Field(description=NODE_DESCRIPTION)]
OptionalNode = Annotated[int | str | None, Field(description=NODE_DESCRIPTION)]
DirectionArg = Annotated[Literal["out", "in", "both"], Field(description="Edge direction.")]
RelTypeArg = Annotated[str | None, Field(description="Relationship type.")]
WeightArg = Annotated[str | None, Field(description="Edge weight property.")]
CapacityArg = Annotated[str, Field(description="Edge capacity property.")]


def node_fields(args_model: type[BaseModel]) -> list[str]:
    """The arguments of a tool that name one node (typed ``Node`` / ``OptionalNode``)."""
    return [name for name, info in args_model.model_fields.items() if info.description == NODE_DESCRIPTION]


def node_list_fields(args_model: type[BaseModel]) -> list[str]:
    """The arguments of a tool that name several nodes (lists of ``Node``)."""
    return [
        name for name, info in args_model.model_fields.items()
        if any(getattr(meta, "description", None) == NODE_DESCRIPTION for arg in get_args(info.annotation)
               for meta in getattr(arg, "__metadata__", ()))
    ]


def _clamp_limit(value: int) -> int:
    return max(1, min(value, MAX_LIMIT))


def _limit(default: int) -> Any:
    """A ``limit`` field: at most this many items are listed (clamped to ``1..MAX_LIMIT``)."""
    return Field(default, description=f"Max items to list (1-{MAX_LIMIT}).")


Limit = Annotated[int, AfterValidator(_clamp_limit)]


class ToolArgs(BaseModel):
    """Base of every argument model: unknown argument names are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GraphSummaryArgs(ToolArgs):
    samples: int = Field(3, ge=0, le=10, description="Example names per label.")


class FindNodesArgs(ToolArgs):
    query: str | None = Field(None, description="Name to search (fuzzy).")
    label: str | None = Field(None, description="Node label.")
    prop: str | None = Field(None, description="Property name.")
    value: bool | int | float | str | None = Field(None, description="Property value.")
    limit: Limit = _limit(20)


class NodeInfoArgs(ToolArgs):
    node: Node


class NeighborsArgs(ToolArgs):
    node: Node
    direction: DirectionArg = "both"
    rel_type: RelTypeArg = None
    limit: Limit = _limit(20)


class DegreeArgs(ToolArgs):
    node: Node
    direction: DirectionArg = "both"
    rel_type: RelTypeArg = None


class CompareDegreeArgs(ToolArgs):
    nodes: list[Node] = Field(min_length=2, max_length=10, description="Nodes to compare.")
    direction: DirectionArg = "both"
    rel_type: RelTypeArg = None


class CountNodesArgs(ToolArgs):
    label: str | None = Field(None, description="Node label.")


class CountEdgesArgs(ToolArgs):
    rel_type: RelTypeArg = None


class HasPathArgs(ToolArgs):
    source: Node
    target: Node


class ShortestPathArgs(ToolArgs):
    source: Node
    target: Node
    weight: WeightArg = None


class KHopArgs(ToolArgs):
    node: Node
    k: int = Field(2, ge=1, le=10, description="Max hops.")
    direction: DirectionArg = "both"
    limit: Limit = _limit(20)


class ConnectedComponentsArgs(ToolArgs):
    node: OptionalNode = None
    kind: Literal["weak", "strong"] = Field("weak", description="Connectivity if directed.")
    limit: Limit = _limit(20)


class NoArgs(ToolArgs):
    pass


class TopologicalOrderArgs(ToolArgs):
    limit: Limit = _limit(50)


class IsBipartiteArgs(ToolArgs):
    limit: Limit = _limit(20)


class TrianglesArgs(ToolArgs):
    node: OptionalNode = None
    rank_by: str | None = Field(None, description="Numeric node property to rank by.")
    limit: Limit = _limit(20)


class DiameterArgs(ToolArgs):
    weight: WeightArg = None


class CentralityArgs(ToolArgs):
    measure: Literal["degree", "betweenness", "closeness", "pagerank"] = Field(
        "degree", description="Centrality measure."
    )
    k: int = Field(10, ge=1, le=MAX_LIMIT, description="How many top nodes.")
    weight: WeightArg = None


class FlowArgs(ToolArgs):
    source: Node
    sink: Node
    capacity: CapacityArg = "capacity"
    limit: Limit = _limit(50)


class MaxMatchingArgs(ToolArgs):
    limit: Limit = _limit(50)


class SubgraphMatchArgs(ToolArgs):
    pattern: list[tuple[int | str, int | str]] = Field(
        min_length=1, max_length=12, description='Pattern edges, e.g. [["a","b"],["b","c"]].'
    )
    directed: bool | None = Field(None, description="Match edge direction (default: as the graph).")
    limit: Limit = _limit(20)


class SimilarityArgs(ToolArgs):
    a: Node
    b: Node
    limit: Limit = _limit(20)


class RunCypherArgs(ToolArgs):
    query: str = Field(min_length=1, description="Read-only Cypher query.")
    params: dict[str, bool | int | float | str | None] | None = Field(None, description="Query parameters.")
    limit: Limit = _limit(50)
