"""A scripted stand-in for an ``Engine``: replays preset model turns, for unit tests of the agent's logic.

It records every prompt, grammar, token budget and stop list it is given and streams each reply in small
pieces through ``on_token``, honouring ``cancel`` like a real engine. The real engines are exercised by the
model tests, never only this.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from agent.engines.base import Generation, GenerationCancelled

Reply = str | BaseException | Callable[[str], str]


class ScriptedEngine:
    """Returns ``replies`` in order (a string, an exception to raise, or a function of the prompt)."""

    name = "scripted"
    model_id = "scripted-model"

    def __init__(self, replies: Sequence[Reply], adapter_id: str | None = None) -> None:
        self.replies = list(replies)
        self.adapter_id = adapter_id
        self.prompts: list[str] = []
        self.grammars: list[str | None] = []
        self.budgets: list[int] = []
        self.stops: list[list[str]] = []
        self.closed = False

    def generate(
        self,
        prompt: str,
        *,
        grammar: str | None = None,
        max_tokens: int = 256,
        stop: Sequence[str] = (),
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        self.prompts.append(prompt)
        self.grammars.append(grammar)
        self.budgets.append(max_tokens)
        self.stops.append(list(stop))
        if not self.replies:
            raise AssertionError("the scripted engine ran out of replies")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        text = reply(prompt) if callable(reply) else reply
        pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
        for piece in pieces:
            if cancel is not None and cancel.is_set():
                raise GenerationCancelled("cancelled")
            if on_token is not None:
                on_token(piece)
        return Generation(text, len(prompt) // 4, len(pieces), 0, 0.001, 0.002)

    def count_tokens(self, text: str) -> int:
        return len(text) // 4

    def close(self) -> None:
        self.closed = True
