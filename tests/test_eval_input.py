"""Reading eval question files: every bad line is reported with its number and skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finetune.eval_input import EvalInputError, read_questions
from tests.eval_engines import DATA


def write(tmp_path: Path, *rows: object) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n")
    return path


def test_the_hand_made_file_reads_whole_with_each_graph_file_loaded_once() -> None:
    data = read_questions(DATA)
    assert len(data.questions) == 16 and data.problems == []
    assert len(data.graphs) == 3
    office = next(q for q in data.questions if q.id == "office-edges")
    assert data.graphs[office.graph_key].number_of_edges() == 5
    inline = next(q for q in data.questions if q.id == "inline-degree")
    assert inline.graph_key is None and inline.meta == {"notation": "dashes"}


def test_each_kind_of_bad_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"id": "ok", "question": "How many nodes?"},
        "not json at all",
        {"id": "no-question"},
        {"question": "No id?"},
        {"id": "gone", "question": "How many nodes?", "graph": "gone.graphml"},
        {"id": "ok", "question": "Again?"},
        {"id": "kind", "question": "How many nodes?", "kind": "colour"},
        {"id": "calls", "question": "How many nodes?", "expected_calls": "count_nodes"},
        {"id": "both", "question": "How many nodes?", "graph": "a.csv", "sample": "nordic_roads"},
        {"id": "huge", "question": "The nodes are numbered from 0 to 99999999999. Edges: 0-1. Degree of 0?"},
    )
    data = read_questions(path)
    assert [q.id for q in data.questions] == ["ok"]
    messages = {problem.line: problem.message for problem in data.problems}
    assert sorted(messages) == list(range(2, 11))
    assert messages[2].startswith("not JSON") and "question" in messages[3] and "id" in messages[4]
    assert "not found" in messages[5] and "duplicate id 'ok'" in messages[6] and "unknown kind" in messages[7]
    assert "expected_calls" in messages[8] and "not both" in messages[9] and "cannot be built" in messages[10]


def test_a_malformed_graph_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("a,b,weight\nx,y,heavy\n")
    data = read_questions(write(tmp_path, {"id": "1", "question": "Q?"}, {"id": "2", "question": "Q?",
                                                                          "graph": "bad.csv"}))
    assert [str(problem).split(":")[0] for problem in data.problems] == ["line 2"]
    assert "cannot be loaded" in data.problems[0].message


def test_raw_json_gold_answers_are_encoded_as_contract_1_says(tmp_path: Path) -> None:
    data = read_questions(write(
        tmp_path,
        {"id": "b", "question": "Q?", "answer": True},
        {"id": "n", "question": "Q?", "answer": 42},
        {"id": "l", "question": "Q?", "answer": ["Oslo", "Bergen"]},
        {"id": "s", "question": "Q?", "sample": "release_pipeline"},
    ))
    assert [q.answer for q in data.questions] == ["yes", "42", '["Oslo", "Bergen"]', None]
    assert data.questions[-1].graph_key == "sample:release_pipeline"


def test_limit_counts_usable_questions_only(tmp_path: Path) -> None:
    path = write(tmp_path, "{bad", {"id": "1", "question": "Q?"}, {"id": "2", "question": "Q?"})
    assert [q.id for q in read_questions(path, limit=1).questions] == ["1"]


@pytest.mark.parametrize("content", ["", "\n\n", "[1]\n"])
def test_a_file_without_a_usable_question_is_an_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(content)
    with pytest.raises(EvalInputError, match="holds no usable question"):
        read_questions(path)
