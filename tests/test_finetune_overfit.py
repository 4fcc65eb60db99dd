"""The overfitting check: its texts, its report, and the real measurement on the shipped adapter."""

from __future__ import annotations

import math
import re

import pytest

from agent.model_files import DEFAULT_ADAPTER_DIR
from finetune import overfit
from tui.cli import main


def test_the_texts_are_ours_and_about_anything_but_graphs():
    paragraphs, turns = overfit.general_paragraphs(), overfit.chat_turns()
    assert len(paragraphs) >= 10 and all(len(p.split()) > 40 for p in paragraphs)
    assert not any(re.search(r"\b(graph|node|edge|path)s?\b", p, re.IGNORECASE) for p in paragraphs)
    assert len(turns) >= 8 and "Hello!" in turns


def test_the_report_counts_tool_calls_and_escapes_table_cells():
    report = {
        "perplexity": {"base": 20.0, "adapter": 25.0, "tokens": 900},
        "chat": {
            "base": [{"turn": "Hello!", "answer": "Hi | there", "tool_calls": ["graph_summary"]}],
            "adapter": [{"turn": "Hello!", "answer": "Hello! Ask me about the graph.", "tool_calls": []}],
        },
        "engine": "llamacpp",
    }
    text = overfit.overfit_markdown(report)
    assert "base 20.0, with the adapter 25.0 (1.25x)" in text
    assert "by the base model in 1, by the adapter in 0" in text
    assert "| Hello! | Hi \\| there *(tools: graph_summary)* | Hello! Ask me about the graph. |" in text


def test_overfit_command_refuses_a_directory_without_an_adapter(tmp_path, capsys):
    assert main(["finetune", "overfit", str(tmp_path)]) == 2
    assert "not a PEFT adapter directory" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not (DEFAULT_ADAPTER_DIR / "adapter_config.json").is_file(), reason="no shipped adapter")
def test_perplexity_with_the_adapter_switched_off_is_the_base_models(monkeypatch):
    import torch

    from finetune.base_model import load_model, load_tokenizer

    monkeypatch.setattr(overfit, "general_paragraphs", lambda: overfit.TEXTS_DIR.joinpath(
        "general_english.txt").read_text().split("\n\n")[:2])
    measured = overfit.perplexities(DEFAULT_ADAPTER_DIR)
    tokenizer, model = load_tokenizer(), load_model()
    losses, count = 0.0, 0
    with torch.no_grad():
        for text in overfit.general_paragraphs():
            ids = tokenizer(text.strip(), return_tensors="pt").input_ids
            losses += model(input_ids=ids, labels=ids).loss.item() * (ids.shape[1] - 1)
            count += ids.shape[1] - 1
    assert measured["base"] == pytest.approx(math.exp(losses / count), rel=1e-4)
    assert measured["tokens"] == count and measured["adapter"] != measured["base"]
    assert 1 < measured["base"] < 200 and 1 < measured["adapter"] < 1000
