"""A blind A/B comparison: two unlabelled answers to one question side by side, and the person's choice.

The screen decides which configuration answers on which side (at random) and reveals it only after the
choice. Buttons and the keys 1, 2, t (tie) and x (both bad) post ``ABExchange.Chosen``; the trajectory log's
choices are ``a`` (left), ``b`` (right), ``tie`` and ``both_bad``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from tui.widgets.answer_block import AnswerBlock

CHOICES = {"a": "1 is better", "b": "2 is better", "tie": "tie", "both_bad": "both bad"}


class ABExchange(Vertical):
    """Two answer blocks (``blocks[0]`` left, ``blocks[1]`` right) and the choice bar."""

    BINDINGS = [
        Binding("1", "choose('a')", "1 better"),
        Binding("2", "choose('b')", "2 better"),
        Binding("t", "choose('tie')", "tie"),
        Binding("x", "choose('both_bad')", "both bad"),
    ]

    class Chosen(Message):
        """The person picked ``choice`` (one of ``CHOICES``)."""

        def __init__(self, exchange: ABExchange, choice: str) -> None:
            super().__init__()
            self.exchange = exchange
            self.choice = choice

    def __init__(self) -> None:
        super().__init__(classes="ab-exchange")
        self.blocks = (AnswerBlock("Answer 1"), AnswerBlock("Answer 2"))
        self.choice: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="ab-answers"):
            yield from self.blocks
        with Horizontal(classes="ab-choices"):
            for choice, label in CHOICES.items():
                yield Button(label, id=f"choose-{choice}", disabled=True, compact=True)
        yield Static("", classes="ab-reveal", markup=False)

    def ready(self) -> None:
        """Both answers are in: enable the choice and take the focus."""
        for button in self.query(Button):
            button.disabled = False
        self.query_one("#choose-a", Button).focus()

    def reveal(self, text: str) -> None:
        """Lock the choice and say which configuration answered where."""
        for button in self.query(Button):
            button.disabled = True
        self.query_one(".ab-reveal", Static).update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose(event.button.id.removeprefix("choose-") if event.button.id else "")

    def action_choose(self, choice: str) -> None:
        """Record ``choice`` once, if the answers are in."""
        if self.choice is None and choice in CHOICES and not self.query_one("#choose-a", Button).disabled:
            self.choice = choice
            self.post_message(self.Chosen(self, choice))
