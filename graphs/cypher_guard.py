"""The read-only Cypher guard: our own check that a user's query cannot write, before it reaches any server.

Servers cannot be trusted to enforce read-only access (FalkorDB executes writes inside read transactions
and even inside ``EXPLAIN``), so every query from a user or a model passes through :func:`check_read_only`
first.

The check works on tokens, not on regular expressions: a small tokenizer splits the query into string
literals, backtick-quoted names, parameters, numbers, words and punctuation, and drops comments. Then:

- anything outside a string literal must be ASCII (no look-alike letters), and ``;`` may only end the query;
- the query must start with a read clause (``MATCH``, ``OPTIONAL``, ``WITH``, ``RETURN``, ``UNWIND``,
  ``CALL``);
- no bare word may be a write, schema, admin or import keyword (``CREATE``, ``MERGE``, ``SET``, ``DELETE``,
  ``LOAD``, ``FOREACH``, ``USE``, ``SHOW``, ``TRANSACTIONS``, ...), compared after NFKC normalisation and
  case-folding. A word right after ``.`` is a property name and is allowed (``r.start``);
- no ``apoc.*`` or ``dbms.*`` name may appear at all (APOC functions can run arbitrary Cypher);
- every ``CALL name(...)`` must name a procedure on the allow-list (``CALL { ... }`` subqueries are fine,
  since their contents are checked like the rest of the query).

Backtick-quoted names can never form a clause in Cypher, so they are treated as plain identifiers, except as
procedure names, where they are joined and checked against the allow-list like any other spelling.

>>> check_read_only("MATCH (n:Person) RETURN n.name LIMIT 5")
'MATCH (n:Person) RETURN n.name LIMIT 5'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from graphs.errors import ReadOnlyViolation

TokenKind = Literal["string", "quoted", "param", "number", "word", "punct"]

DEFAULT_ALLOWED: frozenset[str] = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "db.idx.fulltext.querynodes",
        "algo.pagerank",
        "algo.wcc",
        "algo.sppaths",
        "algo.sspaths",
        "algo.bfs",
        "algo.betweenness",
        "algo.labelpropagation",
    }
)
"""Read-only procedures a query may ``CALL`` (compared case-insensitively)."""

START_CLAUSES = frozenset({"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "CALL"})

FORBIDDEN_WORDS = frozenset(
    {
        "CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "DROP", "LOAD", "CSV", "FOREACH",
        "USE", "GRANT", "DENY", "REVOKE", "ALTER", "START", "STOP", "SHOW", "TERMINATE", "ENABLE", "RENAME",
        "INDEX", "CONSTRAINT", "TRANSACTIONS", "PERIODIC", "COMMIT", "IMPORT", "INSERT", "FINISH", "EXPLAIN",
        "PROFILE", "DATABASE", "DATABASES", "ALIAS", "USER", "ROLE", "PRIVILEGE", "PRIVILEGES", "SERVER",
        "DEALLOCATE", "REALLOCATE", "SUSPENDED", "CYPHER",
    }
)
"""Bare words that only appear in writing, schema, admin, import or planner-directive statements."""

FORBIDDEN_NAMESPACES = frozenset({"APOC", "DBMS"})
"""Namespaces whose functions and procedures can write or administer, refused wherever they appear."""


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind, its text as written, and where it starts in the query."""

    kind: TokenKind
    text: str
    pos: int


def _violation(message: str, query: str, pos: int | None = None) -> ReadOnlyViolation:
    return ReadOnlyViolation(f"Query refused (read-only): {message}", construct=message, position=pos)


def _scan_quoted(query: str, start: int, quote: str) -> int:
    """End index (exclusive) of the quoted literal opening at ``start``; backslash escapes in strings,
    doubled backticks in names."""
    i = start + 1
    while i < len(query):
        ch = query[i]
        if ch == "\\" and quote != "`":
            i += 2
            continue
        if ch == quote:
            if quote == "`" and query.startswith("``", i):
                i += 2
                continue
            return i + 1
        i += 1
    what = "quoted name" if quote == "`" else "string literal"
    raise _violation(f"unterminated {what}", query, start)


def tokenize(query: str) -> list[Token]:
    """Split a Cypher query into tokens, dropping whitespace and comments.

    >>> [t.text for t in tokenize("MATCH (n) // hi\\nRETURN 'a;b'")]
    ['MATCH', '(', 'n', ')', 'RETURN', "'a;b'"]
    """
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif query.startswith("//", i):
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end < 0:
                raise _violation("unterminated block comment", query, i)
            i = end + 2
        elif ch in "'\"":
            end = _scan_quoted(query, i, ch)
            tokens.append(Token("string", query[i:end], i))
            i = end
        elif ch == "`":
            end = _scan_quoted(query, i, "`")
            tokens.append(Token("quoted", query[i + 1 : end - 1].replace("``", "`"), i))
            i = end
        elif ch == "$":
            j = i + 1
            if j < n and query[j] == "`":
                j = _scan_quoted(query, j, "`")
            else:
                while j < n and (query[j].isalnum() or query[j] == "_"):
                    j += 1
            tokens.append(Token("param", query[i:j], i))
            i = j
        elif ch.isdigit():
            j = i
            while j < n and (query[j].isalnum() or query[j] in "._"):
                if query[j] == "." and query.startswith("..", j):
                    break
                j += 1
            tokens.append(Token("number", query[i:j], i))
            i = j
        elif ch.isalpha() or ch == "_":
            j = i
            while j < n and (query[j].isalnum() or query[j] == "_"):
                j += 1
            tokens.append(Token("word", query[i:j], i))
            i = j
        else:
            tokens.append(Token("punct", ch, i))
            i += 1
    return tokens


def _keyword(token: Token) -> str:
    return unicodedata.normalize("NFKC", token.text).upper()


def _procedure_name(tokens: list[Token], start: int, query: str) -> tuple[str, int]:
    """The dotted procedure name that begins at ``tokens[start]`` and the index just after it."""
    parts: list[str] = []
    i = start
    while i < len(tokens) and tokens[i].kind in ("word", "quoted"):
        parts.append(tokens[i].text)
        if i + 1 < len(tokens) and tokens[i + 1].text == ".":
            i += 2
            continue
        i += 1
        break
    if not parts:
        pos = tokens[start].pos if start < len(tokens) else len(query)
        raise _violation("CALL must be followed by a procedure name or a { subquery }", query, pos)
    return ".".join(parts), i


def _check_ascii(query: str, tokens: list[Token]) -> None:
    for token in tokens:
        if token.kind != "string" and not token.text.isascii():
            bad = next(ch for ch in token.text if not ch.isascii())
            raise _violation(f"non-ASCII character {bad!r} outside a string literal", query, token.pos)


def check_read_only(query: str, allowed_procedures: frozenset[str] = DEFAULT_ALLOWED) -> str:
    """Return ``query`` (without a trailing ``;``) if it can only read; else raise ``ReadOnlyViolation``.

    >>> check_read_only("CALL db.labels() YIELD label RETURN label")
    'CALL db.labels() YIELD label RETURN label'
    >>> check_read_only("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    graphs.errors.ReadOnlyViolation: Query refused (read-only): DETACH is not allowed
    """
    if not isinstance(query, str) or not query.strip():
        raise _violation("the query is empty", str(query))
    tokens = tokenize(query)
    if not tokens:
        raise _violation("the query has no statement", query)
    _check_ascii(query, tokens)
    text = query
    if tokens[-1].text == ";":
        text = query[: tokens[-1].pos].rstrip()
        tokens = tokens[:-1]
    for token in tokens:
        if token.text == ";":
            raise _violation("multiple statements (';') are not allowed", query, token.pos)
    if not tokens or tokens[0].kind != "word" or _keyword(tokens[0]) not in START_CLAUSES:
        first = tokens[0].text if tokens else ""
        raise _violation(f"a query must start with a read clause, not {first!r}", query, 0)
    allowed = frozenset(p.lower() for p in allowed_procedures)
    for index, token in enumerate(tokens):
        if token.kind != "word":
            continue
        after_dot = index > 0 and tokens[index - 1].text == "." and tokens[index - 1].kind == "punct"
        word = _keyword(token)
        if word in FORBIDDEN_WORDS and not after_dot:
            raise _violation(f"{word} is not allowed", query, token.pos)
        if word in FORBIDDEN_NAMESPACES and not after_dot:
            raise _violation(f"{token.text}.* procedures and functions are not allowed", query, token.pos)
        if word == "CALL" and not after_dot:
            nxt = tokens[index + 1] if index + 1 < len(tokens) else None
            if nxt is not None and nxt.text in ("{", "("):
                continue
            name, _ = _procedure_name(tokens, index + 1, query)
            if name.lower() not in allowed:
                raise _violation(f"procedure {name!r} is not on the read-only allow-list", query, token.pos)
    return text
