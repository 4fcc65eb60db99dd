"""Feedback from the chat lands in the trajectory log: ratings, corrections and blind A/B choices; and it
exports as preference pairs (``graph-agent feedback export``)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from agent.trajectory import FILE_NAME
from tests.tui.conftest import PATH_ANSWER, PATH_CALL, ask, wait_until
from tui.cli import main
from tui.screens.correction import CorrectionScreen
from tui.widgets.ab_exchange import ABExchange

pytestmark = pytest.mark.anyio


async def test_f2_and_f3_rate_the_last_answer_in_the_log(make_app: Any) -> None:
    app = make_app({"default": ["Good answer.", "Bad answer."]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "one?")
        await pilot.press("f2")
        await ask(pilot, "two?")
        await pilot.press("f3")
        await pilot.pause()
        labels = [run["human_label"] for run in app.runtime.log.runs()]
        assert labels == ["correct", "incorrect"]


async def test_f4_saves_a_correction_and_it_exports_as_a_pair(make_app: Any, private_dirs: Path,
                                                              tmp_path: Path) -> None:
    app = make_app({"default": [PATH_CALL, "Oslo to Bergen goes through Stockholm."]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "What is the shortest route from Oslo to Bergen?")
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, CorrectionScreen))
        app.screen.query_one("#correction-text").load_text("Oslo and Bergen are directly connected.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, CorrectionScreen))
        [run] = app.runtime.log.runs()
        assert run["human_label"] == "incorrect" and run["correction"] == "Oslo and Bergen are directly connected."
    out = tmp_path / "pairs.jsonl"
    assert main(["feedback", "export", "--out", str(out)]) == 0
    [record] = [json.loads(line) for line in out.read_text().splitlines()]
    # The model's call and its result are kept (the prompt's end); only the answers differ.
    question, call, result = record["prompt"]
    assert question == {"role": "user", "content": "What is the shortest route from Oslo to Bergen?"}
    assert call["tool_calls"][0]["function"]["name"] == "shortest_path" and result["role"] == "tool"
    assert record["chosen"] == [{"role": "assistant", "content": "Oslo and Bergen are directly connected."}]
    assert record["rejected"] == [{"role": "assistant", "content": "Oslo to Bergen goes through Stockholm."}]
    assert record["provenance"]["source"] == "human_correction"


async def test_an_empty_correction_is_refused_and_cancel_changes_nothing(make_app: Any) -> None:
    app = make_app({"default": ["An answer."]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "q?")
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, CorrectionScreen))
        app.screen.query_one("#correction-text").load_text("   ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CorrectionScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.runtime.log.runs()[0]["human_label"] is None


async def test_blind_ab_answers_twice_unlabelled_and_records_the_choice(make_app: Any, tmp_path: Path) -> None:
    random.seed(3)
    scripts = {"default": [], "none": [PATH_CALL, "Base says: via Stockholm."],
               "adapters/tuned": [PATH_CALL, PATH_ANSWER]}
    app = make_app(scripts, ab=("none", "adapters/tuned"))
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("ctrl+t")
        assert app.screen.ab_mode
        await ask(pilot, "What is the shortest route from Oslo to Bergen?")
        exchange = app.screen.query_one(ABExchange)
        texts = [block.text for block in exchange.blocks]
        assert sorted(texts) == sorted(["Base says: via Stockholm.", PATH_ANSWER])
        assert all("adapter" not in str(b.query_one(".answer-status").render()) for b in exchange.blocks)
        tuned_side = "a" if texts[0] == PATH_ANSWER else "b"
        await pilot.press("1" if tuned_side == "a" else "2")
        await pilot.pause()
        [comparison] = app.runtime.log.comparisons()
        assert comparison["choice"] == tuned_side
        configs = {"a": comparison["config_a"], "b": comparison["config_b"]}
        assert configs[tuned_side] == "adapters/tuned" and "base" in configs.values()
        assert "was adapters/tuned" in str(exchange.query_one(".ab-reveal").render())
    out = tmp_path / "ab.jsonl"
    assert main(["feedback", "export", "--out", str(out)]) == 0
    [record] = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["chosen"][-1]["content"] == PATH_ANSWER
    assert record["provenance"]["chosen_config"] == "adapters/tuned"


async def test_ab_mode_without_two_configurations_says_how_to_enable_it(make_app: Any) -> None:
    app = make_app({"default": []})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert not app.screen.ab_mode
        assert any("--ab-adapter" in str(n.message) for n in app._notifications)


def test_feedback_export_without_a_log_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         private_dirs: Path) -> None:
    assert main(["feedback", "export", "--out", str(tmp_path / "x.jsonl")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: no trajectory log at {private_dirs / FILE_NAME}: chat with the agent first"
    )
    assert not (tmp_path / "x.jsonl").exists()
