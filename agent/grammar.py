"""The GBNF grammar of one model turn: a final answer, or one tool call whose arguments fit the tool's schema.

Why: a 270M model must never emit a tool call we cannot parse (GUIDE.md §1, principle 4). Constrained
decoding with this grammar makes every model turn either

- a final answer: any text whose first character is neither ``<`` nor whitespace (ended by the engine's stop
  string or end-of-turn token), or
- ``<call>NAME ARGS</call>`` with NAME one of the bound tools and ARGS a compact JSON object (no whitespace)
  that is valid for that tool's argument schema.

Every call the grammar admits has a bounded length (strings, arrays and free-keyed objects are bounded), so
``max_call_bytes`` tells how many tokens always suffice to finish one. Object keys come in a fixed order, the
schema's ``properties`` order (the order ``render_tool_call`` writes them); optional keys may be left out.
The text uses the GBNF subset that both llama.cpp (``LlamaGrammar.from_string``) and xgrammar
(``Grammar.from_ebnf``) accept, so one grammar serves every engine.

A hand-written converter rather than llama.cpp's ``json_schema_to_gbnf`` or xgrammar's JSON-schema compiler:
those allow free whitespace (the model was trained on compact JSON only) and the latter emits lookaheads
that llama.cpp rejects; the schema subset our tools use is small (string, integer with bounds, number,
boolean, null, enum, const, anyOf, arrays and tuples, objects with fixed or free keys, local ``$ref``).

>>> "root ::= answer | call" in tool_call_grammar([{"name": "find_cycle", "parameters": {"properties": {}}}])
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

CALL_OPEN = "<call>"
CALL_CLOSE = "</call>"

MAX_ENUMERATED_INTS = 256
"""Integer ranges up to this many values are spelled out exactly; wider or half-open ones use a digit pattern
that is exact for the bounds our tools use (none, ``minimum`` 0 or 1) and only keeps the sign otherwise."""

MAX_STRING_CHARS = 256
"""Longest string the grammar lets a model write (a schema's own ``maxLength`` wins): without a bound, a model
stuck inside a string could fill any token budget and leave a call that cannot be read."""

MAX_FREE_PAIRS = 16
"""Most key-value pairs in an object with free keys (a schema's own ``maxProperties`` wins), so that every call
the grammar admits has a bounded length (``max_call_bytes``)."""

MAX_CHAR_BYTES = 6
"""Longest UTF-8 encoding of one grammar ``char``: a ``\\uXXXX`` escape."""

_ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$defs", "definitions", "$schema"})

_BASE_RULES = {
    "answer": r"[^<\x20\t\n\r] [^\x00]*",
    "string": r'"\"" char{0,256} "\""',
    "char": r'[^"\\\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})',
    "integer": r'"-"? ([0-9] | [1-9] [0-9]{0,18})',
    "number": r'"-"? ([0-9] | [1-9] [0-9]{0,18}) ("." [0-9]{1,24})? ([eE] [-+]? [0-9]{1,3})?',
    "boolean": r'"true" | "false"',
    "null": r'"null"',
    "value": r"object | array | string | number | boolean | null",
    "object": r'"{" (string ":" value ("," string ":" value)*)? "}"',
    "array": r'"[" (value ("," value)*)? "]"',
}
_DEPENDS = {"string": ("char",), "value": ("object", "array", "string", "number", "boolean", "null")}
_DEPENDS |= {"object": ("string", "value"), "array": ("value",)}


class UnsupportedSchema(ValueError):
    """A JSON schema uses a keyword or type the grammar converter does not handle."""


def literal(text: str) -> str:
    """``text`` as a GBNF string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped.replace(chr(9), chr(92) + "t")}"'


def tool_call_grammar(tools: Sequence[Mapping[str, Any]]) -> str:
    """The GBNF grammar of one model turn for ``tools`` (``tool_specs()``-style dicts, or OpenAI-style
    ``{"type": "function", "function": {...}}``). Raises ``UnsupportedSchema`` for schemas it cannot express."""
    builder = _Builder()
    branches = []
    for tool in tools:
        spec = tool.get("function", tool)
        name = spec["name"]
        parameters = spec.get("parameters") or {"type": "object", "properties": {}}
        builder.root = parameters
        args_rule = builder.add(f"{name}-args", builder.visit(parameters, name))
        branches.append(f"{literal(name + ' ')} {args_rule}")
    if not branches:
        raise ValueError("tool_call_grammar needs at least one tool")
    rules = {"root": "answer | call", "call": f"{literal(CALL_OPEN)} ({' | '.join(branches)}) {literal(CALL_CLOSE)}"}
    builder.require("answer")
    rules |= {name: _BASE_RULES[name] for name in _BASE_RULES if name in builder.used}
    rules |= builder.rules
    return "\n".join(f"{name} ::= {body}" for name, body in rules.items()) + "\n"


class _Builder:
    """Turns JSON schemas into GBNF expressions, adding named rules as it goes."""

    def __init__(self) -> None:
        self.rules: dict[str, str] = {}
        self.used: set[str] = set()
        self.root: Mapping[str, Any] = {}
        """The schema that local ``$ref``s point into (the tool's parameters)."""

    def require(self, base: str) -> str:
        """Mark base rule ``base`` (and what it refers to) as needed; return its name."""
        if base not in self.used:
            self.used.add(base)
            for dependency in _DEPENDS.get(base, ()):
                self.require(dependency)
        return base

    def add(self, name: str, body: str) -> str:
        """Add rule ``name`` (made GBNF-safe and unique) with ``body``; return the rule name."""
        base = re.sub(r"[^a-zA-Z0-9-]+", "-", name).strip("-") or "rule"
        rule, n = base, 1
        while rule in self.rules or rule in _BASE_RULES or rule in ("root", "call"):
            n += 1
            rule = f"{base}-{n}"
        self.rules[rule] = body
        return rule

    def visit(self, schema: Mapping[str, Any] | bool, name: str) -> str:
        """A GBNF expression for values valid under ``schema``."""
        if schema is True or schema == {}:
            return self.require("value")
        if schema is False:
            raise UnsupportedSchema(f"{name}: schema 'false' admits no value")
        unknown = set(schema) - _ANNOTATIONS - _KEYWORDS
        if unknown:
            raise UnsupportedSchema(f"{name}: unsupported schema keywords {sorted(unknown)}")
        if "$ref" in schema:
            return self.visit(self._resolve(schema["$ref"], name), name)
        if "const" in schema:
            return literal(_json(schema["const"]))
        if "enum" in schema:
            return _group([literal(_json(v)) for v in schema["enum"]])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return _group([self.visit(option, f"{name}-{i}") for i, option in enumerate(schema[key])])
        kind = schema.get("type")
        if isinstance(kind, list):
            return _group([self.visit({**schema, "type": k}, f"{name}-{k}") for k in kind])
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(schema, name)
        if kind == "array":
            return self._array(schema, name)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return self._integer(schema)
        if kind in ("number", "boolean", "null"):
            return self.require(kind)
        raise UnsupportedSchema(f"{name}: unsupported type {kind!r}")

    def _resolve(self, ref: str, name: str) -> Mapping[str, Any]:
        node: Any = self.root
        if not ref.startswith("#/"):
            raise UnsupportedSchema(f"{name}: only local $ref are supported, got {ref!r}")
        for part in ref[2:].split("/"):
            if not isinstance(node, Mapping) or part not in node:
                raise UnsupportedSchema(f"{name}: unresolvable $ref {ref!r}")
            node = node[part]
        return node

    def _string(self, schema: Mapping[str, Any]) -> str:
        self.require("string")
        low, high = schema.get("minLength", 0), schema.get("maxLength", MAX_STRING_CHARS)
        if low == 0 and high == MAX_STRING_CHARS:
            return "string"
        return f'"\\"" char{_repeat(low, high)} "\\""'

    def _integer(self, schema: Mapping[str, Any]) -> str:
        low, high = schema.get("minimum"), schema.get("maximum")
        if "exclusiveMinimum" in schema:
            low = schema["exclusiveMinimum"] + 1
        if "exclusiveMaximum" in schema:
            high = schema["exclusiveMaximum"] - 1
        if low is not None and high is not None and high - low < MAX_ENUMERATED_INTS:
            return _group([literal(str(v)) for v in range(int(low), int(high) + 1)])
        if low is not None and low >= 1:
            return "[1-9] [0-9]{0,18}"
        if low is not None and low >= 0:
            return "([0-9] | [1-9] [0-9]{0,18})"
        return self.require("integer")

    def _array(self, schema: Mapping[str, Any], name: str) -> str:
        prefix = schema.get("prefixItems")
        if prefix is not None:
            if schema.get("items", False) not in (False, None) and schema.get("maxItems") != len(prefix):
                raise UnsupportedSchema(f"{name}: tuples with extra items are not supported")
            parts = [self.visit(item, f"{name}-{i}") for i, item in enumerate(prefix)]
            return '"[" ' + ' "," '.join(parts) + ' "]"' if parts else '"[" "]"'
        item = self.add(f"{name}-item", self.visit(schema.get("items", True), f"{name}-item"))
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        if high == 0:
            return '"[" "]"'
        rest = f'("," {item}){_repeat(max(low - 1, 0), None if high is None else high - 1)}'
        body = f"{item} {rest}"
        return f'"[" {body} "]"' if low >= 1 else f'"[" ({body})? "]"'

    def _object(self, schema: Mapping[str, Any], name: str) -> str:
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        extra = schema.get("additionalProperties", not properties)
        if properties and extra not in (False, None):
            raise UnsupportedSchema(f"{name}: objects mixing properties and additionalProperties are not supported")
        if not properties:
            if extra is False:
                return '"{" "}"'
            pair = self.add(f"{name}-pair", f'{self.require("string")} ":" {self.visit(extra, f"{name}-value")}')
            most = schema.get("maxProperties", MAX_FREE_PAIRS)
            return '"{" "}"' if most == 0 else f'"{{" ({pair} ("," {pair}){_repeat(0, most - 1)})? "}}"'
        pairs = [
            (self.add(f"{name}-{key}", f"{literal(_json(key) + ':')} {self.visit(sub, f'{name}-{key}')}"),
             key in required)
            for key, sub in properties.items()
        ]
        return f'"{{" {_members(pairs)} "}}"'


_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems",
     "minLength", "maxLength", "maxProperties", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
     "enum", "const", "anyOf", "oneOf", "$ref"}
)


def max_call_bytes(tools: Sequence[Mapping[str, Any]]) -> int | None:
    """The longest tool call (``<call>NAME ARGS</call>``, in UTF-8 bytes) that ``tool_call_grammar(tools)``
    admits, or None if some tool's schema allows unbounded values (``true``/``{}`` schemas, arrays without
    ``maxItems``). Each generated token adds at least one byte, so this many tokens always finish a call."""
    longest = 0
    for tool in tools:
        spec = tool.get("function", tool)
        parameters = spec.get("parameters") or {"type": "object", "properties": {}}
        args = _max_bytes(parameters, parameters)
        if args is None:
            return None
        longest = max(longest, len(f"{CALL_OPEN}{spec['name']} {CALL_CLOSE}".encode()) + args)
    return longest


def _max_bytes(schema: Mapping[str, Any] | bool, root: Mapping[str, Any]) -> int | None:
    """Longest compact JSON text (bytes) of a value the grammar admits under ``schema``; None if unbounded."""
    if schema is True or schema == {} or schema is False:
        return None
    if "$ref" in schema:
        node: Any = root
        for part in schema["$ref"][2:].split("/"):
            node = node[part]
        return _max_bytes(node, root)
    if "const" in schema:
        return len(_json(schema["const"]).encode())
    if "enum" in schema:
        return max(len(_json(value).encode()) for value in schema["enum"])
    options = schema.get("anyOf") or schema.get("oneOf")
    if options is None and isinstance(schema.get("type"), list):
        options = [{**schema, "type": kind} for kind in schema["type"]]
    if options is not None:
        sizes = [_max_bytes(option, root) for option in options]
        return None if None in sizes else max(sizes)
    kind = schema.get("type")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties", {})
        if not properties:
            extra = schema.get("additionalProperties", True)
            most = 0 if extra is False else schema.get("maxProperties", MAX_FREE_PAIRS)
            value = _max_bytes(extra, root) if most else 0
            pair = None if value is None else 2 + MAX_STRING_CHARS * MAX_CHAR_BYTES + 1 + value
            return None if pair is None else 2 + most * pair + max(most - 1, 0)
        sizes = [_max_bytes(sub, root) for sub in properties.values()]
        if None in sizes:
            return None
        keys = sum(len(_json(key).encode()) + 1 for key in properties)
        return 2 + keys + sum(sizes) + len(sizes) - 1
    if kind == "array":
        prefix = schema.get("prefixItems")
        if prefix is not None:
            sizes = [_max_bytes(item, root) for item in prefix]
            return None if None in sizes else 2 + sum(sizes) + max(len(sizes) - 1, 0)
        most, item = schema.get("maxItems"), _max_bytes(schema.get("items", True), root)
        if most is None or item is None:
            return None
        return 2 + most * item + max(most - 1, 0)
    if kind == "string":
        return 2 + schema.get("maxLength", MAX_STRING_CHARS) * MAX_CHAR_BYTES
    if kind == "integer":
        return 20
    return {"number": 50, "boolean": 5, "null": 4}[kind]


def _members(pairs: list[tuple[str, bool]]) -> str:
    """Key-value rules in fixed order, separated by commas, each optional one omissible."""
    if not pairs:
        return ""
    (first, first_required), rest = pairs[0], pairs[1:]
    after = " ".join(f'"," {rule}' if needed else f'("," {rule})?' for rule, needed in rest)
    with_first = f"{first} {after}".strip()
    if first_required:
        return with_first
    without_first = _members(rest)
    return f"({with_first} | {without_first})" if without_first else f"({with_first})?"


def _repeat(low: int, high: int | None) -> str:
    if high is None:
        return {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    return f"{{{low},{high}}}"


def _group(options: list[str]) -> str:
    if not options:
        raise UnsupportedSchema("empty enum or anyOf admits no value")
    return options[0] if len(options) == 1 else "(" + " | ".join(options) + ")"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
