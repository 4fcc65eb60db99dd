"""The model and tokenizer that training starts from, set up to speak exactly the agent's template.

Why here: SFT, DPO, the train benchmark and the adapter export must all load the same weights the serving engines
load -- by default the dequantized Gemma-3-270M that ``agent.model_files`` caches as safetensors -- and the
tokenizer must carry ``agent.template.CHAT_TEMPLATE``, so that TRL renders training rows into the very text the
agent sends to the model. On a GPU the weights load in bf16; on CPU they stay fp32, and ``bf16`` training there
means autocast (bf16 matmuls on fp32 weights), which CPUs with AVX512-BF16 or AMX run about twice as fast.
"""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from agent.model_files import hf_model_dir, resolve_model
from agent.template import CHAT_TEMPLATE


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bf16 natively (AVX512-BF16 or AMX), so bf16 autocast speeds training up."""
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


def base_model_dir(model: str | None = None) -> Path:
    """The Hugging Face directory of ``model`` (a GGUF file or HF directory; None: the default base model),
    dequantizing a GGUF into the cache on first use."""
    return hf_model_dir(resolve_model(model))


def load_tokenizer(model: str | None = None) -> PreTrainedTokenizerBase:
    """The base model's tokenizer with the agent's chat template."""
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir(model))
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def load_model(model: str | None = None, *, bf16: bool = False) -> PreTrainedModel:
    """The base model for training: bf16 weights when ``bf16`` on a GPU, else fp32; eager attention, which
    Gemma-3 recommends for training."""
    dtype = torch.bfloat16 if bf16 and torch.cuda.is_available() else torch.float32
    return AutoModelForCausalLM.from_pretrained(base_model_dir(model), dtype=dtype, attn_implementation="eager")
