"""Loading a Neo4j database through the graph dialog, against the real Bolt test server (FalkorDB)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from benchmarks.bolt_server import load_nx_graph
from graphs.loaders import load_graph
from graphs.samples import sample_path
from tests.tui.conftest import ask, wait_until
from tui.screens.chat import ChatScreen
from tui.screens.load_graph import LoadGraphScreen

pytestmark = [pytest.mark.anyio, pytest.mark.bolt]


async def test_connect_shows_the_schema_then_the_agent_answers_on_the_database(bolt: Any, make_app: Any) -> None:
    server, driver = bolt
    graph: nx.DiGraph = load_graph(sample_path("company_kg"))
    load_nx_graph(driver, graph)
    app = make_app({"default": ["<call>count_nodes {}</call>", "The database has the nodes counted above."]})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, LoadGraphScreen))
        dialog = app.screen
        dialog.query_one("TabbedContent").active = "tab-neo4j"
        dialog.query_one("#neo4j-uri").value = server.uri
        dialog.query_one("#neo4j-user").value = "falkordb"
        dialog.query_one("#neo4j-test").press()
        await wait_until(pilot, lambda: not dialog.query_one("#neo4j-use").disabled, timeout=60)
        schema = str(dialog.query_one("#dialog-status").render())
        assert f"{graph.number_of_nodes()} nodes" in schema and "Labels: " in schema and "Person" in schema
        dialog.query_one("#neo4j-use").press()
        await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen))
        assert app.runtime.graph.backend.kind == "neo4j"
        assert "neo4j" in str(app.screen.query_one("#side-graph").render())
        await ask(pilot, "How many nodes does the database have?")
        [run] = app.runtime.log.runs()
        tool = next(step for step in app.runtime.log.get_run(run["id"])["steps"] if step["kind"] == "tool")
        assert tool["data"]["result"] == {"count": graph.number_of_nodes()}
