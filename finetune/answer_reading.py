"""Read an answer written in free text: yes/no, numbers, node names, lists and pairs of nodes.

Why: a small model answers in prose ("Yes, Oslo reaches Bergen.", "The order is: write spec, design api, ..."),
and grading (``finetune.grading``) and the eval's ``normalized`` column need what it said, not how. Everything
here is deterministic: node names are matched against the graph's own names (longest first, whole words,
case-insensitive except one-letter names), numbers to the precision they are written with.

>>> read_yes_no("There is no route from Oslo to Reykjavik.")
False
>>> node_mentions("Go Oslo -> Gothenburg -> Malmö.", ["Malmö", "Oslo", "Gothenburg", "Bergen"])
['Oslo', 'Gothenburg', 'Malmö']
>>> normalize("About 3.5 km, not 4.", "number", None)
'3.5'
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import networkx as nx

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:[.,]\d+)*(?![\w]|[.,]\d)")
_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORD = re.compile(rf"\b({'|'.join(_NUMBER_WORDS)})\b", re.IGNORECASE)
_LEADING_YES_NO = re.compile(r"\W*(yes|no|true|false)\b", re.IGNORECASE)
_YES = re.compile(r"\b(yes|true)\b", re.IGNORECASE)
_NO = re.compile(r"\b(no|false)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(not|cannot|never|none|neither|nor|unreachable|impossible)\b|n't\b", re.IGNORECASE)
_ABSTAIN = re.compile(
    r"\b(i (?:cannot|can't|could not|couldn't|am unable to) (?:answer|tell|determine|say)|i don't know|"
    r"not sure|cannot be determined|unknown)\b",
    re.IGNORECASE,
)
_DENIAL = re.compile(
    r"^\W*no\b|\b(?:there is no|there's no|no (?:path|route|way|order|matching|such)|cannot be (?:reached|done)|"
    r"can't be (?:reached|done)|unreachable|not reachable|does not exist|doesn't exist)\b",
    re.IGNORECASE,
)
_PAIR_OPEN = re.compile(r"[(\[{]\s*['\"]?\s*$")
_PAIR_CLOSE = re.compile(r"^\s*['\"]?\s*[)\]}]")
_PAIR_JOIN = re.compile(
    r"^\s*['\"]?\s*(?:-{1,2}>?|<->|[–—→↔:=&+/]|\b(?:and|with|to|paired with|matched (?:with|to)|assigned to|"
    r"goes to|takes)\b)\s*['\"]?\s*$",
    re.IGNORECASE,
)
_COMMA_JOIN = re.compile(r"^\s*['\"]?\s*,\s*['\"]?\s*$")
_QUANTITY_UNIT = re.compile(
    r"[\s-]*(?:hops?|steps?|edges?|nodes?|neighbou?rs?|times|components?|connections?)\b", re.IGNORECASE
)
"""After a number, a unit that makes it a quantity ("2 hops", "a 3-node cycle"), not a node named with digits."""


def read_yes_no(text: str) -> bool | None:
    """Yes (True), no (False) or unreadable (None, e.g. "I cannot answer") from free text: a leading yes/no,
    else the first explicit yes/no word, else a declarative statement is yes unless negated."""
    if _ABSTAIN.search(text):
        return None
    lead = _LEADING_YES_NO.match(text)
    if lead:
        return lead.group(1).lower() in ("yes", "true")
    yes, no = _YES.search(text), _NO.search(text)
    if yes or no:
        return bool(yes) and (not no or yes.start() < no.start())
    return _NEGATION.search(text) is None


def denies(text: str) -> bool:
    """Whether ``text`` says there is nothing to give ("No, ...", "there is no path", "unreachable")."""
    return _DENIAL.search(text) is not None


def stated_numbers(text: str) -> list[float]:
    """The numbers written in ``text`` (digits, thousands separators, decimal commas, zero to twenty in words)."""
    return [value for value, _ in numbers_with_decimals(text)]


def numbers_with_decimals(text: str) -> list[tuple[float, int]]:
    """``(value, decimals written)`` for each number in ``text``, in order."""
    found = []
    for match in _NUMBER.finditer(text):
        value = parse_number(match.group())
        if value is not None:
            written = match.group().replace(",", "") if _THOUSANDS.fullmatch(match.group()) else match.group()
            decimals = len(re.split(r"[.,]", written)[-1]) if re.search(r"[.,]", written) else 0
            found.append((match.start(), value, decimals))
    found += [(m.start(), float(_NUMBER_WORDS[m.group(1).lower()]), 0) for m in _NUMBER_WORD.finditer(text)]
    return [(value, decimals) for _, value, decimals in sorted(found, key=lambda item: item[0])]


def node_mentions(text: str, nodes: Sequence[Any]) -> list[Any]:
    """The nodes named in ``text``, in order of appearance (repeats kept), longest name first where names
    overlap; case-insensitive, except one-letter names (so the article "a" is not node "A"); a number followed
    by a unit ("within 2 hops", "3 edges") is a quantity, not the node of that number.

    >>> node_mentions("Within 2 hops of 3: 1, 4 and 5.", [1, 2, 3, 4, 5])
    [3, 1, 4, 5]
    """
    return [node for _, _, node in _mention_spans(text, nodes)]


def _mention_spans(text: str, nodes: Sequence[Any]) -> list[tuple[int, int, Any]]:
    lowered = text.lower()
    names: dict[str, Any] = {}
    for node in nodes:
        name = str(node)
        if name and name.lower() in lowered:
            names.setdefault(name if len(name) == 1 else name.lower(), node)
    spans: list[tuple[int, int, Any]] = []
    taken = [False] * len(text)
    for name in sorted(names, key=len, reverse=True):
        flags = 0 if len(name) == 1 else re.IGNORECASE
        for match in re.finditer(rf"(?<![\w])(?<!\d\.){re.escape(name)}(?![\w])(?!\.\d)", text, flags):
            if name.isdigit() and _QUANTITY_UNIT.match(text, match.end()):
                continue
            if not any(taken[match.start():match.end()]):
                taken[match.start():match.end()] = [True] * (match.end() - match.start())
                spans.append((match.start(), match.end(), names[name]))
    return sorted(spans, key=lambda span: span[0])


def parse_number(text: str) -> float | None:
    """``text`` as a number if it is one written in digits ("1,234.5", "3,5", "-2"), else None."""
    text = text.strip()
    if not re.fullmatch(r"-?\d+(?:[.,]\d+)*", text):
        return None
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def listed_items(answer: str) -> list[str]:
    """Items of a list written without a graph to match against: a JSON list, else comma/and-separated text."""
    match = re.search(r"\[.*\]", answer, re.DOTALL)
    if match:
        try:
            return [str(item) for item in json.loads(match.group())]
        except (ValueError, TypeError):
            pass
    body = answer.split(":", 1)[-1]
    return [item.strip(" .'\"") for item in re.split(r",|;|\band\b|\n", body) if item.strip(" .'\"")]


def written_pairs(answer: str, universe: Sequence[Any], graph: nx.Graph | None) -> list[tuple[Any, Any]]:
    """Pairs written as ``(a, x)``/``[a, x]`` if any, else as ``a-x``, ``a → x``, ``a with x``, ``a: x`` (left to
    right, skipping a node when it and the next do not form an edge of ``graph``)."""
    spans = _mention_spans(answer, universe)
    bracketed = [
        (u, v)
        for (s1, e1, u), (s2, e2, v) in zip(spans, spans[1:], strict=False)
        if _COMMA_JOIN.match(answer[e1:s2]) and _PAIR_OPEN.search(answer[:s1]) and _PAIR_CLOSE.match(answer[e2:])
    ]
    if bracketed:
        return bracketed
    pairs, index = [], 0
    while index < len(spans) - 1:
        (_, end, u), (start, _, v) = spans[index], spans[index + 1]
        if _PAIR_JOIN.match(answer[end:start]) and (graph is None or graph.has_edge(u, v) or graph.has_edge(v, u)):
            pairs.append((u, v))
            index += 2
        else:
            index += 1
    return pairs




def normalize(answer: str, kind: str | None, graph: nx.Graph | None) -> str | None:
    """What ``answer`` says, in the gold encoding of ``kind``: ``yes``/``no``, the first number,
    the first node named, JSON lists of the nodes named (sorted for a node set) or of pairs, or the text itself
    lower-cased with spaces collapsed (``text`` and unknown kinds); None when nothing of the kind is found."""
    nodes = list(graph.nodes) if graph is not None else []
    if kind == "boolean":
        said = read_yes_no(answer)
        return None if said is None else ("yes" if said else "no")
    if kind == "number":
        values = stated_numbers(answer)
        return None if not values else (str(int(values[0])) if values[0].is_integer() else str(values[0]))
    if kind in ("node", "node_set", "path", "order") and graph is not None:
        named = node_mentions(answer, nodes)
        if kind == "node":
            return str(named[0]) if named else None
        if kind == "node_set":
            named = sorted(set(named), key=str)
        return json.dumps(named if kind != "order" else list(dict.fromkeys(named)), ensure_ascii=False)
    if kind == "matching" and graph is not None:
        return json.dumps([list(pair) for pair in written_pairs(answer, nodes, graph)], ensure_ascii=False)
    return re.sub(r"\s+", " ", answer).strip().lower() or None
