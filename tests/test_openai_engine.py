"""The OpenAI-compatible engine end to end against a real server: llama-cpp-python's, on a free loopback port,
serving the default model (started once for the module, stopped by its pid)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from agent.engines import Engine, GenerationCancelled, make_engine
from agent.model_files import resolve_model

PROMPT = "<start_of_turn>user\nIs Oslo in Norway?<end_of_turn>\n<start_of_turn>model\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(resolve_model(None).path)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {process.returncode}")
            try:
                if httpx.get(url + "/v1/models", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not come up within 60 s")
            time.sleep(0.2)
        yield url + "/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def engine(server_url: str) -> Iterator[Engine]:
    built = make_engine("openai", base_url=server_url)
    yield built
    built.close()


def test_streams_a_greedy_completion_with_token_counts(engine: Engine) -> None:
    engine.generate(PROMPT, max_tokens=8)  # the server's first, cold evaluation may break near-ties differently
    pieces: list[str] = []
    first = engine.generate(PROMPT, max_tokens=8, on_token=pieces.append)
    assert first.text and "".join(pieces) == first.text
    assert 0 < first.completion_tokens <= 8
    assert first.prompt_tokens == engine.count_tokens(PROMPT) > 5
    assert engine.generate(PROMPT, max_tokens=8).text == first.text


def test_the_grammar_reaches_the_server_and_forces_the_output(engine: Engine) -> None:
    for prompt in (PROMPT, PROMPT.replace("Is Oslo in Norway?", "Write a poem.")):
        assert engine.generate(prompt, grammar='root ::= "yes" | "no"').text in {"yes", "no"}


def test_cancel_stops_the_stream(engine: Engine) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(GenerationCancelled):
        engine.generate(PROMPT, max_tokens=32, cancel=cancel)


def test_ids_name_the_served_model_and_adapter(server_url: str) -> None:
    with_adapter = make_engine("openai", model="gemma", adapter="graph", base_url=server_url)
    assert (with_adapter.name, with_adapter.model_id, with_adapter.adapter_id) == ("openai", "gemma", "graph")
    with_adapter.close()
    assert make_engine("openai", adapter="none", base_url=server_url).adapter_id is None
