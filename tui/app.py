"""The Textual chat app (``graph-agent chat``) and the live objects behind it.

``ChatRuntime`` holds what outlives one screen: the loaded graphs and the active one, one engine per distinct
configuration (loaded once, shared by the sessions that use it), one ``AgentSession`` per configuration on the
active graph (rebuilt when the graph changes), the query cache and the trajectory log that feedback is
written to. Configuration 0 is the chat's own; with two A/B configurations, 1 and 2 are the blind pair.

``GraphAgentApp`` is the Textual ``App``: it owns a runtime and shows ``ChatScreen``. Tests build it with a
scripted ``engine_factory`` and a fake ``open_graph``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding

from agent.context import AgentConfig
from agent.engines.base import Engine
from agent.session import AgentSession
from agent.trajectory import FILE_NAME, TrajectoryLog
from graphs.backend import GraphBackend
from graphs.sources import GraphSource, open_backend
from tools.cache import GraphCache
from tui.commands import ChatCommands

EngineFactory = Callable[[AgentConfig], Engine]
GraphOpener = Callable[[GraphSource], GraphBackend]


def default_engine(config: AgentConfig) -> Engine:
    """The engine ``config`` names (what ``AgentSession`` would build itself)."""
    from agent.engines import make_engine

    return make_engine(config.engine, config.model, config.adapter, **config.engine_options)


@dataclass
class LoadedGraph:
    """A graph the user opened: its label in the UI, its backend and its summary (taken once at load)."""

    label: str
    backend: GraphBackend
    summary: dict[str, Any]

    @classmethod
    def open(cls, source: GraphSource, opener: GraphOpener = open_backend, label: str | None = None) -> LoadedGraph:
        """Open ``source`` and read its summary; typed ``GraphError``s for bad files and dead databases."""
        backend = opener(source)
        try:
            summary = backend.summary()
        except BaseException:
            backend.close()
            raise
        return cls(label or backend.name, backend, summary)


class ToolHitCache(GraphCache):
    """The query cache, remembering whether the last tool-result lookup was a hit (shown on the tool card)."""

    last_tool_hit = False

    def get_tool(self, fingerprint: str, tool: str, args_json: str) -> dict[str, Any] | None:
        result = super().get_tool(fingerprint, tool, args_json)
        self.last_tool_hit = result is not None
        return result


class ChatRuntime:
    """Graphs, engines, sessions and the log of one chat app (see the module docstring).

    ``lock`` is held while a question runs and while closing, so an engine is never closed mid-generation.
    """

    def __init__(
        self,
        graph: LoadedGraph,
        config: AgentConfig,
        ab_configs: Sequence[AgentConfig] = (),
        engine_factory: EngineFactory = default_engine,
    ) -> None:
        if ab_configs and len(ab_configs) != 2:
            raise ValueError(f"blind A/B needs exactly two configurations, got {len(ab_configs)}")
        self.configs = [config, *ab_configs]
        self.graphs: dict[str, LoadedGraph] = {graph.label: graph}
        self.active = graph.label
        self.lock = threading.RLock()
        self.cancelled = threading.Event()
        self._engine_factory = engine_factory
        self._engines: dict[str, Engine] = {}
        self._sessions: dict[int, AgentSession] = {}
        self.cache = ToolHitCache() if any(c.use_cache for c in self.configs) else None
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.log = TrajectoryLog(config.data_dir / FILE_NAME)

    @property
    def graph(self) -> LoadedGraph:
        """The active graph."""
        return self.graphs[self.active]

    @property
    def ab_available(self) -> bool:
        """Whether two A/B configurations were given."""
        return len(self.configs) == 3

    def session(self, index: int) -> AgentSession:
        """The session of configuration ``index`` on the active graph (its engine is loaded on first use)."""
        with self.lock:
            if index not in self._sessions:
                config = self.configs[index]
                key = _engine_key(config)
                if key not in self._engines:
                    self._engines[key] = self._engine_factory(config)
                cache = self.cache if config.use_cache else None
                self._sessions[index] = AgentSession(
                    self.graph.backend, config, engine=self._engines[key], cache=cache
                )
            return self._sessions[index]

    def engine_of(self, index: int) -> Engine | None:
        """The engine of configuration ``index`` if it is loaded."""
        return self._engines.get(_engine_key(self.configs[index]))

    def config_name(self, index: int) -> str:
        """A configuration's name in the log: ``base`` without adapter, else the adapter id (the engine is added
        when the two A/B configurations would otherwise share a name)."""
        names = [self._plain_name(i) for i in range(len(self.configs))]
        name = names[index]
        if index and self.ab_available and names[1] == names[2]:
            name += f"@{self.configs[index].engine}"
        return name

    def add_graph(self, graph: LoadedGraph) -> str:
        """Keep ``graph`` (its label made unique) and make it active; returns the label."""
        label, number = graph.label, 2
        while label in self.graphs:
            label, number = f"{graph.label} ({number})", number + 1
        graph.label = label
        self.graphs[label] = graph
        self.switch_graph(label)
        return label

    def switch_graph(self, label: str) -> None:
        """Make the loaded graph ``label`` active; the sessions are rebuilt on it (engines stay loaded)."""
        if label not in self.graphs:
            raise KeyError(f"no loaded graph {label!r}")
        with self.lock:
            self.active = label
            self._close_sessions()

    def cancel(self) -> None:
        """Stop the question in flight (every configuration's generation)."""
        self.cancelled.set()
        for session in list(self._sessions.values()):
            session.cancel()

    def close(self) -> None:
        """Cancel what runs, wait for it, then close sessions, engines, graphs, cache and log."""
        self.cancel()
        with self.lock:
            self._close_sessions()
            for engine in self._engines.values():
                engine.close()
            self._engines.clear()
            for graph in self.graphs.values():
                graph.backend.close()
            if self.cache is not None:
                self.cache.close()
            self.log.close()

    def _plain_name(self, index: int) -> str:
        engine = self.engine_of(index)
        adapter = engine.adapter_id if engine is not None else self.configs[index].adapter
        return "base" if adapter in (None, "none") else str(adapter)

    def _close_sessions(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()


def _engine_key(config: AgentConfig) -> str:
    return json.dumps([config.engine, config.model, config.adapter, config.engine_options], sort_keys=True,
                      default=str)


class GraphAgentApp(App[None]):
    """The chat UI; see ``tui.screens.chat.ChatScreen`` for what it shows and does."""

    CSS_PATH = "app.tcss"
    TITLE = "graph-agent"
    COMMANDS = App.COMMANDS | {ChatCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        graph: LoadedGraph,
        config: AgentConfig,
        *,
        ab_configs: Sequence[AgentConfig] = (),
        engine_factory: EngineFactory = default_engine,
        open_graph: GraphOpener = open_backend,
    ) -> None:
        super().__init__()
        self.runtime = ChatRuntime(graph, config, ab_configs, engine_factory)
        self.open_graph = open_graph

    def on_mount(self) -> None:
        from tui.screens.chat import ChatScreen

        self.push_screen(ChatScreen())

    async def action_quit(self) -> None:
        """Stop a running answer, then leave."""
        self.runtime.cancel()
        self.exit()

    def on_unmount(self) -> None:
        self.runtime.close()
