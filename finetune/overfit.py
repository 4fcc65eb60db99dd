"""The overfitting check: does the adapter keep the base model's general English and its manners off-topic?

Two measurements, base model against base + adapter (the seed's named risk is a model too narrowly
specialized): perplexity on paragraphs of everyday English we wrote (``overfit_texts/general_english.txt``,
nothing about graphs), and the agent's answers to chat turns outside its job (``overfit_texts/chat_turns.txt``:
greetings, thanks, general questions), which should stay sensible and call no tool. Perplexity uses
transformers with the PEFT adapter switched on and off in one model; the chat turns run the real agent (llama.cpp
by default) on the bundled sample graph, as a user would meet them.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

TEXTS_DIR = Path(__file__).resolve().parent / "overfit_texts"
REPORT_MD = "overfit.md"
REPORT_JSON = "overfit.json"


def general_paragraphs() -> list[str]:
    """The held-out English paragraphs (blank-line separated in the text file)."""
    text = (TEXTS_DIR / "general_english.txt").read_text(encoding="utf-8")
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def chat_turns() -> list[str]:
    """The off-topic chat turns, one per line."""
    lines = (TEXTS_DIR / "chat_turns.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def perplexities(adapter_dir: str | Path, model: str | None = None) -> dict[str, float]:
    """Token-weighted perplexity of the paragraphs under the base model and under base + adapter."""
    import torch
    from peft import PeftModel

    from finetune.base_model import load_model, load_tokenizer

    tokenizer = load_tokenizer(model)
    tuned = PeftModel.from_pretrained(load_model(model), str(adapter_dir))
    tuned.eval()
    encoded = [tokenizer(text, return_tensors="pt").input_ids for text in general_paragraphs()]

    def perplexity() -> float:
        total, count = 0.0, 0
        with torch.no_grad():
            for ids in encoded:
                loss = tuned(input_ids=ids, labels=ids).loss
                total += loss.item() * (ids.shape[1] - 1)
                count += ids.shape[1] - 1
        return math.exp(total / count)

    with tuned.disable_adapter():
        base = perplexity()
    return {"base": base, "adapter": perplexity(), "tokens": sum(ids.shape[1] - 1 for ids in encoded)}


def chat_answers(adapter: str, engine: str = "llamacpp", model: str | None = None) -> list[dict[str, Any]]:
    """The agent's answer and tool calls for each chat turn, each in a new conversation, with ``adapter``
    (``none`` for the base model's few-shot baseline)."""
    from agent.context import AgentConfig
    from agent.session import AgentSession
    from graphs.sources import GraphSource, open_backend

    rows = []
    with tempfile.TemporaryDirectory(prefix="graph-agent-overfit-") as data_dir:
        config = AgentConfig(engine=engine, model=model, adapter=adapter, use_cache=False, data_dir=Path(data_dir))
        with AgentSession(open_backend(GraphSource()), config) as session:
            for turn in chat_turns():
                answer = session.ask(turn)
                rows.append({"turn": turn, "answer": answer.answer,
                             "tool_calls": [call["name"] for call in answer.tool_calls]})
    return rows


def overfit_report(adapter_dir: str | Path, engine: str = "llamacpp", model: str | None = None) -> dict[str, Any]:
    """Both measurements for ``adapter_dir``, written as ``overfit.json`` and ``overfit.md`` inside it."""
    adapter_dir = Path(adapter_dir)
    report = {
        "perplexity": perplexities(adapter_dir, model),
        "chat": {"base": chat_answers("none", engine, model), "adapter": chat_answers(str(adapter_dir), engine, model)},
        "engine": engine,
    }
    (adapter_dir / REPORT_JSON).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (adapter_dir / REPORT_MD).write_text(overfit_markdown(report), encoding="utf-8")
    return report


def overfit_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: a perplexity line, then each chat turn with both answers and their tool calls."""
    ppl = report["perplexity"]
    calls = {name: sum(bool(row["tool_calls"]) for row in rows) for name, rows in report["chat"].items()}
    lines = [
        f"Perplexity on {ppl['tokens']} tokens of general English we wrote (finetune/overfit_texts): base "
        f"{ppl['base']:.1f}, with the adapter {ppl['adapter']:.1f} ({ppl['adapter'] / ppl['base']:.2f}x).",
        "",
        f"Off-topic chat turns ({len(report['chat']['adapter'])}, one new conversation each, engine "
        f"{report['engine']}, bundled sample graph loaded): tool calls made by the base model in "
        f"{calls['base']}, by the adapter in {calls['adapter']}.",
        "",
        "| turn | base (few-shot) | adapter |",
        "|---|---|---|",
    ]
    for base, tuned in zip(report["chat"]["base"], report["chat"]["adapter"], strict=True):
        lines.append(f"| {_cell(base['turn'])} | {_answer_cell(base)} | {_answer_cell(tuned)} |")
    return "\n".join(lines) + "\n"


def _answer_cell(row: dict[str, Any]) -> str:
    calls = f" *(tools: {', '.join(row['tool_calls'])})*" if row["tool_calls"] else ""
    return _cell(row["answer"]) + calls


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "(empty)"
