"""The transformers engine: the reference implementation, the one training matches, and the GPU path.

Loads the base model from a Hugging Face directory (for a GGUF, the safetensors cache ``model_files`` keeps),
applies a PEFT adapter when given, and decodes greedily token by token with a KV cache. The cache of the last
prompt is kept and cropped to the longest common token prefix of the next one, so a repeated system prompt is
evaluated once. Grammars are compiled with xgrammar (the same GBNF text llama.cpp takes) and applied as a token
bitmask on each step's logits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import torch
import xgrammar as xgr
from transformers import AutoModelForCausalLM, AutoTokenizer, DynamicCache

from agent.engines.base import Generation, GenerationCancelled, StopScanner
from agent.model_files import AdapterSource, ModelSource, hf_model_dir
from agent.template import TURN_END


class HFEngine:
    """Greedy generation with transformers (+ PEFT), KV prefix reuse and xgrammar-constrained decoding."""

    name = "hf"

    def __init__(self, model: ModelSource, adapter: AdapterSource | None = None, *, threads: int = 2) -> None:
        self.model_id = model.model_id
        self.adapter_id = adapter.adapter_id if adapter else None
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if self.device.type == "cpu":
            torch.set_num_threads(threads)
        dtype = torch.bfloat16 if self.device.type == "cuda" else torch.float32
        directory = hf_model_dir(model)
        self.tokenizer = AutoTokenizer.from_pretrained(directory)
        self.model = AutoModelForCausalLM.from_pretrained(directory, dtype=dtype).to(self.device)
        if adapter is not None:
            from peft import PeftModel

            self.model = PeftModel.from_pretrained(self.model, adapter.path)
        self.model.eval()
        self._vocab_size = self.model.config.get_text_config().vocab_size
        self.n_ctx: int = self.model.config.get_text_config().max_position_embeddings
        self._compiler: xgr.GrammarCompiler | None = None
        self._grammars: dict[str, xgr.CompiledGrammar] = {}
        self._cache: DynamicCache | None = None
        self._cache_ids: list[int] = []

    def tokenize(self, text: str) -> list[int]:
        """Token ids of a prompt: special tokens parsed, BOS added unless the text starts with it."""
        bos = self.tokenizer.bos_token
        add_bos = not (bos and text.startswith(bos))
        ids = self.tokenizer(text, add_special_tokens=False).input_ids
        return [self.tokenizer.bos_token_id, *ids] if add_bos and self.tokenizer.bos_token_id is not None else ids

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
        """Generate one turn greedily; see ``agent.engines.base.Engine``."""
        ids = self.tokenize(prompt)
        matcher = self._matcher(grammar, stop) if grammar else None
        bitmask = xgr.allocate_token_bitmask(1, self._vocab_size) if matcher else None
        scanner = StopScanner(stop)
        eos = self.tokenizer.eos_token_id
        start = time.perf_counter()
        cached = self._reuse_prefix(ids)
        generated: list[int] = []
        try:
            logits = self._forward(ids[cached:])
            prefill_end = time.perf_counter()
            decoded = ""
            while len(generated) < max_tokens:
                if cancel is not None and cancel.is_set():
                    raise GenerationCancelled("generation cancelled")
                if matcher is not None:
                    matcher.fill_next_token_bitmask(bitmask)
                    xgr.apply_token_bitmask_inplace(logits, bitmask.to(logits.device), vocab_size=self._vocab_size)
                token = int(torch.argmax(logits[0]))
                generated.append(token)
                if token == eos:
                    break
                if matcher is not None:
                    matcher.accept_token(token)
                decoded = self._stream(generated, decoded, scanner, on_token)
                if scanner.stopped or (matcher is not None and matcher.is_terminated()):
                    break
                logits = self._forward([token])
        except BaseException:
            self._drop_cache()
            raise
        tail = scanner.finish()
        if tail and on_token is not None:
            on_token(tail)
        self._cache_ids = (ids + generated)[: self._cache.get_seq_length()]
        end = time.perf_counter()
        return Generation(scanner.text, len(ids), len(generated), cached, prefill_end - start, end - prefill_end)

    def _stream(
        self, generated: list[int], decoded: str, scanner: StopScanner, on_token: Callable[[str], None] | None
    ) -> str:
        """Detokenize the whole output (pieces of a multi-byte character wait for the rest); stream the news."""
        text = self.tokenizer.decode(generated, skip_special_tokens=False)
        if text.endswith("\ufffd"):
            return decoded
        shown = scanner.feed(text[len(decoded) :])
        if shown and on_token is not None:
            on_token(shown)
        return text

    def close(self) -> None:
        """Drop the model and its cache."""
        self._drop_cache()
        self.model = None
        if self.device.type == "cuda":
            torch.cuda.empty_cache()

    def _reuse_prefix(self, ids: list[int]) -> int:
        """Crop the kept KV cache to the common prefix with ``ids`` (at least one token left to evaluate)."""
        common = 0
        limit = min(len(ids) - 1, len(self._cache_ids))
        while common < limit and ids[common] == self._cache_ids[common]:
            common += 1
        if self._cache is None or common == 0:
            self._cache = DynamicCache()
            return 0
        surplus = self._cache.get_seq_length() - common
        if surplus > 0:
            self._cache.crop(-surplus)
        return common

    @torch.inference_mode()
    def _forward(self, ids: list[int]) -> torch.Tensor:
        """Evaluate ``ids`` after the cached ones; the next-token logits (float32, shape 1 × vocab)."""
        input_ids = torch.tensor([ids], device=self.device)
        out = self.model(input_ids=input_ids, past_key_values=self._cache, use_cache=True, logits_to_keep=1)
        return out.logits[:, -1, :].float()

    def _drop_cache(self) -> None:
        self._cache = None
        self._cache_ids = []

    def _matcher(self, grammar: str, stop: Sequence[str]) -> xgr.GrammarMatcher:
        """A fresh matcher for ``grammar`` (compiled once per text); single-token stop strings end it."""
        if self._compiler is None:
            info = xgr.TokenizerInfo.from_huggingface(self.tokenizer, vocab_size=self._vocab_size)
            self._compiler = xgr.GrammarCompiler(info, max_threads=2)
        compiled = self._grammars.get(grammar)
        if compiled is None:
            compiled = self._grammars[grammar] = self._compiler.compile_grammar(grammar)
        encoded = (self.tokenizer(s, add_special_tokens=False).input_ids for s in stop)
        stop_ids = [ids[0] for ids in encoded if len(ids) == 1]
        if self.tokenizer.eos_token_id is not None:
            stop_ids.append(self.tokenizer.eos_token_id)
        return xgr.GrammarMatcher(compiled, override_stop_tokens=stop_ids)
