"""The llama.cpp engine (llama-cpp-python): the default for serving on CPU.

One ``Llama`` instance per engine keeps its KV cache between calls; each prompt evaluates only the tokens after
the longest common prefix with what the cache holds, so the system prompt is prefilled once per session. The
SWA cache is kept full-size (``swa_full``) because Gemma-3's sliding-window layers otherwise cannot roll back to
an earlier position. Decoding is greedy (or, with a ``temperature``, sampled from the likeliest allowed tokens:
for on-policy preference pairs), written out token by token so that cancellation, timings and grammar handling
are ours. The prompt is evaluated in chunks of ``PREFILL_CHUNK`` tokens, so a cancel (Esc in the chat) also
stops a long prefill (a pasted graph of 2,000 tokens takes seconds here) within one chunk:

A llama.cpp grammar applied to the full 262k-token vocabulary costs 25–85 ms per token here (decoding itself is
~20 ms), so the grammar is consulted lazily and exactly: the unconstrained argmax is checked alone first; if the
grammar rejects it, the top 64 candidates are checked; only if none of those is allowed is the whole vocabulary
filtered. The best allowed token among the highest-logit candidates is the grammar-constrained argmax, so the
result is identical to full filtering at a fraction of the cost.
"""

from __future__ import annotations

import codecs
import ctypes
import threading
import time
from collections.abc import Callable, Sequence

import llama_cpp
import numpy as np
from llama_cpp._internals import LlamaTokenDataArray
from llama_cpp._utils import suppress_stdout_stderr

from agent.engines.base import Generation, GenerationCancelled, ModelFilesMissing, StopScanner
from agent.model_files import AdapterSource, ModelSource
from agent.template import TURN_END

_CANDIDATE_TIERS = (1, 64)
PREFILL_CHUNK = 128
"""Prompt tokens evaluated between two checks of the cancel event."""
SAMPLE_TOP_K = 40
"""With a temperature, the next token is drawn from the 40 likeliest the grammar allows."""


class _Grammar:
    """A parsed llama.cpp grammar sampler that filters candidate logits and follows accepted tokens."""

    def __init__(self, vocab: llama_cpp.llama_vocab_p, text: str) -> None:
        self._sampler = llama_cpp.llama_sampler_init_grammar(vocab, text.encode(), b"root")
        if not self._sampler:
            raise ValueError("llama.cpp could not parse the grammar (see its log on stderr)")

    def allowed(self, ids: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """``logits`` of candidate ``ids`` with the grammar applied (-inf where not allowed)."""
        data = (llama_cpp.llama_token_data * len(ids))(
            *(llama_cpp.llama_token_data(int(i), float(v), 0.0) for i, v in zip(ids, logits, strict=True))
        )
        array = llama_cpp.llama_token_data_array(
            data=ctypes.cast(data, llama_cpp.llama_token_data_p), size=len(ids), selected=-1, sorted=False
        )
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(array))
        return np.array([d.logit for d in data], dtype=np.float32)

    def allowed_all(self, candidates: LlamaTokenDataArray, logits: np.ndarray) -> np.ndarray:
        """All logits with the grammar applied."""
        candidates.copy_logits(logits)
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(candidates.candidates))
        return candidates.candidates_data.logit

    def accept(self, token: int) -> None:
        llama_cpp.llama_sampler_accept(self._sampler, token)

    def reset(self) -> None:
        llama_cpp.llama_sampler_reset(self._sampler)

    def __del__(self) -> None:
        if getattr(self, "_sampler", None):
            llama_cpp.llama_sampler_free(self._sampler)


class LlamaCppEngine:
    """Greedy generation with llama.cpp: GGUF base + optional GGUF LoRA, prefix KV reuse, lazy grammar."""

    name = "llamacpp"

    def __init__(
        self,
        model: ModelSource,
        adapter: AdapterSource | None = None,
        *,
        n_ctx: int = 4096,
        threads: int = 2,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> None:
        if temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {temperature}")
        if model.kind != "gguf":
            raise ModelFilesMissing(
                f"the llama.cpp engine needs a GGUF file, and {model.path} is a Hugging Face directory; "
                "pass a .gguf with --model or use --engine hf"
            )
        self.model_id = model.model_id
        self.adapter_id = adapter.adapter_id if adapter else None
        self.n_ctx = n_ctx
        self.temperature = temperature
        self._rng = np.random.default_rng(seed)
        with suppress_stdout_stderr(disable=False):  # llama.cpp logs its KV-cache setup even with verbose=False
            self._llama = llama_cpp.Llama(
                model_path=str(model.path),
                lora_path=str(adapter.path) if adapter else None,
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                swa_full=True,
                verbose=False,
            )
        self._vocab = llama_cpp.llama_model_get_vocab(self._llama._model.model)
        self._n_vocab = self._llama.n_vocab()
        self._candidates = LlamaTokenDataArray(n_vocab=self._n_vocab)
        self._grammars: dict[str, _Grammar] = {}

    def tokenize(self, text: str) -> list[int]:
        """Token ids of a prompt: special tokens parsed, BOS added unless the text starts with it."""
        ids = self._llama.tokenize(text.encode(), add_bos=True, special=True)
        bos = self._llama.token_bos()
        return ids[1:] if len(ids) > 1 and ids[0] == ids[1] == bos else ids

    def count_tokens(self, text: str) -> int:
        """Tokens in ``text`` as a prompt (BOS included)."""
        return len(self.tokenize(text))

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
        """Generate one turn (greedily unless the engine has a temperature); see ``agent.engines.base.Engine``."""
        ids = self.tokenize(prompt)
        if len(ids) + max_tokens > self.n_ctx:
            raise ValueError(f"prompt of {len(ids)} tokens + {max_tokens} new ones exceeds the context of {self.n_ctx}")
        constraint = self._grammar(grammar) if grammar else None
        scanner = StopScanner(stop)
        utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        start = time.perf_counter()
        cached = self._reuse_prefix(ids)
        generated = 0
        try:
            for chunk_start in range(cached, len(ids), PREFILL_CHUNK):
                if cancel is not None and cancel.is_set():
                    raise GenerationCancelled("generation cancelled")
                self._llama.eval(ids[chunk_start:chunk_start + PREFILL_CHUNK])
            prefill_end = time.perf_counter()
            while generated < max_tokens:
                if cancel is not None and cancel.is_set():
                    raise GenerationCancelled("generation cancelled")
                token = self._next_token(constraint)
                generated += 1
                if llama_cpp.llama_vocab_is_eog(self._vocab, token):
                    break
                if constraint is not None:
                    constraint.accept(token)
                shown = scanner.feed(utf8.decode(self._llama.detokenize([token], special=True)))
                if shown and on_token is not None:
                    on_token(shown)
                if scanner.stopped:
                    break
                self._llama.eval([token])
        except GenerationCancelled:
            raise
        except BaseException:
            self._llama.reset()  # an eval cut short leaves the cache and our token record out of step
            raise
        tail = scanner.feed(utf8.decode(b"", final=True)) + scanner.finish()
        if tail and on_token is not None:
            on_token(tail)
        end = time.perf_counter()
        return Generation(scanner.text, len(ids), generated, cached, prefill_end - start, end - prefill_end)

    def close(self) -> None:
        """Free the model and its context."""
        self._grammars.clear()
        self._llama.close()

    def _reuse_prefix(self, ids: list[int]) -> int:
        """Keep the cached tokens shared with ``ids`` (at least one token left to evaluate); drop the rest."""
        llama = self._llama
        common = 0
        limit = min(len(ids) - 1, llama.n_tokens)
        cached_ids = llama.input_ids
        while common < limit and ids[common] == cached_ids[common]:
            common += 1
        if common > 0 and llama._ctx.kv_cache_seq_rm(-1, common, -1):
            llama.n_tokens = common
            return common
        llama.reset()
        return 0

    def _next_token(self, constraint: _Grammar | None) -> int:
        """The greedy next token, under the grammar if there is one (exact; see the module docstring)."""
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self._llama._ctx.ctx, -1), shape=(self._n_vocab,))
        if self.temperature > 0:
            return self._sampled_token(logits, constraint)
        if constraint is None:
            return int(np.argmax(logits))
        for k in _CANDIDATE_TIERS:
            top = np.array([np.argmax(logits)]) if k == 1 else np.argpartition(logits, -k)[-k:]
            filtered = constraint.allowed(top, logits[top])
            if np.isfinite(filtered).any():
                return int(top[np.argmax(filtered)])
        return int(np.argmax(constraint.allowed_all(self._candidates, logits)))

    def _sampled_token(self, logits: np.ndarray, constraint: _Grammar | None) -> int:
        """A token drawn from the softmax at ``temperature`` over the ``SAMPLE_TOP_K`` likeliest allowed ones."""
        top = np.argpartition(logits, -SAMPLE_TOP_K)[-SAMPLE_TOP_K:]
        scores = logits[top] if constraint is None else constraint.allowed(top, logits[top])
        if not np.isfinite(scores).any():
            allowed = np.asarray(constraint.allowed_all(self._candidates, logits))  # type: ignore[union-attr]
            top = np.argpartition(allowed, -SAMPLE_TOP_K)[-SAMPLE_TOP_K:]
            scores = allowed[top]
        scores = (scores - scores[np.isfinite(scores)].max()) / self.temperature
        weights = np.where(np.isfinite(scores), np.exp(scores), 0.0)
        return int(self._rng.choice(top, p=weights / weights.sum()))

    def _grammar(self, text: str) -> _Grammar:
        """The grammar sampler for ``text``, parsed once and reset for each generation."""
        grammar = self._grammars.get(text)
        if grammar is None:
            grammar = self._grammars[text] = _Grammar(self._vocab, text)
        grammar.reset()
        return grammar
