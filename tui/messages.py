"""Messages the chat UI posts to itself: agent events from the worker thread, and the end of a run.

The agent runs in a thread worker; it never touches a widget. It posts these messages (``post_message`` is
thread-safe) and the screen updates the widgets on the UI thread. ``slot`` says which answer they belong to:
``0`` in the normal chat, ``0`` or ``1`` for the two sides of a blind A/B comparison.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from agent.session import AgentAnswer


class AgentEvent(Message):
    """One streaming event of ``AgentSession.ask`` (a token, a tool call or result, a cache hit...)."""

    def __init__(self, slot: int, event: dict[str, Any], cache_hit: bool = False) -> None:
        super().__init__()
        self.slot = slot
        self.event = event
        self.cache_hit = cache_hit
        """For a ``tool_result``: the result came from the tool-result cache."""


class AgentFinished(Message):
    """A run ended with an answer."""

    def __init__(self, slot: int, answer: AgentAnswer, decode_tok_s: float | None) -> None:
        super().__init__()
        self.slot = slot
        self.answer = answer
        self.decode_tok_s = decode_tok_s


class AgentFailed(Message):
    """A run ended without an answer: cancelled (``interrupted``) or an error shown as one clear line."""

    def __init__(self, slot: int, error: str, interrupted: bool = False) -> None:
        super().__init__()
        self.slot = slot
        self.error = error
        self.interrupted = interrupted


class RunDone(Message):
    """Every slot of the question has finished (the input accepts a new question)."""
