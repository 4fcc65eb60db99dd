"""Validation of numeric edge and node attributes (weights, capacities, ranking properties).

The algorithms read attributes by name; a typo or a text value would otherwise surface as a networkx
``TypeError`` deep inside an algorithm, or silently as "every edge weighs 1". These checks turn that into an
``InvalidArgument`` that names the attribute and what is wrong with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any

import networkx as nx

from graphs.errors import InvalidArgument
from graphs.schema_names import unknown_name


def is_number(value: Any) -> bool:
    """Whether ``value`` is a real number usable as a weight (bools and NaN are not).

    >>> is_number(2.5), is_number(True), is_number("3")
    (True, False, False)
    """
    kind = type(value)
    if kind is int:
        return True
    if kind is float:
        return not math.isnan(value)
    return isinstance(value, Real) and not isinstance(value, bool) and not math.isnan(value)


@dataclass(frozen=True)
class EdgeAttrStats:
    """What a scan of one edge attribute found: how many edges carry it and whether any value is negative."""

    present: int
    negative: bool


def scan_edge_attr(G: nx.Graph, attr: str, role: str) -> EdgeAttrStats:
    """Check that every value of edge attribute ``attr`` is a number; ``role`` names its use in errors.

    Raises ``InvalidArgument`` when no edge carries ``attr`` (on a graph with edges) or a value is not a
    number.

    >>> scan_edge_attr(nx.Graph([(1, 2, {"w": -1})]), "w", "weight")
    EdgeAttrStats(present=1, negative=True)
    """
    present = 0
    negative = False
    for u, v, value in G.edges(data=attr):
        if value is None:
            continue
        if not is_number(value):
            raise InvalidArgument(
                f"{role} attribute {attr!r} on edge ({u!r}, {v!r}) is {value!r}, not a number.",
                attribute=attr,
            )
        present += 1
        negative = negative or value < 0
    if present == 0 and G.number_of_edges() > 0:
        known = sorted({key for _, _, data in G.edges(data=True) for key in data})
        message = f"No edge has the {role} attribute {attr!r}. Edge attributes: {known}."
        raise unknown_name(message, attr, known, attribute=attr)
    return EdgeAttrStats(present=present, negative=negative)


def node_numbers(G: nx.Graph, prop: str) -> dict[Any, float]:
    """Values of numeric node property ``prop`` (nodes lacking it count 0).

    Raises ``InvalidArgument`` when no node has ``prop`` or a value is not numeric.

    >>> node_numbers(nx.Graph([(1, 2)]), "x")
    Traceback (most recent call last):
    ...
    graphs.errors.InvalidArgument: No node has the property 'x'. Node properties: [].
    """
    values: dict[Any, float] = {}
    for node, value in G.nodes(data=prop):
        if value is None:
            values[node] = 0
        elif is_number(value):
            values[node] = value
        else:
            raise InvalidArgument(
                f"Property {prop!r} of node {node!r} is {value!r}, not a number.", property=prop
            )
    if G.number_of_nodes():
        check_node_property(G, prop)
    return values


def check_node_property(G: nx.Graph, prop: str) -> None:
    """Raise ``InvalidArgument`` listing the node properties the graph has when no node carries ``prop``, so a
    caller (or the model) can retry with the right name.

    >>> check_node_property(nx.Graph([(1, 2, {"w": 1})]), "w")
    Traceback (most recent call last):
    ...
    graphs.errors.InvalidArgument: No node has the property 'w'. Node properties: [].
    """
    if any(prop in data for _, data in G.nodes(data=True)):
        return
    known = sorted({key for _, data in G.nodes(data=True) for key in data if key != "labels"})
    raise unknown_name(f"No node has the property {prop!r}. Node properties: {known}.", prop, known, property=prop)
