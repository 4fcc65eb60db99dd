"""One answer in the chat: its tool-call cards, the answer streamed as Markdown, and a status line.

The screen feeds it the agent's events in order (``add_token``, ``add_tool_call``, ``finish_tool``) and ends
it with ``finish`` (the final text replaces the streamed one: a forced or cached answer may differ) or
``fail``.
"""

from __future__ import annotations

from time import perf_counter as clock
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from agent.session import AgentAnswer
from tui.widgets.tool_card import ToolCard


def figures_line(answer: AgentAnswer, decode_tok_s: float | None, show_config: bool) -> str:
    """The status line of a finished answer: latency, decode speed, cache hit, and engine/adapter."""
    parts = [f"{answer.latency_s:.1f} s"]
    if decode_tok_s:
        parts.append(f"{decode_tok_s:.0f} tok/s")
    if answer.cached:
        parts.append("cached answer")
    if show_config:
        parts.append(f"{answer.engine}, adapter {answer.adapter or 'none'}")
    return " · ".join(parts)


class AnswerBlock(Vertical):
    """An answer being generated or done; ``title`` names it ("Agent", or "Answer 1" in blind A/B)."""

    def __init__(self, title: str, **kwargs: Any) -> None:
        super().__init__(classes="answer", **kwargs)
        self.border_title = title
        self.text = ""
        self._cards: dict[str, tuple[ToolCard, float]] = {}
        self._stream: MarkdownStream | None = None
        self._status_text = ""
        self._started = clock()
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Vertical(classes="tool-cards")
        yield Markdown("", classes="answer-text")
        yield Static("thinking… (Esc cancels)", classes="answer-status", markup=False)

    def start_clock(self) -> None:
        """Count the seconds on the status line while the answer is being generated."""
        self._started = clock()
        self._timer = self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        self._set_status(f"thinking… {clock() - self._started:.0f} s (Esc cancels)")

    @property
    def markdown(self) -> Markdown:
        return self.query_one(".answer-text", Markdown)

    async def add_token(self, text: str) -> None:
        """Append a streamed piece of the answer."""
        if self._stream is None:
            self._stream = Markdown.get_stream(self.markdown)
        self.text += text
        await self._stream.write(text)

    async def add_tool_call(self, call_id: str, name: str, args: dict[str, Any]) -> None:
        """A card for a tool call that has just been made."""
        card = ToolCard(name, args)
        self._cards[call_id] = (card, clock())
        await self.query_one(".tool-cards").mount(card)

    def finish_tool(self, call_id: str, result: Any, cache_hit: bool) -> None:
        """The result of an earlier call (ignored if the call is unknown)."""
        if call_id in self._cards:
            card, started = self._cards[call_id]
            card.finish(result, clock() - started, cache_hit)

    def note_invalid_call(self, error: Any) -> None:
        """A malformed tool call the agent fed back to the model."""
        self._set_status(f"malformed tool call, retrying: {error}")

    async def finish(self, answer: AgentAnswer, decode_tok_s: float | None = None, show_config: bool = True) -> None:
        """The run ended: show the final text and its figures (``show_config`` False hides engine and adapter,
        for blind A/B)."""
        await self._stop_stream()
        self.text = answer.answer
        await self.markdown.update(answer.answer)
        self._set_status(figures_line(answer, decode_tok_s, show_config))
        self.add_class("-done")

    async def show_answer(self, answer: AgentAnswer) -> None:
        """Render a finished answer at once (a conversation reopened from the history)."""
        for number, call in enumerate(answer.tool_calls):
            await self.add_tool_call(str(number), call["name"], call.get("args") or {})
            card, _ = self._cards[str(number)]
            card.finish(call.get("result"), None, False)
        await self.finish(answer)

    async def fail(self, message: str, interrupted: bool = False) -> None:
        """The run ended without an answer."""
        await self._stop_stream()
        self._set_status(("cancelled: " if interrupted else "error: ") + message)
        self.add_class("-cancelled" if interrupted else "-error")

    def mark(self, note: str) -> None:
        """Append a note (a rating, a correction) to the status line."""
        self._set_status(f"{self._status_text} · {note}" if self._status_text else note)

    def _set_status(self, text: str) -> None:
        self._status_text = text
        self.query_one(".answer-status", Static).update(text)

    async def _stop_stream(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
