"""The notations ``graphs.text_graph`` recognises: one regex-based extractor per notation.

Why a separate module: ``text_graph`` decides *whether* a text holds a graph and what question remains; this
module only knows how each notation is written. Every extractor takes the whole text and returns ``Found``
records (the span it covers, the edges and nodes it states, and the direction it implies); it applies its
own conservative acceptance rule, so a normal question yields nothing.

Edge attributes use the key ``""`` for "the weight, under whatever name the text uses" (``text_graph``
renames it); prose that names its attribute (``with capacity 3``) uses that name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NodeId = int | str
Edge = tuple[NodeId, NodeId, dict[str, Any]]

WEIGHT_WORDS = ("weight", "capacity", "cost", "length", "distance")
DEFAULT_KEY = ""

_NUM = r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
_QUOTED = r"\"[^\"\n]+\"|'[^'\n]+'"
_STOP = (
    r"(?!(?:The|This|That|These|Those|What|Which|Who|Whom|Whose|When|Where|Why|How|Is|Are|Does|Do|Did|Can|"
    r"Could|Should|Would|Will|It|There|In|On|Of|And|Or|If|Then|Each|Every|Find|Given|Consider|Let|Suppose|"
    r"Also|Note|Here|Now|Please|Edge|Edges|Node|Nodes|Graph|Task|Tasks)\b)"
)
_CAP_NAME = rf"(?<![\w\"']){_STOP}[A-Z]\w*(?:[ ]{_STOP}[A-Z]\w*){{0,3}}"
# A node named in prose: quoted, an integer, a capitalised name (several words) or one letter + digits.
_PNODE = rf"(?:{_QUOTED}|(?<![\w\"'])\d+\b|{_CAP_NAME}|(?<![\w\"'])[a-z]\d*\b)"
_PREFIX = r"(?:(?i:node|vertex|task|job|step|course|stage|city)\s+)?"
_PNODE_P = rf"{_PREFIX}{_PNODE}"
_ITEM_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
_PLIST = rf"{_PNODE_P}(?:{_ITEM_SEP}{_PNODE_P}(?!\s+(?:is|are|must|should|comes|depends|requires)\b))*"
_WEIGHT = (
    rf"(?:\s*,?\s*(?:with|of|having)\s+(?:an?\s+)?(?P<wkey>{'|'.join(WEIGHT_WORDS)})\s+(?:of\s+|=\s*|:\s*)?"
    rf"(?P<wval>{_NUM})|\s*\(\s*(?P<pkey>{'|'.join(WEIGHT_WORDS)})\s*[:=]?\s*(?P<pval>{_NUM})\s*\))"
)
_INTERROGATIVE = re.compile(
    r"\b(?:is|are)\s+there\b|\b(?:whether|if|does|do|did|can|could|would|should|how|what|which|who|why|"
    r"when)\b",
    re.IGNORECASE,
)
# A node token in compact notations (adjacency lines, arrows, dashes, node-weight pairs).
_TOKEN = rf"(?:{_QUOTED}|\d+|[A-Za-z_]\w*)"
_SHORT = re.compile(r"\d{1,4}|[A-Za-z]\d*")
_GRAPH_CUE = re.compile(
    r"\b(?:graphs?|digraph|DAG|edges?|arcs?|nodes?|vertex|vertices|adjacen\w*|neighbou?rs?|connected|"
    r"paths?|cycles?|trees?|components?)\b",
    re.IGNORECASE,
)


@dataclass
class Found:
    """One recognised piece of graph description inside a text."""

    notation: str
    span: tuple[int, int]
    edges: list[Edge] = field(default_factory=list)
    nodes: list[tuple[NodeId, dict[str, Any]]] = field(default_factory=list)
    directed: bool | None = None


def node_id(token: str) -> NodeId:
    """A node id from its written form: integers become int, quotes are stripped, names are trimmed."""
    token = re.sub(rf"^{_PREFIX}", "", token.strip())
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return token[1:-1]
    return int(token) if re.fullmatch(r"\d+", token) else token


def number(text: str) -> int | float:
    """``int`` for integral text, else ``float``."""
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


def split_list(text: str) -> list[NodeId]:
    """The node ids of a prose list such as ``1, 3 and 4``."""
    return [node_id(part) for part in re.split(_ITEM_SEP, text) if part.strip()]


def clause_prefix(text: str, start: int) -> str:
    """The text of the current clause before ``start`` (from the last sentence boundary)."""
    boundary = max(text.rfind(mark, 0, start) for mark in ".?!;\n")
    return text[boundary + 1 : start]


def is_statement(text: str, start: int) -> bool:
    """False when the clause leading to ``start`` asks or supposes something ("Is there an edge ...")."""
    return not _INTERROGATIVE.search(clause_prefix(text, start))


def _weight_attrs(match: re.Match[str]) -> dict[str, Any]:
    """The edge attribute named by a ``_WEIGHT`` clause (``weight`` maps to ``DEFAULT_KEY``), if any."""
    value = match.group("wval") or match.group("pval")
    if not value:
        return {}
    key = (match.group("wkey") or match.group("pkey")).lower()
    return {DEFAULT_KEY if key == "weight" else key: number(value)}


# --- tuples: (u, v), (u, v, w), (u -> v), (u->v, w), bracketed lists of them -------------------------------

_TNODE = rf"(?:{_QUOTED}|\d+|[A-Za-z_]\w*(?:[ ][A-Za-z_]\w*){{0,3}})"
_TUPLE = re.compile(
    rf"\(\s*(?P<u>{_TNODE})\s*(?P<sep>,|->|→)\s*(?P<v>{_TNODE})\s*(?:,\s*(?P<w>{_NUM})\s*)?\)"
)
_RUN_SEP = re.compile(r"\s*(?:[,;]\s*(?:and\s+)?|and\s+)?\s*")
_EDGE_CUE = re.compile(r"\b(?:edges?|arcs?|links?|connections?|pairs?|graph)\b[^.?!\n]*$", re.IGNORECASE)


def _runs(matches: list[re.Match[str]], text: str) -> list[list[re.Match[str]]]:
    """Group matches that follow each other separated only by commas, semicolons or "and"."""
    runs: list[list[re.Match[str]]] = []
    for match in matches:
        if runs and _RUN_SEP.fullmatch(text, runs[-1][-1].end(), match.start()):
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def _bracketed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span widened to enclosing ``[...]`` or ``{...}`` brackets, if the run is wrapped in them."""
    before = re.search(r"[\[{]\s*$", text[:start])
    after = re.match(r"\s*[\]}]", text[end:])
    return (before.start(), end + after.end()) if before and after else None


def find_tuples(text: str) -> list[Found]:
    """``(u, v)``, ``(u, v, w)``, ``(u -> v, w)``; a lone plain pair needs brackets or an edge cue."""
    found = []
    for run in _runs(list(_TUPLE.finditer(text)), text):
        span = (run[0].start(), run[-1].end())
        wrapped = _bracketed(text, *span)
        explicit = any(m["sep"] != "," or m["w"] for m in run)
        if not (len(run) >= 2 or wrapped or explicit or _EDGE_CUE.search(text[: span[0]])):
            continue
        edges = [
            (node_id(m["u"]), node_id(m["v"]), {DEFAULT_KEY: number(m["w"])} if m["w"] else {}) for m in run
        ]
        arrows = any(m["sep"] != "," for m in run)
        found.append(Found("tuples", wrapped or span, edges, directed=True if arrows else None))
    return found


# --- node weights: [node, weight] pairs, "node 0 has weight 5" ---------------------------------------------

_NODE_WEIGHT_PAIR = re.compile(rf"\[\s*(?P<n>{_TOKEN})\s*,\s*(?P<w>{_NUM})\s*\]")
_NODE_WEIGHT_PROSE = re.compile(
    rf"(?:(?:node|vertex)\s+(?P<n>{_PNODE})\s+has\s+(?:a\s+)?weight\s+(?:of\s+)?(?P<w>{_NUM})"
    rf"|the\s+weight\s+of\s+(?:node|vertex)\s+(?P<n2>{_PNODE})\s+is\s+(?P<w2>{_NUM}))",
    re.IGNORECASE,
)


def find_node_weights(text: str) -> list[Found]:
    """``[0, 5], [1, 3]`` (two pairs at least) and "node 0 has weight 5" give node attribute ``weight``."""
    found = []
    for run in _runs(list(_NODE_WEIGHT_PAIR.finditer(text)), text):
        if len(run) >= 2:
            span = (run[0].start(), run[-1].end())
            nodes = [(node_id(m["n"]), {"weight": number(m["w"])}) for m in run]
            found.append(Found("node-weights", _bracketed(text, *span) or span, nodes=nodes))
    for m in _NODE_WEIGHT_PROSE.finditer(text):
        if is_statement(text, m.start()):
            nodes = [(node_id(m["n"] or m["n2"]), {"weight": number(m["w"] or m["w2"])})]
            found.append(Found("node-weights", m.span(), nodes=nodes))
    return found


# --- prose edges: "an edge between u and v [with weight w]", "edges from u to v, ..." ----------------------

_EDGE_WORD = r"(?:(?P<dir>directed|undirected)\s+)?(?:edges?|arcs?|links?|connections?)"
_PAIR_BETWEEN = rf"(?P<a>{_PNODE_P})\s+and\s+(?P<b>{_PNODE_P})(?:{_WEIGHT})?"
_PAIR_FROM = rf"(?:from\s+)?(?P<a>{_PNODE_P})\s+to\s+(?P<b>{_PNODE_P})(?:{_WEIGHT})?"
_PROSE_EDGES = {
    "between": (
        re.compile(rf"{_EDGE_WORD}\s+between\s+", re.IGNORECASE),
        re.compile(_PAIR_BETWEEN),
    ),
    "from": (re.compile(rf"{_EDGE_WORD}\s+(?=from\s)", re.IGNORECASE), re.compile(_PAIR_FROM)),
}
_PAIR_SEP = re.compile(r"\s*[,;]\s*(?:and\s+)?")


def find_prose_edges(text: str) -> list[Found]:
    """Prose edges: "an edge between u and v", "a directed edge from u to v with capacity c",
    "edges between 0 and 1, 1 and 2"."""
    found = []
    for kind, (head, pair) in _PROSE_EDGES.items():
        for cue in head.finditer(text):
            if not is_statement(text, cue.start()):
                continue
            edges, end = [], cue.end()
            m = pair.match(text, end)
            while m:
                edges.append((node_id(m["a"]), node_id(m["b"]), _weight_attrs(m)))
                end = m.end()
                sep = _PAIR_SEP.match(text, end)
                m = pair.match(text, sep.end()) if sep else None
            if edges:
                directed = (
                    (cue["dir"] or "").lower() != "undirected" if kind == "from" else cue["dir"] == "directed"
                )
                found.append(Found("prose", (cue.start(), end), edges, directed=directed))
    return found


# --- "u is connected to v, w and x" --------------------------------------------------------------------

_CONNECTED = re.compile(
    rf"(?P<a>{_PNODE_P})\s+is\s+(?:also\s+)?(?:directly\s+)?(?:connected|linked|adjacent|joined)\s+"
    rf"(?:to|with)\s+(?:(?:the\s+)?nodes?\s+)?(?P<b>{_PLIST})(?:{_WEIGHT})?"
)


def find_connected(text: str) -> list[Found]:
    """ "u is connected to v", "node 0 is connected to nodes 1, 3 and 4" (undirected), stated not asked."""
    found = []
    for m in _CONNECTED.finditer(text):
        if is_statement(text, m.start()):
            attrs = _weight_attrs(m)
            edges = [(node_id(m["a"]), b, dict(attrs)) for b in split_list(m["b"])]
            found.append(Found("prose", m.span(), edges, directed=False))
    return found


# --- precedence: "u must come before v", "v depends on u", "task u must be finished before task v" --------

_BEFORE = re.compile(
    rf"(?P<a>{_PNODE_P})\s+(?:(?:must|should|has\s+to|needs\s+to)\s+(?:come|happen|be\s+(?:done|finished|"
    rf"completed|taken|run|executed))|comes|happens)\s+before\s+(?P<b>{_PLIST})"
)
_AFTER = re.compile(
    rf"(?P<b>{_PNODE_P})\s+(?:depends\s+on|requires)\s+(?P<a>{_PLIST})"
    rf"|(?P<a2>{_PNODE_P})\s+is\s+a\s+prerequisite\s+(?:of|for)\s+(?P<b2>{_PLIST})"
)


def find_precedence(text: str) -> list[Found]:
    """Precedence statements; each gives directed edges first → later."""
    found = []
    for m in _BEFORE.finditer(text):
        if is_statement(text, m.start()):
            a = node_id(m["a"])
            found.append(
                Found("precedence", m.span(), [(a, b, {}) for b in split_list(m["b"])], directed=True)
            )
    for m in _AFTER.finditer(text):
        if not is_statement(text, m.start()):
            continue
        if m["b"]:
            b = node_id(m["b"])
            edges = [(a, b, {}) for a in split_list(m["a"])]
        else:
            a = node_id(m["a2"])
            edges = [(a, b, {}) for b in split_list(m["b2"])]
        found.append(Found("precedence", m.span(), edges, directed=True))
    return found


# --- node declarations: "nodes are numbered from 0 to 5", "the nodes are A, B, C and D" ------------------

MAX_RANGE = 10_000
_RANGE = re.compile(
    r"(?:(?P<count>\d+)\s+)?(?:nodes|vertices)\s*,?\s+(?:are\s+)?(?:numbered|labell?ed|indexed)?\s*"
    r"(?:from\s+)?(?P<lo>\d+)\s+(?:to|through|-|\.\.)\s+(?P<hi>\d+|[nN]\s*-\s*1)\b",
    re.IGNORECASE,
)
_NODE_LIST = re.compile(
    rf"\b(?:nodes|vertices)\s*(?:are|:)\s+(?P<list>{_PLIST})",
    re.IGNORECASE,
)


def find_node_declarations(text: str) -> list[Found]:
    """Declared nodes (kept even when isolated). Raises ``ValueError`` for a range over ``MAX_RANGE``."""
    found = []
    for m in _RANGE.finditer(text):
        lo = int(m["lo"])
        hi_text = re.sub(r"\s", "", m["hi"])
        if not hi_text.isdigit() and not m["count"]:
            continue
        hi = int(hi_text) if hi_text.isdigit() else int(m["count"]) - 1
        if hi - lo > MAX_RANGE:
            raise ValueError(f"node range {lo}..{hi} is too large (at most {MAX_RANGE} nodes)")
        found.append(Found("node-list", m.span(), nodes=[(n, {}) for n in range(lo, hi + 1)]))
    for m in _NODE_LIST.finditer(text):
        if is_statement(text, m.start()):
            found.append(Found("node-list", m.span(), nodes=[(n, {}) for n in split_list(m["list"])]))
    return found


# --- adjacency lists: lines "0: 1, 2, 3" (a block of two or more) or "A -> B, C" ---------------------------

_ADJ_LINE = re.compile(
    rf"^[ \t]*(?:[-*][ \t]+)?(?P<a>{_TOKEN})[ \t]*(?P<sep>:|->|→)[ \t]*"
    rf"(?P<list>{_TOKEN}(?:[ \t]*,[ \t]*{_TOKEN})*)?[ \t]*[.;]?[ \t]*$",
    re.MULTILINE,
)


def find_adjacency(text: str) -> list[Found]:
    """Adjacency-list lines. ``:`` lines count only in blocks of two or more consecutive lines, and only
    when every name is a short id (integer or letter + digits) or the text mentions a graph."""
    found = []
    for block in _runs(list(_ADJ_LINE.finditer(text)), text):
        if len(block) < 2 and (block[0]["sep"] == ":" or not block[0]["list"]):
            continue
        names = [m["a"] for m in block] + [t for m in block for t in (m["list"] or "").split(",")]
        if not (_GRAPH_CUE.search(text) or all(_SHORT.fullmatch(name.strip()) for name in names)):
            continue
        edges: list[Edge] = []
        nodes = []
        for m in block:
            a = node_id(m["a"])
            nodes.append((a, {}))
            targets = [node_id(t) for t in m["list"].split(",")] if m["list"] else []
            edges.extend((a, b, {}) for b in targets)
        arrows = any(m["sep"] != ":" for m in block)
        found.append(
            Found("adjacency", (block[0].start(), block[-1].end()), edges, nodes, True if arrows else None)
        )
    return [f for f in found if f.edges]


# --- arrows: "u -> v", chains "a -> b -> c", lists of them ------------------------------------------------

_ARROW = re.compile(rf"(?<![\w-]){_TOKEN}(?:[ \t]*(?:->|→|=>)[ \t]*{_TOKEN})+(?![\w-])")


def find_arrows(text: str) -> list[Found]:
    """``u -> v`` / ``u->v`` / ``u → v`` and chains, each arrow a directed edge."""
    found = []
    for m in _ARROW.finditer(text):
        ends = [node_id(t) for t in re.split(r"\s*(?:->|→|=>)\s*", m.group(0))]
        found.append(
            Found(
                "arrows", m.span(), [(a, b, {}) for a, b in zip(ends, ends[1:], strict=False)], directed=True
            )
        )
    return found


# --- dashes: "0-1, 1-2" (two or more) or "edges: Oslo-Bergen" --------------------------------------------

_DASH = re.compile(rf"(?<![\w.\-/:])(?P<u>{_TOKEN})-(?P<v>{_TOKEN})(?![\w\-/:]|\.\d)")
_DASH_CUE = re.compile(
    r"\b(?:edges?|arcs?|links?|connections?)\b\s*(?:are|is|:)?\s*(?:[:=]\s*)?$", re.IGNORECASE
)


def find_dashes(text: str) -> list[Found]:
    """Undirected ``u-v`` tokens: any run right after "edges:", or a run of two or more short ids in a text
    that mentions a graph (so "5-3, 7-2" or phone numbers are not edges)."""
    found = []
    for run in _runs(list(_DASH.finditer(text)), text):
        cue = _DASH_CUE.search(text[: run[0].start()])
        short = all(_SHORT.fullmatch(m[k]) for m in run for k in ("u", "v"))
        if cue or (len(run) >= 2 and short and _GRAPH_CUE.search(text)):
            edges = [(node_id(m["u"]), node_id(m["v"]), {}) for m in run]
            found.append(Found("dashes", (run[0].start(), run[-1].end()), edges, directed=False))
    return found


EXTRACTORS: tuple[Callable[[str], list[Found]], ...] = (
    find_tuples,
    find_node_weights,
    find_prose_edges,
    find_precedence,
    find_connected,
    find_node_declarations,
    find_adjacency,
    find_arrows,
    find_dashes,
)
"""In priority order: where two findings overlap, the earlier extractor's is kept."""
