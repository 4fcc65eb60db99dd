"""Load a graph file (GraphML, GML, node-link JSON, CSV/TSV or whitespace edge list) into networkx.

Why: a user points the assistant at a file, and every later answer depends on that graph being read
exactly. So a loader either returns the whole graph or raises ``GraphFormatError`` naming the file, the
line (when it can be known) and the problem -- never a half-loaded graph.

Conventions of the result (shared by the whole product):

- always an ``nx.Graph`` or ``nx.DiGraph``; ``G.graph["name"]`` is the file stem unless the file names
  the graph;
- a node attribute ``labels`` written as one string (``":Person:Employee"`` or ``"Person;Employee"``)
  becomes a list of labels;
- in formats whose node ids are text (GraphML, GML, CSV/TSV, edge lists) the ids become ints when *every*
  id is an integer written without leading zeros, otherwise all stay strings; JSON keeps its own types;
- numeric-looking cells of CSV/TSV files become ``int`` or ``float``.

Parallel edges (a multigraph file, the same pair listed twice in an edge list, or reciprocal edges when a
directed file is read as undirected) are merged into one edge: the first edge's attributes are kept,
except that ``weight`` becomes the *minimum* and ``capacity`` the *sum* over the merged edges -- so
shortest-path distances and maximum flows are the same as on the multigraph. ``G.graph["merged_edges"]``
counts the edges merged away (present only when some were).

Directedness: GraphML, GML and JSON say it themselves and ``directed=None`` keeps it; ``True``/``False``
converts (an undirected edge becomes two directed ones; reciprocal directed edges merge as above). Edge
lists (CSV/TSV/whitespace) carry no such flag: they are undirected unless ``directed=True`` is passed.

CSV/TSV: columns ``source, target[, weight]`` without a header, or any columns with a header. A first row
is a header when its first two cells are known endpoint names (``source/src/from/u/...``,
``target/dst/to/v/...``) or its third cell is a known attribute name (``weight``, ``cost``, ``type``, ...
below). Header names: ``w`` means ``weight``; ``type/label/rel/relationship/relation/rel_type`` mean
``type``; every other column keeps its name as an edge attribute (empty cells are left out). Columns named
``weight/w/cost/distance/length/capacity`` must hold numbers. Lines starting with ``#`` are comments.

Whitespace edge lists (``.txt``, ``.edgelist``, ``.edges``): ``u v [weight]`` per line; ``#`` starts a
comment; blank lines are skipped.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "roads.csv"
>>> _ = path.write_text("from,to,distance\\n1,2,4.5\\n2,3,1\\n")
>>> G = load_graph(path)
>>> sorted(G.edges(data=True))
[(1, 2, {'distance': 4.5}), (2, 3, {'distance': 1})]
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from graphs.errors import GraphFormatError

SUPPORTED_FORMATS: dict[str, tuple[str, ...]] = {
    "graphml": (".graphml",),
    "gml": (".gml",),
    "json": (".json",),
    "csv": (".csv",),
    "tsv": (".tsv",),
    "edgelist": (".txt", ".edgelist", ".edges"),
}
"""Format name -> the file extensions that select it in ``detect_format``."""
EDGE_LIST_FORMATS = frozenset({"csv", "tsv", "edgelist"})
"""Formats with no directedness of their own: undirected unless ``directed=True``."""

SOURCE_NAMES = frozenset({"source", "src", "from", "u", "start", "head", "node1", "source_id"})
TARGET_NAMES = frozenset(
    {"target", "dst", "to", "v", "end", "tail", "node2", "target_id", "dest", "destination"}
)
TYPE_NAMES = frozenset({"type", "label", "rel", "relationship", "relation", "rel_type"})
NUMERIC_NAMES = frozenset({"weight", "w", "cost", "distance", "length", "capacity"})

_INT = re.compile(r"[+-]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_POSITION = re.compile(r"\((\d+), \d+\)")

AnyGraph = nx.Graph | nx.DiGraph


def detect_format(path: str | Path) -> str:
    """The format name of ``path`` from its extension (a key of ``SUPPORTED_FORMATS``).

    >>> detect_format("people.graphml")
    'graphml'
    """
    suffix = Path(path).suffix.lower()
    for fmt, suffixes in SUPPORTED_FORMATS.items():
        if suffix in suffixes:
            return fmt
    known = ", ".join(s for suffixes in SUPPORTED_FORMATS.values() for s in suffixes)
    raise GraphFormatError(str(path), None, f"unknown file extension {suffix!r}; expected one of {known}")


def load_graph(path: str | Path, fmt: str | None = None, directed: bool | None = None) -> AnyGraph:
    """Read the graph file at ``path`` (format from its extension unless ``fmt`` is given).

    ``directed`` None keeps what the file says (edge lists: undirected); True/False forces it.
    Raises ``GraphFormatError`` for a missing, empty or malformed file.
    """
    path = Path(path)
    fmt = detect_format(path) if fmt is None else fmt.lower()
    if fmt not in _READERS:
        raise GraphFormatError(str(path), None, f"unknown format {fmt!r}; expected one of {sorted(_READERS)}")
    if not path.is_file():
        raise GraphFormatError(str(path), None, "file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GraphFormatError(str(path), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not text.strip():
        raise GraphFormatError(str(path), None, "file is empty")
    graph = _READERS[fmt](str(path), text)
    if fmt in EDGE_LIST_FORMATS and directed is None:
        directed = False
    graph = _as_simple(graph, directed)
    _split_labels(graph)
    if not graph.graph.get("name"):
        graph.graph["name"] = path.stem
    return graph


# --- self-describing formats ---------------------------------------------------------------------------


def _read_graphml(path: str, text: str) -> AnyGraph:
    try:
        graph = nx.parse_graphml(text)
    except ET.ParseError as exc:
        raise GraphFormatError(path, exc.position[0], f"invalid XML: {exc}") from exc
    except (nx.NetworkXError, KeyError, ValueError, TypeError) as exc:
        raise GraphFormatError(path, None, f"invalid GraphML: {exc}") from exc
    return _ints_if_all_int(graph)


def _read_gml(path: str, text: str) -> AnyGraph:
    try:
        try:
            graph = nx.parse_gml(text)
        except nx.NetworkXError as exc:
            if "'label'" not in str(exc):
                raise
            graph = nx.parse_gml(text, label="id")
    except (nx.NetworkXError, KeyError, ValueError, TypeError) as exc:
        found = _POSITION.search(str(exc))
        raise GraphFormatError(path, int(found.group(1)) if found else None, f"invalid GML: {exc}") from exc
    return _ints_if_all_int(graph)


def _read_json(path: str, text: str) -> AnyGraph:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GraphFormatError(path, exc.lineno, f"invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise GraphFormatError(path, None, 'node-link JSON needs an object with a "nodes" list')
    key = "links" if "links" in data and "edges" not in data else "edges"
    if not isinstance(data.get(key, []), list):
        raise GraphFormatError(path, None, f'"{key}" must be a list of edge objects')
    data.setdefault(key, [])
    _check_items(path, data["nodes"], "nodes", ("id",))
    _check_items(path, data[key], key, ("source", "target"))
    try:
        return nx.node_link_graph(data, edges=key)
    except (nx.NetworkXError, KeyError, ValueError, TypeError) as exc:
        problem = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise GraphFormatError(path, None, f"invalid node-link JSON: {problem}") from exc


def _check_items(path: str, items: list[Any], key: str, required: tuple[str, ...]) -> None:
    for index, item in enumerate(items):
        missing = [name for name in required if not isinstance(item, dict) or item.get(name) is None]
        if missing:
            raise GraphFormatError(path, None, f'node-link JSON "{key}"[{index}] has no "{missing[0]}"')


# --- edge lists --------------------------------------------------------------------------------------


def _read_csv(path: str, text: str) -> AnyGraph:
    return _read_delimited(path, text, ",")


def _read_tsv(path: str, text: str) -> AnyGraph:
    return _read_delimited(path, text, "\t")


def _read_delimited(path: str, text: str, delimiter: str) -> AnyGraph:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        for row in reader:
            if any(row) and not row[0].lstrip().startswith("#"):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as exc:
        raise GraphFormatError(path, reader.line_num, f"invalid CSV: {exc}") from exc
    if not rows:
        raise GraphFormatError(path, None, "no edges found")
    first_line, first = rows[0]
    columns = _header_columns(first)
    if columns is None:
        if not 2 <= len(first) <= 3:
            raise GraphFormatError(
                path, first_line, "a file without a header row has 2 or 3 columns (source, target, weight)"
            )
        columns = ["source", "target", "weight"][: len(first)]
    else:
        if "" in columns or len(set(columns)) != len(columns):
            raise GraphFormatError(path, first_line, "header column names must be non-empty and distinct")
        rows = rows[1:]
    edges = []
    for number, row in rows:
        if len(row) != len(columns):
            raise GraphFormatError(path, number, f"expected {len(columns)} columns, found {len(row)}")
        record = dict(zip(columns, row, strict=True))
        source, target = record.pop("source"), record.pop("target")
        if not source or not target:
            raise GraphFormatError(path, number, "missing source or target node")
        attrs = {}
        for key, cell in record.items():
            if cell:
                attrs[key] = _number(path, number, key, cell) if key in NUMERIC_NAMES else _maybe_number(cell)
        edges.append((source, target, attrs))
    if not edges:
        raise GraphFormatError(path, None, "no edges found")
    return _build(edges)


def _header_columns(row: list[str]) -> list[str] | None:
    """Normalised column names if ``row`` is a header, else None."""
    names = [cell.lower() for cell in row]
    known_ends = len(names) >= 2 and names[0] in SOURCE_NAMES and names[1] in TARGET_NAMES
    known_third = len(names) >= 3 and names[2] in NUMERIC_NAMES | TYPE_NAMES
    if not (known_ends or known_third):
        return None
    renamed = ["weight" if name == "w" else "type" if name in TYPE_NAMES else name for name in names[2:]]
    return ["source", "target", *renamed]


def _read_edgelist(path: str, text: str) -> AnyGraph:
    edges = []
    for number, line in enumerate(text.splitlines(), start=1):
        tokens = line.split("#", 1)[0].split()
        if not tokens:
            continue
        if len(tokens) not in (2, 3):
            raise GraphFormatError(path, number, f"expected 'u v [weight]', found {len(tokens)} fields")
        attrs = {"weight": _number(path, number, "weight", tokens[2])} if len(tokens) == 3 else {}
        edges.append((tokens[0], tokens[1], attrs))
    if not edges:
        raise GraphFormatError(path, None, "no edges found")
    return _build(edges)


def _build(edges: list[tuple[str, str, dict[str, Any]]]) -> AnyGraph:
    """All edges as written, in a ``MultiDiGraph``; ``load_graph`` then applies direction and merging."""
    multi = nx.MultiDiGraph()
    as_int = all(_INT.fullmatch(end) for u, v, _ in edges for end in (u, v))
    for u, v, attrs in edges:
        multi.add_edge(*((int(u), int(v)) if as_int else (u, v)), **attrs)
    return multi


def _number(path: str, line: int, key: str, cell: str) -> int | float:
    value = _maybe_number(cell)
    if isinstance(value, str):
        raise GraphFormatError(path, line, f"{key} {cell!r} is not a number")
    return value


def _maybe_number(cell: str) -> int | float | str:
    if _INT.fullmatch(cell):
        return int(cell)
    if _FLOAT.fullmatch(cell):
        return float(cell)
    return cell


# --- shared post-processing --------------------------------------------------------------------------


def _ints_if_all_int(graph: AnyGraph) -> AnyGraph:
    if graph.number_of_nodes() and all(isinstance(n, str) and _INT.fullmatch(n) for n in graph):
        return nx.relabel_nodes(graph, {n: int(n) for n in graph})
    return graph


def _as_simple(graph: AnyGraph, directed: bool | None) -> AnyGraph:
    """A simple graph of the wanted directedness, merging parallel edges by the documented rule."""
    want_directed = graph.is_directed() if directed is None else directed
    result: AnyGraph = nx.DiGraph() if want_directed else nx.Graph()
    result.graph.update(graph.graph)
    result.add_nodes_from(graph.nodes(data=True))
    merged = 0
    edges: Iterable[tuple[Any, Any, dict[str, Any]]] = graph.edges(data=True)
    if want_directed and not graph.is_directed():
        edges = [e for u, v, d in edges for e in ((u, v, d), (v, u, d))[: 1 if u == v else 2]]
    for u, v, attrs in edges:
        if result.has_edge(u, v):
            _merge_into(result.edges[u, v], attrs)
            merged += 1
        else:
            result.add_edge(u, v, **attrs)
    result.graph.pop("merged_edges", None)
    if merged:
        result.graph["merged_edges"] = merged
    return result


_MERGE: dict[str, Callable[[Any, Any], Any]] = {"weight": min, "capacity": lambda a, b: a + b}


def _merge_into(kept: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, combine in _MERGE.items():
        if _is_number(kept.get(key)) and _is_number(extra.get(key)):
            kept[key] = combine(kept[key], extra[key])


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _split_labels(graph: AnyGraph) -> None:
    for _, attrs in graph.nodes(data=True):
        labels = attrs.get("labels")
        if isinstance(labels, str):
            attrs["labels"] = [part.strip() for part in re.split(r"[:;,|]", labels) if part.strip()]


_READERS: dict[str, Callable[[str, str], AnyGraph]] = {
    "graphml": _read_graphml,
    "gml": _read_gml,
    "json": _read_json,
    "csv": _read_csv,
    "tsv": _read_tsv,
    "edgelist": _read_edgelist,
}
