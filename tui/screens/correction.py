"""The correction dialog (F4): write the answer the agent should have given to the last question.

Saved corrections mark the run ``incorrect`` with the text as its ``correction``; the export turns them into
chosen/rejected pairs for DPO.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from tui.widgets.chat_view import shorten


class CorrectionScreen(ModalScreen[str | None]):
    """Returns the corrected answer, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, question: str, answer: str) -> None:
        super().__init__()
        self.question = question
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Vertical(id="correction", classes="dialog"):
            yield Label("Write the answer it should have given", classes="dialog-title")
            yield Static(shorten(self.question, 300), classes="dialog-question", markup=False)
            yield TextArea(self.answer, id="correction-text", soft_wrap=True)
            yield Static("", id="correction-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (Ctrl+S)", id="correction-save", variant="primary")
                yield Button("Cancel (Esc)", id="correction-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "correction-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Return the text, unless it is empty or unchanged."""
        text = self.query_one(TextArea).text.strip()
        if not text or text == self.answer.strip():
            self.query_one("#correction-status", Static).update("Write the corrected answer first.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
