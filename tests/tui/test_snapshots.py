"""Snapshots of the main screens (pytest-textual-snapshot): the chat after an answer, the graph dialog, a
blind A/B pair and a 60x20 terminal. Timings and the cursor's blink are pinned so the pictures only change when
the layout does; ``pytest --snapshot-update tests/tui/test_snapshots.py`` rewrites them after an intended change."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.tui.conftest import PATH_ANSWER, PATH_CALL, ask, wait_until
from tui.screens.load_graph import LoadGraphScreen
from tui.widgets import answer_block
from tui.widgets.prompt_input import PromptInput
from tui.widgets.side_panel import SessionFigures

QUESTION = "What is the shortest route from Oslo to Bergen?"


@pytest.fixture(autouse=True)
def fixed_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answer_block, "clock", lambda: 0.0)
    monkeypatch.setattr(answer_block, "figures_line", lambda answer, rate, show: "1.2 s · 50 tok/s")
    monkeypatch.setattr(SessionFigures, "lines", lambda self: ["questions  1", "p50 latency  1.2 s"])


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt's cursor stays on: a blinking one was drawn or not depending on when the picture was taken
    (the 60x20 snapshot failed in CI with only the cursor missing)."""
    original_init = PromptInput.__init__

    def init_without_blink(self: PromptInput, **kwargs: object) -> None:
        original_init(self, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(PromptInput, "__init__", init_without_blink)


def answered(question: str = QUESTION) -> Any:
    async def run_before(pilot: Any) -> None:
        await ask(pilot, question)
    return run_before


def test_chat_after_an_answer(snap_compare: Any, make_app: Any) -> None:
    app = make_app({"default": [PATH_CALL, PATH_ANSWER]})
    assert snap_compare(app, terminal_size=(120, 36), run_before=answered())


def test_graph_dialog(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LoadGraphScreen))

    assert snap_compare(make_app({"default": []}), terminal_size=(120, 36), run_before=run_before)


def test_blind_ab_pair(snap_compare: Any, make_app: Any) -> None:
    random.seed(1)
    scripts = {"default": [], "none": ["Via Stockholm."], "tuned": [PATH_CALL, PATH_ANSWER]}

    async def run_before(pilot: Any) -> None:
        await pilot.press("ctrl+t")
        await ask(pilot, QUESTION)

    assert snap_compare(make_app(scripts, ab=("none", "tuned")), terminal_size=(140, 36), run_before=run_before)


def test_small_terminal(snap_compare: Any, make_app: Any) -> None:
    app = make_app({"default": [PATH_CALL, PATH_ANSWER]})
    assert snap_compare(app, terminal_size=(60, 20), run_before=answered())
