"""``graph-agent finetune export``: a PEFT LoRA on the real base model, written as a GGUF LoRA, changes llama.cpp's
logits as PEFT changes transformers' (same tensors, names, orientation and alpha/r scale), and the llama.cpp
engine loads the adapter directory; adapters llama.cpp cannot apply are refused."""

from __future__ import annotations

import json
from pathlib import Path

import llama_cpp
import numpy as np
import pytest
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

from agent.engines import make_engine
from agent.model_files import default_gguf
from finetune.base_model import base_model_dir
from finetune.export import GGUF_FILE, ExportError, export_gguf_lora
from tui.cli import main

TEXT = "Graphs are everywhere. In mathematics, a graph"


@pytest.fixture(scope="module")
def random_lora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """A LoRA (r=8, all linear projections) with random A and B on the real base model, and how it moves the
    next-token logits in transformers."""
    out = tmp_path_factory.mktemp("lora")
    directory = base_model_dir()
    ids = torch.tensor([AutoTokenizer.from_pretrained(directory)(TEXT).input_ids])
    torch.manual_seed(0)
    model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32),
        LoraConfig(r=8, lora_alpha=16, target_modules="all-linear", init_lora_weights=False),
    )
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_" in name:
                parameter.mul_(0.5)
        tuned = model(ids).logits[0, -1].numpy()
        with model.disable_adapter():
            base = model(ids).logits[0, -1].numpy()
    model.save_pretrained(out)
    return out, tuned - base


def llama_logits(ids: list[int], lora: Path | None) -> np.ndarray:
    model = llama_cpp.Llama(model_path=str(default_gguf()), lora_path=str(lora) if lora else None, n_ctx=128,
                            logits_all=True, verbose=False)
    model.eval(ids)
    return np.array(model.scores[model.n_tokens - 1])


def test_the_gguf_lora_moves_llama_cpp_logits_as_peft_moves_transformers(random_lora: tuple[Path, np.ndarray]) -> None:
    adapter, peft_shift = random_lora
    assert main(["finetune", "export", str(adapter)]) == 0
    exported = adapter / GGUF_FILE
    ids = AutoTokenizer.from_pretrained(base_model_dir())(TEXT).input_ids
    llama_shift = llama_logits(ids, exported) - llama_logits(ids, None)
    assert np.corrcoef(peft_shift, llama_shift)[0, 1] > 0.98
    assert 0.8 < np.linalg.norm(llama_shift) / np.linalg.norm(peft_shift) < 1.25


def test_the_llama_cpp_engine_loads_the_exported_adapter_directory(random_lora: tuple[Path, np.ndarray]) -> None:
    adapter, _ = random_lora
    if not (adapter / GGUF_FILE).is_file():
        export_gguf_lora(adapter)
    engine = make_engine("llamacpp", adapter=str(adapter))
    try:
        assert engine.adapter_id and engine.adapter_id.startswith(adapter.name)
        assert engine.generate("Hello", max_tokens=2).completion_tokens >= 1
    finally:
        engine.close()


def test_adapters_llama_cpp_cannot_apply_are_refused(random_lora: tuple[Path, np.ndarray], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ExportError, match="not a PEFT adapter directory"):
        export_gguf_lora(tmp_path)
    adapter, _ = random_lora
    dora = tmp_path / "dora"
    dora.mkdir()
    config = json.loads((adapter / "adapter_config.json").read_text())
    (dora / "adapter_config.json").write_text(json.dumps({**config, "use_dora": True}))
    (dora / "adapter_model.safetensors").write_bytes((adapter / "adapter_model.safetensors").read_bytes())
    assert main(["finetune", "export", str(dora)]) == 2
    assert "only plain LoRA" in capsys.readouterr().err
