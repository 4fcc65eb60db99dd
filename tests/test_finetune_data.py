"""``graph-agent finetune data``: deterministic files, splits that hold out families and templates, coverage of
every tool, notation, task and failure kind, the eval question file (format: README, Evaluation), and the
command line."""

from __future__ import annotations

import difflib
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from datasets import load_dataset
from transformers.utils.chat_template_utils import render_jinja_template

from agent.ingest import describe_graph
from agent.template import CHAT_TEMPLATE
from finetune.data import generate, parse_sizes
from finetune.data.conversations import build_conversation
from finetune.data.notations import NOTATIONS
from finetune.data.splits import TEST_FAMILIES, TEST_TEMPLATE_SETS, held_out
from finetune.data.templates import STYLES, TEMPLATES, choose_wording, every_wording
from finetune.data.writer import OUTPUTS
from graphs.sources import GraphSource, open_backend
from tools.registry import TOOLS
from tui.cli import main

SIZES = {"train": 40, "validation": 8, "test": 30}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("data") / "set"
    generate(out, 5, SIZES)
    return out


def test_the_same_seed_gives_byte_identical_files_and_another_seed_does_not(dataset: Path, tmp_path: Path):
    again, other = tmp_path / "again", tmp_path / "other"
    generate(again, 5, SIZES)
    generate(other, 6, SIZES)
    files = sorted(p.relative_to(dataset) for p in dataset.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((dataset / f).read_bytes() == (again / f).read_bytes() for f in files)
    assert (dataset / "train.jsonl").read_bytes() != (other / "train.jsonl").read_bytes()


def test_test_split_uses_only_families_and_templates_never_seen_in_training(dataset: Path):
    rows = {split: read_jsonl(dataset / f"{split}.jsonl") for split in ("train", "validation", "test")}
    seen_families = {r["family"] for split in ("train", "validation") for r in rows[split]}
    seen_templates = {t for split in ("train", "validation") for r in rows[split] for t in r["templates"]}
    test_families = {r["family"] for r in rows["test"]}
    test_templates = {t for r in rows["test"] for t in r["templates"]}
    assert test_families <= set(TEST_FAMILIES) and not test_families & seen_families
    assert not test_templates & seen_templates
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert set(test_templates) <= set(manifest["held_out_for_test"]["templates"] + held_out()["follow_ups"])
    for task in TEMPLATES:
        assert sum(tid.startswith(f"{task}.") for tid in held_out()["templates"]) >= 2
    assert {r["template_set"] for r in read_jsonl(dataset / "test.eval.jsonl")} == set(TEST_TEMPLATE_SETS)


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9{} ]", "", text.lower()).strip()


def test_no_training_wording_is_or_nearly_is_a_held_out_phrasing():
    held = {task: [_plain(t) for texts in TEST_TEMPLATE_SETS.values() for t in texts[task]] for task in TEMPLATES}
    every_held = {t for texts in held.values() for t in texts}
    for task, texts in TEMPLATES.items():
        for wording in (_plain(w) for text in texts for w in every_wording(text)):
            assert wording not in every_held, (task, wording)
            close = [t for t in held[task] if difflib.SequenceMatcher(None, wording, t).ratio() >= 0.9]
            assert not close, (task, wording, close)


def test_a_template_with_alternatives_draws_each_of_them_and_leaves_no_stray_space():
    template = "How many [links|edges|] does {a} have[ in total|]?"
    assert sorted(every_wording(template)) == sorted(
        ["How many links does {a} have in total?", "How many links does {a} have?",
         "How many edges does {a} have in total?", "How many edges does {a} have?",
         "How many does {a} have in total?", "How many does {a} have?"])
    rng = random.Random(0)
    assert {choose_wording(template, rng) for _ in range(200)} == set(every_wording(template))


def test_manifest_counts_match_the_files(dataset: Path):
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert manifest["seed"] == 5 and manifest["sizes"] == SIZES
    for split, size in SIZES.items():
        rows = read_jsonl(dataset / f"{split}.jsonl")
        assert len(rows) == size == manifest["counts"][split]["conversations"]["total"]
        assert Counter(r["family"] for r in rows) == manifest["counts"][split]["family"]
    assert len(read_jsonl(dataset / "test.eval.jsonl")) == manifest["eval_questions"]["test"] > 0
    assert len(read_jsonl(dataset / "validation.eval.jsonl")) == manifest["eval_questions"]["validation"] > 0
    assert set(manifest["files"]) == set(OUTPUTS) - {"manifest.json"}


def test_sft_rows_load_with_datasets_and_render_with_the_chat_template(dataset: Path):
    rows = load_dataset("json", data_files=str(dataset / "train.jsonl"), split="train")
    row = rows[3]
    rendered, spans = render_jinja_template([row["messages"]], tools=row["tools"], chat_template=CHAT_TEMPLATE,
                                            return_assistant_tokens_mask=True, **row["chat_template_kwargs"])
    text = rendered[0]
    assert text.startswith("<start_of_turn>system\n") and row["chat_template_kwargs"]["graph_context"] in text
    assert [text[a:b] for a, b in spans[0]][-1].endswith("<end_of_turn>")
    dpo = load_dataset("json", data_files=str(dataset / "dpo_train.jsonl"), split="train")
    assert set(dpo.column_names) >= {"prompt", "chosen", "rejected", "tools", "chat_template_kwargs", "provenance"}


def test_eval_file_follows_the_question_file_contract(dataset: Path):
    rows = read_jsonl(dataset / "test.eval.jsonl")
    sft = {r["id"]: r for r in read_jsonl(dataset / "test.jsonl")}
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["kind"] for r in rows} <= {"boolean", "number", "node", "node_set", "path", "order", "matching", "text"}
    for row in rows:
        assert row["question"] and row["task"] and row["expected_calls"] and row["template"] in held_out()["templates"]
        gold = row["answer"]
        if row["kind"] == "boolean":
            assert gold in ("yes", "no")
        elif row["kind"] == "number":
            float(gold)
        elif row["kind"] in ("node_set", "path", "order"):
            assert isinstance(json.loads(gold), list)
        if "graph" in row:
            backend = open_backend(GraphSource(path=str(dataset / row["graph"])))
            assert describe_graph(backend) == sft[row["id"]]["chat_template_kwargs"]["graph_context"]
    assert any("graph" in r for r in rows) and any("graph" not in r for r in rows)


def test_a_generated_mix_covers_every_tool_notation_style_and_agent_rule():
    convos = [build_conversation(3, "train", i) for i in range(700)]
    called = {c.name for convo in convos for turn in convo.turns for c in turn.calls}
    assert called == {spec.name for spec in TOOLS} - {"run_cypher"}
    notations = {part for convo in convos if convo.notation for part in convo.notation.split("+")}
    parser_names = {"tuples", "dashes", "arrows", "prose", "precedence", "adjacency", "node-list", "node-weights"}
    assert notations == parser_names and set(NOTATIONS) - {"connected"} <= notations  # "connected" reads as prose
    assert {convo.style for convo in convos} == set(STYLES)
    tasks = Counter(turn.task for convo in convos for turn in convo.turns)
    for task in ("typo_degree", "unknown_node", "ambiguous_node", "write_refusal", "no_tool", "compare_degree",
                 "top_neighbors", "weighted_path", "max_flow", "find_by_property", "related_in"):
        assert tasks[task] >= 3, task
    assert sum(len(convo.turns) > 1 for convo in convos) >= 20
    assert {convo.mode for convo in convos} == {"inline", "file"}
    styles = {type(n).__name__ for convo in convos for n in convo.graph.graph}
    assert styles == {"int", "str"} and {convo.graph.style for convo in convos} >= {"int", "letter", "word", "spaced"}


def test_sizes_are_named_or_three_counts_and_bad_ones_are_refused():
    assert parse_sizes("small") == {"train": 240, "validation": 40, "test": 80}
    assert parse_sizes("5,1,2") == {"train": 5, "validation": 1, "test": 2}
    for bad in ("huge", "5,1", "5,0,2", "a,b,c"):
        with pytest.raises(ValueError, match="TRAIN,VALIDATION,TEST"):
            parse_sizes(bad)


def test_cli_writes_the_data_set_prints_counts_and_never_overwrites_one(tmp_path: Path, capsys):
    out = tmp_path / "set"
    assert main(["finetune", "data", "--out", str(out), "--seed", "2", "--size", "6,2,4", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "train" in printed and "6 conversations" in printed and "test.eval.jsonl" in printed
    assert all((out / name).is_file() for name in OUTPUTS)
    before = (out / "train.jsonl").read_bytes()
    assert main(["finetune", "data", "--out", str(out), "--no-progress"]) == 2
    assert "already holds a data set" in capsys.readouterr().err
    assert (out / "train.jsonl").read_bytes() == before
    assert main(["finetune", "data", "--out", str(tmp_path / "x"), "--size", "big", "--no-progress"]) == 2
    assert "error: size must be" in capsys.readouterr().err


def test_a_second_run_on_the_same_directory_never_mixes_its_files_with_the_first(dataset: Path, tmp_path: Path):
    out, started = tmp_path / "set", []

    def start_another_run_midway(_: int) -> None:
        if not started:
            started.append(True)
            generate(out, 5, SIZES)  # finishes first, while the outer run is still writing

    with pytest.raises(FileExistsError, match="another run"):
        generate(out, 5, SIZES, progress=start_another_run_midway)
    files = sorted(p.relative_to(dataset) for p in dataset.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())  # no staging left behind
    assert all((dataset / f).read_bytes() == (out / f).read_bytes() for f in files)


def test_an_interrupted_run_leaves_nothing_behind(tmp_path: Path):
    def interrupt(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(tmp_path / "set", 5, SIZES, progress=interrupt)
    assert list((tmp_path / "set").iterdir()) == []
