"""The graph dialog (Ctrl+O): switch to a loaded graph or a sample, load a file, or connect to Neo4j.

Loading and connecting run in a thread worker, so a slow or dead database never freezes the UI; every
failure is one clear line in the dialog. A Neo4j connection is tested first and its schema shown; "Use this
graph" then hands the already open connection to the chat (FalkorDB, our Bolt test server, refuses new
connections once one has closed, and reconnecting is wasted time anyway). The dialog returns a new
``LoadedGraph``, the label of a graph already loaded, or None.
"""

from __future__ import annotations

import os
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from graphs.loaders import SUPPORTED_FORMATS
from graphs.samples import SAMPLES
from graphs.sources import GraphSource
from tui.screens.chat import error_line


def schema_text(summary: dict[str, Any]) -> str:
    """A connected database's schema in a few lines."""
    lines = [f"Connected to {summary.get('name')}: {summary.get('nodes', 0):,} nodes, "
             f"{summary.get('edges', 0):,} relationships."]
    for key, title in (("labels", "Labels"), ("relationship_types", "Relationship types")):
        if summary.get(key):
            lines.append(f"{title}: " + ", ".join(f"{name} ({count})" for name, count in summary[key].items()))
    if summary.get("name_property"):
        lines.append(f"Node names from property: {summary['name_property']}")
    return "\n".join(lines)


class LoadGraphScreen(ModalScreen[Any]):
    """Tabs: Graphs (loaded and samples), File, Neo4j."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self) -> None:
        super().__init__()
        self._connected: Any = None

    def compose(self) -> ComposeResult:
        runtime = self.app.runtime  # type: ignore[attr-defined]
        with Vertical(id="dialog", classes="dialog"):
            yield Label("Load a graph", classes="dialog-title")
            with TabbedContent(initial="tab-graphs"):
                with TabPane("Graphs", id="tab-graphs"):
                    options = [Option(f"{'● ' if label == runtime.active else '  '}{label}", id=f"graph:{label}")
                               for label in runtime.graphs]
                    options += [Option(f"  sample: {name} — {text}", id=f"sample:{name}")
                                for name, text in SAMPLES.items() if name not in runtime.graphs]
                    yield OptionList(*options, id="graph-list")
                with TabPane("File", id="tab-file"):
                    yield Input(placeholder="path to a graph file", id="file-path")
                    formats = " ".join(sorted(SUPPORTED_FORMATS))
                    yield Input(placeholder=f"format if the extension does not say: {formats}", id="file-format")
                    yield Checkbox("edge list is directed", id="file-directed")
                    yield Button("Load file", id="file-load", variant="primary")
                with TabPane("Neo4j", id="tab-neo4j"):
                    env = os.environ.get
                    yield Input(env("NEO4J_URI", "bolt://localhost:7687"), placeholder="URI", id="neo4j-uri")
                    yield Input(env("NEO4J_USERNAME", "neo4j"), placeholder="user", id="neo4j-user")
                    yield Input(env("NEO4J_PASSWORD", ""), placeholder="password", password=True,
                                id="neo4j-password")
                    yield Input(env("NEO4J_DATABASE", ""), placeholder="database (empty: the server default)",
                                id="neo4j-database")
                    yield Checkbox("relationships are undirected", id="neo4j-undirected")
                    with Horizontal(classes="dialog-buttons"):
                        yield Button("Test connection", id="neo4j-test", variant="primary")
                        yield Button("Use this graph", id="neo4j-use", disabled=True)
            yield Static("", id="dialog-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#graph-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, name = (event.option.id or "").partition(":")
        if kind == "graph":
            self.dismiss(name)
        else:
            self._open(GraphSource(sample=name), name)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id and event.input.id.startswith("file-"):
            self._load_file()
        else:
            self._test_connection()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "file-load":
            self._load_file()
        elif event.button.id == "neo4j-test":
            self._test_connection()
        elif event.button.id == "neo4j-use" and self._connected is not None:
            graph, self._connected = self._connected, None
            self.dismiss(graph)

    def _load_file(self) -> None:
        path = self.query_one("#file-path", Input).value.strip()
        if not path:
            self._status("Type the path of a graph file.", error=True)
            return
        source = GraphSource(path=os.path.expanduser(path), fmt=self.query_one("#file-format", Input).value.strip()
                             or None, directed=self.query_one("#file-directed", Checkbox).value or None)
        self._open(source, None)

    def _test_connection(self) -> None:
        value = {name: self.query_one(f"#neo4j-{name}", Input).value.strip()
                 for name in ("uri", "user", "password", "database")}
        if not value["uri"]:
            self._status("Type the database URI, e.g. bolt://localhost:7687.", error=True)
            return
        self._forget_connection()
        source = GraphSource(neo4j=True, neo4j_uri=value["uri"], neo4j_user=value["user"] or None,
                             neo4j_password=value["password"] or None, neo4j_database=value["database"] or None,
                             neo4j_undirected=self.query_one("#neo4j-undirected", Checkbox).value)
        self._open(source, None, keep=True)

    @work(thread=True, exclusive=True, group="load-graph")
    def _open(self, source: GraphSource, label: str | None, keep: bool = False) -> None:
        """Worker: open ``source``; dismiss with it, or (``keep``, Neo4j) show its schema and wait for "Use"."""
        from tui.app import LoadedGraph

        self.app.call_from_thread(self._status, f"Opening {source.describe()}…")
        try:
            graph = LoadedGraph.open(source, self.app.open_graph, label)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - every failure is one line in the dialog
            self.app.call_from_thread(self._status, f"Could not open {source.describe()}: {error_line(exc)}", True)
            return
        if keep:
            self.app.call_from_thread(self._connection_ready, graph)
        else:
            self.app.call_from_thread(self.dismiss, graph)

    def _connection_ready(self, graph: Any) -> None:
        if not self.is_attached:
            graph.backend.close()
            return
        self._connected = graph
        self.query_one("#neo4j-use", Button).disabled = False
        self._status(schema_text(graph.summary))

    def _forget_connection(self) -> None:
        if self._connected is not None:
            self._connected.backend.close()
            self._connected = None
        self.query_one("#neo4j-use", Button).disabled = True

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#dialog-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def action_close(self) -> None:
        """Close without changing the graph (a tested but unused connection is closed)."""
        self._forget_connection()
        self.dismiss(None)
