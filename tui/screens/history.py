"""The history dialog (Ctrl+R): the conversations of this session, to reopen one and continue it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList


class HistoryScreen(ModalScreen[int | None]):
    """Returns the position of the chosen conversation, or None."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, titles: list[str]) -> None:
        super().__init__()
        self.titles = titles

    def compose(self) -> ComposeResult:
        with Vertical(id="history", classes="dialog"):
            yield Label("Conversations of this session", classes="dialog-title")
            yield OptionList(*self.titles, id="history-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = len(self.titles) - 1 if self.titles else None
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_close(self) -> None:
        self.dismiss(None)
