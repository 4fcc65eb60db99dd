"""The adapter shipped in ``adapters/default/``: both formats and its card are there, and a fresh checkout's
``graph-agent ask`` uses it by default (``--adapter none`` gives the untuned baseline) on the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.model_files import DEFAULT_ADAPTER_DIR, resolve_adapter

ROOT = Path(__file__).resolve().parent.parent
FILES = ("adapter_config.json", "adapter_model.safetensors", "adapter.gguf", "README.md", "run_info.json",
         "trainer_state.json", "gate.md", "overfit.md")


def test_the_shipped_adapter_has_both_formats_its_record_and_its_card():
    missing = [name for name in FILES if not (DEFAULT_ADAPTER_DIR / name).is_file()]
    assert missing == []
    card = (DEFAULT_ADAPTER_DIR / "README.md").read_text()
    for section in ("## How it was made", "### SFT", "### DPO", "## Evaluation", "## Regression gate",
                    "## Overfitting check"):
        assert section in card
    assert "graph-agent finetune sft --config configs/sft.yaml" in card
    assert resolve_adapter("default", "llamacpp").path == DEFAULT_ADAPTER_DIR / "adapter.gguf"


def ask(tmp_path: Path, *flags: str) -> dict:
    env = {**os.environ, "GRAPH_AGENT_DATA_DIR": str(tmp_path / "data"), "GRAPH_AGENT_CACHE_DIR": str(tmp_path / "c")}
    command = [sys.executable, "-m", "tui.cli", "ask", "What is the shortest path from Oslo to Bergen?",
               "--sample", "nordic_roads", "--no-cache", "--json", *flags]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("flags", [(), ("--adapter", "default")])
def test_ask_answers_with_the_shipped_adapter_by_default(tmp_path: Path, flags: tuple[str, ...]):
    out = ask(tmp_path, *flags)
    assert out["adapter"] == resolve_adapter("default", "llamacpp").adapter_id
    assert [call["name"] for call in out["tool_calls"]] == ["shortest_path"]
    assert out["tool_calls"][0]["args"]["source"] == "Oslo" and out["tool_calls"][0]["args"]["target"] == "Bergen"
    path = out["tool_calls"][0]["result"]["path"]
    assert all(city in out["answer"] for city in path)


def test_adapter_none_is_the_untuned_baseline(tmp_path: Path):
    assert ask(tmp_path, "--adapter", "none")["adapter"] is None
