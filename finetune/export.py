"""``graph-agent finetune export``: a trained PEFT adapter as a GGUF LoRA, the form the llama.cpp engine loads.

Why our own writer: llama.cpp's ``convert_lora_to_gguf.py`` is not in the llama-cpp-python package, but the
``gguf`` package has what it needs -- ``GGUFWriter`` and the Hugging Face → GGUF tensor-name map. A LoRA on
Gemma-3's linear projections needs no tensor transformation: each ``lora_A`` (r × in) and ``lora_B`` (out × r)
is written under the base weight's GGUF name with ``.lora_a`` / ``.lora_b``, and llama.cpp scales them by
``adapter.lora.alpha / r`` as PEFT does. rsLoRA, DoRA and adapters on other modules (embeddings, norms) are
refused, not silently mis-exported. The PEFT directory itself (safetensors) is what transformers and vLLM load.
"""

from __future__ import annotations

import json
from pathlib import Path

import gguf
from safetensors.torch import load_file
from transformers import AutoConfig

from finetune.base_model import base_model_dir

GGUF_FILE = "adapter.gguf"
"""The GGUF LoRA's file name inside an adapter directory (what ``agent.model_files`` looks for)."""
_LINEAR = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class ExportError(ValueError):
    """The adapter cannot be exported: not a PEFT LoRA directory, or a LoRA variant llama.cpp cannot apply."""


def export_gguf_lora(adapter_dir: str | Path, out: str | Path | None = None, model: str | None = None) -> Path:
    """Write the PEFT LoRA in ``adapter_dir`` as a GGUF LoRA (default ``adapter_dir/adapter.gguf``) for the base
    model ``model`` (default: the default base model); returns the file's path."""
    adapter_dir = Path(adapter_dir).expanduser()
    config_file, weights_file = adapter_dir / "adapter_config.json", adapter_dir / "adapter_model.safetensors"
    if not config_file.is_file() or not weights_file.is_file():
        raise ExportError(f"{adapter_dir}: not a PEFT adapter directory (adapter_config.json and "
                          "adapter_model.safetensors are needed)")
    config = json.loads(config_file.read_text())
    if config.get("peft_type") != "LORA" or config.get("use_rslora") or config.get("use_dora"):
        raise ExportError(f"{adapter_dir}: only plain LoRA adapters can be exported (no rsLoRA, DoRA or others)")
    base = AutoConfig.from_pretrained(base_model_dir(model)).get_text_config()
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.GEMMA3, base.num_hidden_layers)
    tensors = load_file(weights_file)
    out = Path(out) if out is not None else adapter_dir / GGUF_FILE
    writer = gguf.GGUFWriter(out, gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.GEMMA3])
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(config["lora_alpha"]))
    for key in sorted(k for k in tensors if k.endswith(".lora_A.weight")):
        module = key.removeprefix("base_model.model.").removesuffix(".lora_A.weight")
        target = names.get_name(f"{module}.weight", try_suffixes=(".weight",))
        if target is None or module.rsplit(".", 1)[-1] not in _LINEAR:
            raise ExportError(f"{module}: a LoRA on this module has no GGUF counterpart llama.cpp applies")
        lora_b = tensors[key.replace(".lora_A.", ".lora_B.")]
        writer.add_tensor(f"{target}.lora_a", tensors[key].float().numpy())
        writer.add_tensor(f"{target}.lora_b", lora_b.float().numpy())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out
