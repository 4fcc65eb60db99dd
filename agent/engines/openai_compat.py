"""The OpenAI-compatible engine: the scale-out path (vLLM with LoRA adapters, llama-server, llama-cpp-python).

We render our own prompt text (the one tool-call template), so this engine uses the raw *completions* endpoint
(``/v1/completions`` with ``prompt=``), not chat completions, through the ``openai`` client that
langchain-openai is built on. The grammar travels in the request body, in the server's dialect:

- ``grammar_style="llama"`` (default): ``{"grammar": GBNF}`` — llama-server and llama-cpp-python's server;
- ``grammar_style="vllm"``: ``{"structured_outputs": {"grammar": GBNF}}`` — vLLM ≥ 0.12 (xgrammar backend).

With vLLM, the adapter is chosen per request by the name it was served under (``--lora-modules graph=PATH``):
pass that name as ``adapter`` and it becomes the request's ``model``. Prompt-prefix reuse is the server's job
(llama.cpp keeps its slot's cache; vLLM has automatic prefix caching); ``cached_prompt_tokens`` is what the server
reports, else 0.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import httpx
import openai

from agent.engines.base import Generation, GenerationCancelled, StopScanner
from agent.template import TURN_END

GrammarStyle = Literal["llama", "vllm"]


class OpenAIEngine:
    """Streams completions from an OpenAI-compatible server at ``base_url`` (e.g. ``http://127.0.0.1:8000/v1``)."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        adapter: str | None = None,
        *,
        api_key: str = "none",
        grammar_style: GrammarStyle = "llama",
        timeout_s: float = 120.0,
    ) -> None:
        if grammar_style not in ("llama", "vllm"):
            raise ValueError(f"grammar_style must be 'llama' or 'vllm', not {grammar_style!r}")
        self.model_id = model
        self.adapter_id = adapter
        self.base_url = base_url.rstrip("/")
        self.grammar_style = grammar_style
        self._tokenize_path: str | None = None
        self._client = openai.OpenAI(base_url=self.base_url, api_key=api_key, timeout=timeout_s)

    def generate(
        self,
        prompt: str,
        *,
        grammar: str | None = None,
        max_tokens: int = 256,
        stop: Sequence[str] = (TURN_END,),
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        """Generate one turn greedily on the server; see ``agent.engines.base.Engine``."""
        scanner = StopScanner(stop)
        start = time.perf_counter()
        first: float | None = None
        chunks = 0
        usage = None
        stream = self._client.completions.create(
            model=self.adapter_id or self.model_id,
            prompt=prompt,
            max_tokens=max_tokens,
            temperature=0.0,
            stop=list(stop) or None,
            stream=True,
            stream_options={"include_usage": True},
            extra_body=self._extra_body(grammar),
        )
        with stream:
            for chunk in stream:
                if cancel is not None and cancel.is_set():
                    raise GenerationCancelled("generation cancelled")
                usage = chunk.usage or usage
                text = "".join(choice.text or "" for choice in chunk.choices)
                if not text:
                    continue
                chunks += 1
                first = first or time.perf_counter()
                shown = scanner.feed(text)
                if shown and on_token is not None:
                    on_token(shown)
        tail = scanner.finish()
        if tail and on_token is not None:
            on_token(tail)
        end = time.perf_counter()
        first = first or end
        prompt_tokens, completion_tokens, cached = self._counts(usage, prompt, chunks)
        return Generation(scanner.text, prompt_tokens, completion_tokens, cached, first - start, end - first)

    def count_tokens(self, text: str) -> int:
        """Tokens in ``text`` by the server's own tokenizer (vLLM / llama-server ``/tokenize`` or
        llama-cpp-python's ``/extras/tokenize``)."""
        root = self.base_url.removesuffix("/v1")
        attempts = (
            ("/tokenize", {"model": self.model_id, "prompt": text, "content": text}),
            ("/extras/tokenize", {"input": text}),
        )
        for path, body in attempts:
            if self._tokenize_path not in (None, path):
                continue
            response = httpx.post(root + path, json=body, timeout=30.0)
            if response.status_code == 200 and "tokens" in response.json():
                self._tokenize_path = path
                return len(response.json()["tokens"])
        raise RuntimeError(f"the server at {root} offers no tokenize endpoint")

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()

    def _extra_body(self, grammar: str | None) -> dict[str, Any]:
        """Server-specific fields: the grammar, and (llama.cpp) no repeat penalty, so decoding is plain greedy
        like the local engines (llama.cpp servers default to 1.1; vLLM's default is already 1.0)."""
        if self.grammar_style == "vllm":
            return {"structured_outputs": {"grammar": grammar}} if grammar else {}
        return {"repeat_penalty": 1.0} | ({"grammar": grammar} if grammar else {})

    def _counts(self, usage: Any, prompt: str, chunks: int) -> tuple[int, int, int]:
        """(prompt, completion, cached) tokens from the server's usage report, else counted ourselves."""
        if usage is None:
            return self.count_tokens(prompt), chunks, 0
        details = getattr(usage, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", None) or 0
        return usage.prompt_tokens, usage.completion_tokens, cached
