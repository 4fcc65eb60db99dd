"""The engine contract: what every local or remote text generator offers the chat model.

An engine turns one fully rendered prompt (the tool-call template's text) into one model turn, optionally
constrained by a GBNF grammar, streaming each decoded piece and reporting exact token counts and timings. The
chat model, the benchmark and the trajectory log depend only on this module, never on a concrete engine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from agent.template import TURN_END


@dataclass
class Generation:
    """One generated model turn: its text (stop string excluded), exact token counts and timings.

    ``prompt_tokens`` counts the whole prompt; ``cached_prompt_tokens`` of them were reused from the previous
    call's KV cache and not evaluated again. ``prefill_s`` runs until the first generated token exists;
    ``decode_s`` covers every later token.
    """

    text: str
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int
    prefill_s: float
    decode_s: float

    @property
    def prefill_tok_s(self) -> float:
        """Newly evaluated prompt tokens per second of prefill."""
        evaluated = self.prompt_tokens - self.cached_prompt_tokens
        return evaluated / self.prefill_s if self.prefill_s > 0 else 0.0

    @property
    def decode_tok_s(self) -> float:
        """Generated tokens after the first, per second of decode."""
        return (self.completion_tokens - 1) / self.decode_s if self.decode_s > 0 else 0.0


class GenerationCancelled(Exception):
    """Raised by ``Engine.generate`` when its ``cancel`` event was set mid-generation."""


class ModelFilesMissing(Exception):
    """The model or adapter files are not there; the message says how to install or point at them."""


class AdapterError(ValueError):
    """An adapter path that does not exist or is the wrong kind for the chosen engine."""


@runtime_checkable
class Engine(Protocol):
    """A text generator over one base model and at most one adapter."""

    name: str
    model_id: str
    adapter_id: str | None

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
        """Generate one turn greedily after ``prompt``; stream pieces to ``on_token``; honour ``cancel``."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens in ``text`` as this engine tokenizes a prompt (special tokens parsed)."""
        ...

    def close(self) -> None:
        """Free the model."""
        ...


class StopScanner:
    """Cuts a stream of decoded pieces at the first stop string, never emitting part of one.

    ``feed`` returns the text that is safe to show now: anything that could still grow into a stop string is
    held back until the next piece decides it. ``text`` is everything emitted so far.
    """

    def __init__(self, stop: Sequence[str]) -> None:
        self._stop = [s for s in stop if s]
        self._pending = ""
        self.text = ""
        self.stopped = False

    def feed(self, piece: str) -> str:
        """Take one decoded piece; return the newly safe text (empty once stopped)."""
        if self.stopped:
            return ""
        buffer = self._pending + piece
        hits = [i for i in (buffer.find(s) for s in self._stop) if i >= 0]
        if hits:
            self.stopped = True
            self._pending = ""
            return self._emit(buffer[: min(hits)])
        hold = max((k for s in self._stop for k in range(1, len(s)) if buffer.endswith(s[:k])), default=0)
        self._pending = buffer[len(buffer) - hold :]
        return self._emit(buffer[: len(buffer) - hold])

    def finish(self) -> str:
        """End of generation without a stop: release whatever was held back."""
        rest, self._pending = self._pending, ""
        return self._emit(rest)

    def _emit(self, text: str) -> str:
        self.text += text
        return text
