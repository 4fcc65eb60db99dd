"""The graph dialog: samples, files (good and unparseable), and Neo4j failures, each with a clear message."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from graphs.errors import BackendUnavailable
from graphs.sources import GraphSource, open_backend
from tests.tui.conftest import ask, wait_until
from tui.screens.chat import ChatScreen
from tui.screens.load_graph import LoadGraphScreen

pytestmark = pytest.mark.anyio


async def open_dialog(pilot: Any, tab: str) -> LoadGraphScreen:
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, LoadGraphScreen))
    pilot.app.screen.query_one("TabbedContent").active = tab
    await pilot.pause()
    return pilot.app.screen


def status(screen: LoadGraphScreen) -> str:
    return str(screen.query_one("#dialog-status").render())


async def test_a_sample_is_one_selection_away_and_starts_a_new_conversation(make_app: Any) -> None:
    app = make_app({"default": ["Nordic answer.", '<call>count_nodes {}</call>', "It has many nodes."]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "A question on the roads?")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, LoadGraphScreen))
        options = app.screen.query_one("#graph-list")
        options.highlighted = next(i for i in range(options.option_count)
                                   if options.get_option_at_index(i).id == "sample:company_kg")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen) and app.runtime.active == "company_kg")
        assert "company_kg" in str(app.screen.query_one("#side-graph").render())
        await ask(pilot, "How many nodes?")
        run = app.runtime.log.runs()[-1]
        assert run["graph_name"] == "company_kg" and run["thread_id"] != app.runtime.log.runs()[0]["thread_id"]


async def test_a_graph_file_loads_and_becomes_the_active_graph(make_app: Any, tmp_path: Path) -> None:
    path = tmp_path / "pipes.csv"
    path.write_text("source,target,weight\nA,B,2\nB,C,3\n")
    app = make_app({"default": ['<call>shortest_path {"source":"A","target":"C"}</call>', "A, B, C."]})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dialog(pilot, "tab-file")
        screen.query_one("#file-path").value = str(path)
        screen.query_one("#file-load").press()
        await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen))
        assert app.runtime.active == "pipes.csv"
        assert "3 nodes" in str(app.screen.query_one("#side-graph").render())
        await ask(pilot, "Shortest path from A to C?")
        assert app.runtime.log.runs()[-1]["answer"] == "A, B, C."


async def test_an_unparseable_file_is_a_clear_message_and_nothing_changes(make_app: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.graphml"
    path.write_text("<graphml><graph><node id='a'></graph>")
    app = make_app({"default": []})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dialog(pilot, "tab-file")
        screen.query_one("#file-path").value = str(path)
        screen.query_one("#file-load").press()
        await wait_until(pilot, lambda: "Could not open" in status(screen))
        assert "broken.graphml" in status(screen) and "Traceback" not in status(screen)
        assert screen.query_one("#dialog-status").has_class("-error")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen) and list(app.runtime.graphs) == ["nordic_roads"]


async def test_a_neo4j_uri_that_does_not_answer_is_a_clear_message(make_app: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app({"default": []})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dialog(pilot, "tab-neo4j")
        screen.query_one("#neo4j-uri").value = f"bolt://127.0.0.1:{port}"
        screen.query_one("#neo4j-test").press()
        await wait_until(pilot, lambda: "Could not open" in status(screen), timeout=60)
        assert f"127.0.0.1:{port}" in status(screen) and "unreachable" in status(screen).lower()
        assert screen.query_one("#neo4j-use").disabled


async def test_a_rejected_password_is_a_clear_message(make_app: Any) -> None:
    """FalkorDB, our only Bolt server, accepts any password, so the rejection comes from a fake opener that
    raises what ``Neo4jBackend`` raises on a driver ``AuthError``."""
    seen: list[GraphSource] = []

    def refusing(source: GraphSource) -> Any:
        if source.neo4j:
            seen.append(source)
            raise BackendUnavailable("Neo4j refused the credentials: The client is unauthorized.")
        return open_backend(source)

    app = make_app({"default": []}, open_graph=refusing)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dialog(pilot, "tab-neo4j")
        screen.query_one("#neo4j-password").value = "wrong"
        screen.query_one("#neo4j-test").press()
        await wait_until(pilot, lambda: "Could not open" in status(screen))
        assert status(screen).endswith("Neo4j refused the credentials: The client is unauthorized.")
        assert seen[0].neo4j_password == "wrong" and seen[0].neo4j_user == "neo4j"
