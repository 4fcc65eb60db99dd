"""The question input: a multi-line ``TextArea`` where Enter sends, Ctrl+J adds a line, and Up/Down walk the
history of questions (from the first/last line). Pastes keep their newlines (a graph written in the
question)."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea


class PromptInput(TextArea):
    """Posts ``PromptInput.Submitted`` on Enter; the text stays until the screen accepts the question."""

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs: object) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus", **kwargs)  # type: ignore[arg-type]
        self.placeholder = "Ask about the graph…  Enter sends · Ctrl+J new line · ↑ history"
        self.questions: list[str] = []
        self._browsing: int | None = None

    def remember(self, text: str) -> None:
        """Add an accepted question to the history and clear the input."""
        if text and (not self.questions or self.questions[-1] != text):
            self.questions.append(text)
        self._browsing = None
        self.clear()

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self.text))
        elif event.key == "ctrl+j":
            event.stop()
            event.prevent_default()
            self.insert("\n")
        elif event.key == "up" and self.cursor_location[0] == 0 and self.questions:
            event.stop()
            event.prevent_default()
            self._walk(-1)
        elif event.key == "down" and self._browsing is not None and self._on_last_line():
            event.stop()
            event.prevent_default()
            self._walk(1)
        else:
            await super()._on_key(event)

    def _on_last_line(self) -> bool:
        return self.cursor_location[0] == self.document.line_count - 1

    def _walk(self, step: int) -> None:
        index = (len(self.questions) if self._browsing is None else self._browsing) + step
        if index >= len(self.questions):
            self._browsing = None
            self.clear()
            return
        self._browsing = max(index, 0)
        self.load_text(self.questions[self._browsing])
        self.move_cursor(self.document.end)
