"""The chat UI on the real llama.cpp engine (the untuned base model): a blind A/B question end to end.

Both configurations share the one loaded engine (the ``llama`` fixture) and differ in their tool-call
budget, so the pair is answered by real generations and the choice lands in the log.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent.context import AgentConfig
from graphs.sources import GraphSource
from tests.tui.conftest import ask
from tui.app import GraphAgentApp, LoadedGraph
from tui.widgets.ab_exchange import ABExchange

pytestmark = pytest.mark.anyio


async def test_blind_ab_on_the_real_engine_answers_both_sides_and_records_the_choice(llama: Any) -> None:
    graph = LoadedGraph.open(GraphSource(sample="nordic_roads"), label="nordic_roads")
    configs = [AgentConfig(adapter="none", max_tokens=48, max_tool_rounds=rounds, use_cache=False)
               for rounds in (1, 2)]
    app = GraphAgentApp(graph, configs[0], ab_configs=configs, engine_factory=lambda config: llama)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+t")
        await ask(pilot, "Is there a path from Oslo to Bergen?", timeout=300)
        exchange = app.screen.query_one(ABExchange)
        assert all(block.has_class("-done") and block.text for block in exchange.blocks)
        await pilot.press("t")
        await pilot.pause()
        [comparison] = app.runtime.log.comparisons()
        assert comparison["choice"] == "tie"
        runs = {run["id"]: run for run in app.runtime.log.runs()}
        assert runs[comparison["run_a"]]["engine"] == runs[comparison["run_b"]]["engine"] == "llamacpp"
        app.runtime._engines.clear()  # the fixture owns the engine: the app must not close it
