"""Unit tests for ``graphs.cypher_guard``: the tokenizer, the read-only check, and the adversarial corpus
(every entry refused without any server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphs.cypher_guard import DEFAULT_ALLOWED, check_read_only, tokenize
from graphs.errors import ReadOnlyViolation

CORPUS = Path(__file__).parent / "data" / "cypher" / "adversarial.txt"


def adversarial_queries() -> list[str]:
    """The corpus lines with the two-character sequences backslash-n and backslash-t made real."""
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [line.replace("\\n", "\n").replace("\\t", "\t") for line in lines]


def test_tokenizer_keeps_strings_whole_and_drops_comments():
    tokens = tokenize("MATCH (n) /* DELETE */ WHERE n.x = 'a;\\'b' // SET\nRETURN `we``ird`, $p")
    assert [(t.kind, t.text) for t in tokens] == [
        ("word", "MATCH"), ("punct", "("), ("word", "n"), ("punct", ")"), ("word", "WHERE"), ("word", "n"),
        ("punct", "."), ("word", "x"), ("punct", "="), ("string", "'a;\\'b'"), ("word", "RETURN"),
        ("quoted", "we`ird"), ("punct", ","), ("param", "$p"),
    ]


def test_tokenizer_reads_ranges_and_floats_as_numbers():
    assert [t.text for t in tokenize("[*1..3] 2.5")] == ["[", "*", "1", ".", ".", "3", "]", "2.5"]


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n:Person) RETURN n.name LIMIT 5",
        "match (n) where n.name = 'CREATE (x)' return n",
        "MATCH (a)-[r]->(b) RETURN r.start, r.set, a.delete",
        "OPTIONAL MATCH (n) RETURN n",
        "UNWIND [1, 2] AS x RETURN x",
        "CALL db.labels() YIELD label RETURN label",
        "CALL db.propertyKeys()",
        "MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN count(m) AS c } RETURN n, c",
        "MATCH (n) RETURN n UNION ALL MATCH (n) RETURN n",
        "MATCH (n) WHERE n.name = 'naïve ünïcode' RETURN n",
        "WITH 1 AS x RETURN x;",
    ],
)
def test_read_queries_pass(query):
    assert check_read_only(query) == query.rstrip(";")


def test_default_allow_list_is_lowercase_names():
    assert all(name == name.lower() for name in DEFAULT_ALLOWED)


def test_custom_allow_list_admits_its_procedure():
    with pytest.raises(ReadOnlyViolation):
        check_read_only("CALL gds.pageRank.stream('g')")
    query = "CALL gds.pageRank.stream('g') YIELD nodeId RETURN nodeId"
    assert check_read_only(query, DEFAULT_ALLOWED | {"gds.pageRank.stream"}) == query


@pytest.mark.parametrize(
    ("query", "construct"),
    [
        ("MATCH (n) DETACH DELETE n", "DETACH"),
        ("MATCH (n) RETURN n; MATCH (m) RETURN m", "multiple statements"),
        ("CALL apoc.help('x')", "apoc"),
        ("CALL db.idx.fulltext.drop('x')", "db.idx.fulltext.drop"),
        ("MATCH (n) ＳＥＴ n.x = 1", "non-ASCII"),
        ("MATCH (n) RETURN 'open", "unterminated string"),
        ("", "empty"),
        ("DELETE n", "DELETE"),
        ("(n) RETURN n", "must start with a read clause"),
        ("MATCH (n) CALL", "procedure"),
    ],
)
def test_violation_names_the_offending_construct(query, construct):
    with pytest.raises(ReadOnlyViolation) as info:
        check_read_only(query)
    assert construct in info.value.message
    assert info.value.to_dict()["error"] == "read_only_violation"


def test_adversarial_corpus_is_large_enough():
    assert len(adversarial_queries()) >= 50


@pytest.mark.parametrize("query", adversarial_queries())
def test_every_adversarial_query_is_refused(query):
    with pytest.raises(ReadOnlyViolation):
        check_read_only(query)
