"""Fixtures for the chat UI tests: private data and cache dirs, and apps driven by scripted engines.

``make_app`` builds a ``GraphAgentApp`` on the bundled sample ``nordic_roads`` whose engines are
``tests.scripted_engine.ScriptedEngine`` instances replaying the given model turns, keyed by adapter name
(``"default"`` is the chat's own configuration; ``--ab-adapter`` style names for the A/B pair).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from agent.context import AgentConfig
from graphs.sources import GraphSource, open_backend
from tests.scripted_engine import ScriptedEngine
from tui.app import GraphAgentApp, LoadedGraph

PATH_CALL = '<call>shortest_path {"source":"Oslo","target":"Bergen"}</call>'
PATH_ANSWER = "The shortest route from Oslo to Bergen is **direct**: Oslo → Bergen."


@pytest.fixture
def anyio_backend() -> str:
    """The async tests (``pytest.mark.anyio``) run on asyncio, Textual's loop."""
    return "asyncio"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Data (trajectory log, memory) and cache under ``tmp_path``; returns the data dir."""
    monkeypatch.setenv("GRAPH_AGENT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


AppFactory = Callable[..., GraphAgentApp]


@pytest.fixture
def make_app() -> AppFactory:
    """``make_app(scripts, ab=None, open_graph=None)``: scripts maps an adapter name to its replies (or to a
    ready engine)."""

    def build(scripts: dict[str, Sequence[Any]], ab: tuple[str, str] | None = None,
              open_graph: Any = open_backend) -> GraphAgentApp:
        engines: dict[str, ScriptedEngine] = {}

        def engine_factory(config: AgentConfig) -> ScriptedEngine:
            adapter = config.adapter or "none"
            script = scripts[adapter]
            adapter_id = None if adapter in ("none", "default") else adapter
            engines[adapter] = script if hasattr(script, "generate") else ScriptedEngine(script, adapter_id)
            return engines[adapter]

        config = AgentConfig()
        ab_configs = [AgentConfig(adapter=name) for name in ab] if ab else []
        graph = LoadedGraph.open(GraphSource(sample="nordic_roads"), label="nordic_roads")
        app = GraphAgentApp(graph, config, ab_configs=ab_configs, engine_factory=engine_factory,
                            open_graph=open_graph)
        app.engines = engines  # type: ignore[attr-defined]
        return app

    return build


async def wait_until(pilot: Any, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until ``condition()`` holds (fails the test after ``timeout`` seconds)."""
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()


async def ask(pilot: Any, question: str, timeout: float = 20.0) -> None:
    """Type ``question`` into the prompt, send it and wait until the answer is done."""
    from tui.widgets.prompt_input import PromptInput

    pilot.app.screen.query_one(PromptInput).load_text(question)
    await pilot.press("enter")
    await wait_until(pilot, lambda: not pilot.app.screen.running, timeout)


class GatedEngine(ScriptedEngine):
    """A scripted engine that stops after the first streamed piece until ``gate`` is set (or it is cancelled),
    so a test can look at the UI in the middle of a generation."""

    def __init__(self, replies: Sequence[Any]) -> None:
        super().__init__(replies)
        import threading

        self.gate = threading.Event()

    def generate(self, prompt: str, **kwargs: Any) -> Any:
        on_token, cancel = kwargs.get("on_token"), kwargs.get("cancel")
        pieces = 0

        def gated(piece: str) -> None:
            nonlocal pieces
            pieces += 1
            if pieces == 2:
                while not self.gate.is_set() and not (cancel is not None and cancel.is_set()):
                    self.gate.wait(0.01)
            if on_token is not None and not (cancel is not None and cancel.is_set()):
                on_token(piece)

        return super().generate(prompt, **{**kwargs, "on_token": gated})
