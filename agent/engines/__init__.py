"""Chat-model engines behind one interface, and ``make_engine`` to build one from command-line style names.

``llamacpp`` (default, CPU serving), ``hf`` (transformers + PEFT: the reference and GPU path) and ``openai`` (any
OpenAI-compatible completions server). Engine modules are imported only when built, so choosing one never pays
for the others' imports.
"""

from __future__ import annotations

import os
from typing import Any

from agent.engines.base import AdapterError, Engine, Generation, GenerationCancelled, ModelFilesMissing

ENGINES = ("llamacpp", "hf", "openai")
DEFAULT_SERVED_MODEL = "gemma-3-270m-q4_k_m"
"""The model name the OpenAI engine asks for when none is given (serve the base under this name)."""

__all__ = [
    "ENGINES",
    "AdapterError",
    "Engine",
    "Generation",
    "GenerationCancelled",
    "ModelFilesMissing",
    "make_engine",
]


def make_engine(name: str = "llamacpp", model: str | None = None, adapter: str | None = None, **options: Any) -> Engine:
    """Build an engine.

    ``model``: a GGUF file or a local HF model directory (``None``: the default Gemma-3-270M); for ``openai``,
    the served model name. ``adapter``: ``none``/``None``, ``default`` (the shipped adapter if any), a PEFT
    directory (``hf``), a GGUF LoRA file or a directory holding one (``llamacpp``); for ``openai``, the name
    the server serves the adapter under. ``options`` go to the engine (``n_ctx``, ``threads``; ``base_url``,
    ``api_key``, ``grammar_style`` for ``openai``, where ``base_url`` defaults to ``$OPENAI_BASE_URL``).
    """
    from agent.model_files import resolve_adapter, resolve_model

    if name == "llamacpp":
        from agent.engines.llamacpp import LlamaCppEngine

        return LlamaCppEngine(resolve_model(model), resolve_adapter(adapter, "llamacpp"), **options)
    if name == "hf":
        from agent.engines.hf import HFEngine

        return HFEngine(resolve_model(model), resolve_adapter(adapter, "hf"), **options)
    if name == "openai":
        from agent.engines.openai_compat import OpenAIEngine

        base_url = options.pop("base_url", None) or os.environ.get("OPENAI_BASE_URL")
        if not base_url:
            raise ValueError("the openai engine needs a server: pass base_url=... or set OPENAI_BASE_URL")
        served_adapter = None if adapter in (None, "none") else adapter
        return OpenAIEngine(base_url, model or DEFAULT_SERVED_MODEL, served_adapter, **options)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
