"""The main screen: the conversation, the question input, the side panel, and every chat action.

The agent runs in a thread worker (``_answer``); it only posts messages (``tui.messages``), which the
handlers here turn into widget updates on the UI thread. One question runs at a time: a question asked
while another runs is refused with a message and stays in the input. Esc cancels through
``AgentSession.cancel()``; the session logs the run as interrupted and rolls the conversation memory back.

Feedback goes to the trajectory log: F2/F3 rate the last answer, F4 writes the answer it should have given,
and in blind A/B mode (Ctrl+T) two configurations answer each question side by side, in random order, and the
person's choice is recorded with ``record_comparison``.
"""

from __future__ import annotations

import random
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header

from agent.engines.base import GenerationCancelled
from agent.ingest import QuestionError, check_question
from agent.session import AgentAnswer, AgentSession
from graphs.errors import GraphError
from graphs.sources import GraphSource
from tui.messages import AgentEvent, AgentFailed, AgentFinished, RunDone
from tui.screens.conversation import Conversation, Exchange
from tui.widgets.ab_exchange import CHOICES, ABExchange
from tui.widgets.answer_block import AnswerBlock
from tui.widgets.chat_view import ChatView
from tui.widgets.prompt_input import PromptInput
from tui.widgets.side_panel import SessionFigures, SidePanel, graph_lines

RATING_NOTES = {"correct": "rated good", "incorrect": "rated bad"}


def decode_rate(session: AgentSession, run_id: str) -> float | None:
    """Decode speed of a run (generated tokens per second of decoding), from its model steps in the log."""
    tokens = seconds = 0.0
    for step in session.log.get_run(run_id)["steps"]:
        if step["kind"] == "model":
            tokens += step["data"].get("usage", {}).get("output_tokens", 0)
            seconds += step["data"].get("metadata", {}).get("decode_s", 0.0)
    return tokens / seconds if seconds > 0 and tokens > 1 else None


def error_line(exc: BaseException) -> str:
    """One clear line for an error shown in the chat (never a traceback)."""
    if isinstance(exc, GraphError):
        return exc.message
    text = str(exc).strip().splitlines()
    return text[0] if text and type(exc).__name__ in ("ModelFilesMissing", "AdapterError", "ValueError") else (
        f"{type(exc).__name__}: {text[0] if text else 'no details'}"
    )


class ChatScreen(Screen[None]):
    """Chat with the agent about the active graph."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+n", "new_conversation", "New"),
        Binding("ctrl+o", "load_graph", "Graphs"),
        Binding("f2", "rate('correct')", "Good"),
        Binding("f3", "rate('incorrect')", "Bad"),
        Binding("f4", "correct", "Correct"),
        Binding("ctrl+t", "toggle_ab", "A/B"),
        Binding("ctrl+r", "history", "History"),
        Binding("ctrl+l", "copy_answer", "Copy"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ab_mode = False
        self.running = False
        self.figures = SessionFigures()
        self.conversation = Conversation(self.runtime.active)
        self.history: list[Conversation] = [self.conversation]
        self._blocks: dict[int, AnswerBlock] = {}
        self._slot_configs: list[int] = []
        self._results: dict[int, AgentAnswer] = {}
        self._question = ""
        self._ab: ABExchange | None = None
        self._last: tuple[Exchange, AnswerBlock] | None = None

    @property
    def runtime(self) -> Any:
        return self.app.runtime  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="chat-column"):
                yield ChatView(id="chat")
                yield PromptInput(id="prompt")
            yield SidePanel(id="side")
        yield Footer()

    async def on_mount(self) -> None:
        self._show_graph()
        self._show_model("loading model…")
        self._show_figures()
        self.query_one(PromptInput).focus()
        await self.query_one(ChatView).add_note(self._welcome())
        self._warm_up()

    def _welcome(self) -> str:
        return (f"Ask about {self.runtime.active}, e.g. “How many nodes are there?”, or paste a graph with your "
                "question. Ctrl+O: other graphs · Ctrl+P: every command.")

    @work(thread=True, group="warm-up")
    def _warm_up(self) -> None:
        """Load the chat's engine in the background, so the first answer does not wait for it."""
        try:
            self.runtime.session(0)
        except Exception as exc:  # noqa: BLE001 - shown to the user; the first question reports it again
            self.app.call_from_thread(self._show_model, f"cannot load the model: {error_line(exc)}")
            return
        self.app.call_from_thread(self._show_model)

    # --- asking --------------------------------------------------------------------------------------------
    async def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        await self.ask(message.text)

    async def ask(self, text: str) -> None:
        """Start answering ``text`` (refused with a message while another answer runs or for bad input)."""
        chat = self.query_one(ChatView)
        if self.running:
            self.notify("Still answering the last question: wait, or press Esc to cancel it.", severity="warning")
            return
        if not text.strip():
            return
        try:
            check_question(text, self.runtime.configs[0].max_question_chars)
        except QuestionError as exc:
            await chat.add_note(f"Not sent: {exc}. Your text is still in the input.", "error")
            self.notify(f"Not sent: {exc}", severity="error")
            return
        self.query_one(PromptInput).remember(text)
        await chat.add_question(text)
        configs = random.sample([1, 2], 2) if self.ab_mode else [0]
        if self.ab_mode:
            self._ab = await chat.add_ab()
            self._blocks = dict(enumerate(self._ab.blocks))
        else:
            self._ab = None
            self._blocks = {0: await chat.add_answer()}
        self._slot_configs, self._results, self._question = configs, {}, text
        for block in self._blocks.values():
            block.start_clock()
        self.running = True
        self._show_model()
        self.runtime.cancelled.clear()
        jobs = [(slot, index, self.conversation.threads.get(index)) for slot, index in enumerate(configs)]
        self._answer(text, jobs)

    @work(thread=True, group="agent")
    def _answer(self, question: str, jobs: list[tuple[int, int, str | None]]) -> None:
        """Worker thread: ask each configuration in turn; report through messages only."""
        runtime = self.runtime
        with runtime.lock:
            for slot, index, thread_id in jobs:
                if runtime.cancelled.is_set():
                    self.post_message(AgentFailed(slot, "cancelled before it started", interrupted=True))
                    continue
                self._answer_one(question, slot, index, thread_id)
        self.post_message(RunDone())

    def _answer_one(self, question: str, slot: int, index: int, thread_id: str | None) -> None:
        runtime = self.runtime

        def on_event(event: dict[str, Any]) -> None:
            hit = event["type"] == "tool_result" and runtime.cache is not None and runtime.cache.last_tool_hit
            self.post_message(AgentEvent(slot, event, cache_hit=hit))

        try:
            session = runtime.session(index)
            answer = session.ask(question, thread_id=thread_id, on_event=on_event)
        except (GenerationCancelled, KeyboardInterrupt):
            self.post_message(AgentFailed(slot, "stopped; nothing of it was kept in the conversation", True))
        except Exception as exc:  # noqa: BLE001 - any failure becomes one clear line in the chat
            self.post_message(AgentFailed(slot, error_line(exc)))
        else:
            try:
                rate = decode_rate(session, answer.run_id)
            except (KeyError, TypeError, AttributeError):
                rate = None
            self.post_message(AgentFinished(slot, answer, rate))

    async def on_agent_event(self, message: AgentEvent) -> None:
        block, event = self._blocks.get(message.slot), message.event
        if block is None:
            return
        kind = event["type"]
        if kind == "token":
            await block.add_token(event["text"])
        elif kind == "tool_call":
            await block.add_tool_call(event["id"], event["name"], event.get("args") or {})
        elif kind == "tool_result":
            block.finish_tool(event["id"], event["result"], message.cache_hit)
        elif kind == "invalid_call":
            block.note_invalid_call(event.get("error"))

    async def on_agent_finished(self, message: AgentFinished) -> None:
        answer, index = message.answer, self._slot_configs[message.slot]
        self._results[message.slot] = answer
        self.conversation.threads[index] = answer.thread_id
        self.figures.add(answer, message.decode_tok_s)
        self._show_figures()
        await self._blocks[message.slot].finish(answer, message.decode_tok_s, show_config=not self.ab_mode)

    async def on_agent_failed(self, message: AgentFailed) -> None:
        await self._blocks[message.slot].fail(message.error, message.interrupted)

    async def on_run_done(self, _: RunDone) -> None:
        self.running = False
        self._show_model()
        slots = sorted(self._results)
        if slots:
            exchange = Exchange(self._question, [self._results[s] for s in slots],
                                [self._slot_configs[s] for s in slots])
            self.conversation.exchanges.append(exchange)
            if self._ab is None:
                self._last = (exchange, self._blocks[0])
        if self._ab is not None and len(slots) == 2:
            self._ab.ready()
            return
        if self._ab is not None:
            await self.query_one(ChatView).add_note("One side failed, so this pair cannot be compared.", "error")
        self.query_one(PromptInput).focus()

    def action_cancel(self) -> None:
        """Stop the answer being generated."""
        if self.running:
            self.runtime.cancel()
            self.notify("Cancelling…")

    # --- feedback ------------------------------------------------------------------------------------------
    def action_rate(self, label: str) -> None:
        """Rate the last answer ``correct`` or ``incorrect`` in the trajectory log."""
        last = self._feedback_target()
        if last is not None:
            exchange, block = last
            self.runtime.log.set_human_label(exchange.answers[0].run_id, label)
            block.mark(RATING_NOTES[label])
            self.notify(f"Answer {RATING_NOTES[label]}.")

    def action_correct(self) -> None:
        """Write the answer the agent should have given (the run becomes a chosen/rejected pair)."""
        from tui.screens.correction import CorrectionScreen

        last = self._feedback_target()
        if last is None:
            return
        exchange, block = last

        def save(correction: str | None) -> None:
            if correction:
                self.runtime.log.set_human_label(exchange.answers[0].run_id, "incorrect", correction=correction)
                block.mark("corrected")
                self.notify("Correction saved: it will be a preference pair in `graph-agent feedback export`.")

        self.app.push_screen(CorrectionScreen(exchange.question, exchange.answers[0].answer), save)

    def _feedback_target(self) -> tuple[Exchange, AnswerBlock] | None:
        if self.running:
            self.notify("Wait for the answer to finish first.", severity="warning")
            return None
        if self._last is None:
            message = "Pick 1, 2, t or x under the pair instead." if self.ab_mode else "There is no answer to rate yet."
            self.notify(message, severity="warning")
        return self._last

    @on(ABExchange.Chosen)
    async def record_choice(self, message: ABExchange.Chosen) -> None:
        left, right = self._results[0], self._results[1]
        names = [self.runtime.config_name(self._slot_configs[slot]) for slot in (0, 1)]
        self.runtime.log.record_comparison(self._question, left.run_id, right.run_id, *names, message.choice)
        message.exchange.reveal(f"You chose: {CHOICES[message.choice]}.  1 was {names[0]}, 2 was {names[1]}.")
        self.query_one(PromptInput).focus()

    def action_toggle_ab(self) -> None:
        """Switch blind A/B mode on or off (needs two configurations: --ab-adapter or --ab-engine)."""
        if not self.runtime.ab_available:
            self.notify("Blind A/B needs two configurations: start with --ab-adapter A,B or --ab-engine A,B.",
                        severity="warning")
            return
        if self.running:
            self.notify("Wait for the answer to finish first.", severity="warning")
            return
        self.ab_mode = not self.ab_mode
        self._last = None
        self.sub_title = "blind A/B" if self.ab_mode else ""
        self._show_model()
        self.notify("Blind A/B on: two unlabelled answers per question." if self.ab_mode else "Blind A/B off.")

    def action_copy_answer(self) -> None:
        """Copy the last answer to the clipboard."""
        if self._last is None:
            self.notify("There is no answer to copy yet.", severity="warning")
            return
        self.app.copy_to_clipboard(self._last[0].answers[0].answer)
        self.notify("Answer copied to the clipboard.")

    # --- conversations and graphs --------------------------------------------------------------------------
    async def action_new_conversation(self) -> None:
        """Start a new conversation on the active graph (the old one stays in the history)."""
        if self._refuse_while_running():
            return
        await self._start_conversation(Conversation(self.runtime.active))
        await self.query_one(ChatView).add_note(f"New conversation on {self.runtime.active}.")

    def action_history(self) -> None:
        """Pick a conversation of this session to reopen."""
        from tui.screens.history import HistoryScreen

        if self._refuse_while_running():
            return

        async def reopen(position: int | None) -> None:
            if position is not None:
                await self.reopen(self.history[position])

        self.app.push_screen(HistoryScreen([c.title() for c in self.history]), reopen)

    async def reopen(self, conversation: Conversation) -> None:
        """Show ``conversation`` again and continue it (on its graph)."""
        if conversation.graph != self.runtime.active and conversation.graph in self.runtime.graphs:
            self.runtime.switch_graph(conversation.graph)
            self._show_graph()
        self.conversation, self._last = conversation, None
        chat = self.query_one(ChatView)
        await chat.clear()
        for exchange in conversation.exchanges:
            await chat.add_question(exchange.question)
            for answer in exchange.answers:
                block = await chat.add_answer()
                await block.show_answer(answer)
                self._last = (exchange, block) if len(exchange.answers) == 1 else None

    def action_load_graph(self) -> None:
        """Open the graph dialog: loaded graphs and samples, a file, or a Neo4j database."""
        from tui.screens.load_graph import LoadGraphScreen

        if self._refuse_while_running():
            return
        self.app.push_screen(LoadGraphScreen(), self.use_loaded)

    async def use_loaded(self, result: Any) -> None:
        """Make a dialog's result active: a new ``LoadedGraph`` or the label of one already loaded."""
        if result is None:
            return
        if isinstance(result, str):
            await self.use_graph(result)
            return
        self.runtime.add_graph(result)
        await self._graph_changed()

    async def use_graph(self, label: str) -> None:
        """Switch to the loaded graph ``label``."""
        if self._refuse_while_running():
            return
        if label != self.runtime.active:
            self.runtime.switch_graph(label)
            await self._graph_changed()

    @work(thread=True, group="graph")
    def use_sample(self, name: str) -> None:
        """Load the bundled sample ``name`` and switch to it."""
        from tui.app import LoadedGraph

        opener = self.app.open_graph  # type: ignore[attr-defined]
        try:
            graph = LoadedGraph.open(GraphSource(sample=name), opener, label=name)
        except Exception as exc:  # noqa: BLE001 - shown as one line, the chat stays as it was
            self.app.call_from_thread(self.notify, f"Cannot load {name}: {error_line(exc)}", severity="error")
            return
        self.app.call_from_thread(self.use_loaded, graph)

    async def _graph_changed(self) -> None:
        self._show_graph()
        await self._start_conversation(Conversation(self.runtime.active))
        await self.query_one(ChatView).add_note(f"Now on graph {self.runtime.active}: a new conversation.")

    async def _start_conversation(self, conversation: Conversation) -> None:
        self.history = [c for c in self.history if c.exchanges or c is conversation]
        if conversation not in self.history:
            self.history.append(conversation)
        self.conversation, self._last = conversation, None
        await self.query_one(ChatView).clear()

    def _refuse_while_running(self) -> bool:
        if self.running:
            self.notify("Wait for the answer to finish, or press Esc to cancel it.", severity="warning")
        return self.running

    # --- side panel ----------------------------------------------------------------------------------------
    def _show_graph(self) -> None:
        graph = self.runtime.graph
        self.query_one(SidePanel).show("graph", graph_lines(graph.label, graph.summary))
        self.title = f"graph-agent · {graph.label}"

    def _show_model(self, status: str | None = None) -> None:
        config = self.runtime.configs[0]
        engine = self.runtime.engine_of(0)
        lines = [f"engine  {config.engine}", f"model  {engine.model_id if engine else config.model or 'default'}",
                 f"adapter  {self.runtime.config_name(0)}"]
        if self.runtime.ab_available:
            names = " vs ".join(self.runtime.config_name(i) for i in (1, 2))
            lines.append(f"A/B  {'on' if self.ab_mode else 'off'} ({names})")
        lines.append(status or ("answering…" if self.running else "ready"))
        self.query_one(SidePanel).show("model", lines)

    def _show_figures(self) -> None:
        self.query_one(SidePanel).show("session", self.figures.lines())
