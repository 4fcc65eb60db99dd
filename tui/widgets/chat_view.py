"""The scrolling conversation: questions, answers (single or blind A/B pairs) and short notes."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widgets import Static

from tui.widgets.ab_exchange import ABExchange
from tui.widgets.answer_block import AnswerBlock

SHOWN_QUESTION_CHARS = 1500
"""A pasted question longer than this is shown cut, with the count of characters left out."""


def shorten(text: str, limit: int = SHOWN_QUESTION_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… ({len(text) - limit:,} more characters)"


class ChatView(VerticalScroll):
    """Append-only view of one conversation; ``clear`` starts an empty one. Once the conversation is taller
    than the view it follows a streaming answer to the bottom until the user scrolls up; every new entry
    brings it back to the bottom."""

    def watch_virtual_size(self, size: Size) -> None:
        # Textual's anchor pins the last line to the bottom edge, so a short conversation would hang at the
        # bottom of an empty view: anchor only once it overflows.
        view_height = self.container_size.height
        if view_height and size.height > view_height and not self.is_anchored:
            self.anchor()

    async def add_question(self, text: str) -> None:
        """Show the user's question."""
        await self._append(Static(shorten(text), classes="question", markup=False))

    async def add_answer(self, title: str = "Agent") -> AnswerBlock:
        """An empty answer block that the agent's events will fill."""
        block = AnswerBlock(title)
        await self._append(block)
        return block

    async def add_ab(self) -> ABExchange:
        """An empty blind A/B pair."""
        exchange = ABExchange()
        await self._append(exchange)
        return exchange

    async def add_note(self, text: str, kind: str = "info") -> None:
        """A one-line note from the app (graph switched, bad input, ...); ``kind`` is ``info`` or ``error``."""
        await self._append(Static(text, classes=f"note -{kind}", markup=False))

    async def clear(self) -> None:
        """Remove everything (a new conversation)."""
        await self.remove_children()
        self.anchor(False)

    async def _append(self, widget: Static | AnswerBlock | ABExchange) -> None:
        await self.mount(widget)
        self.scroll_end(animate=False, immediate=True)
