"""Open a graph backend from what a user names: a graph file, a bundled sample, or a Neo4j database.

This is the one place that turns command-line style options into a ``GraphBackend``, so the CLI, the agent
and the UI all open graphs the same way.

>>> backend = open_backend(GraphSource(sample="nordic_roads"))
>>> backend.kind, backend.directed
('networkx', False)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from graphs.backend import GraphBackend
from graphs.errors import InvalidArgument
from graphs.loaders import load_graph
from graphs.networkx_backend import NetworkxBackend
from graphs.samples import DEFAULT_SAMPLE, sample_path


@dataclass(frozen=True)
class GraphSource:
    """At most one of ``path``, ``sample`` or ``neo4j`` (none: the default sample).

    With ``neo4j`` set, any Neo4j field left None falls back to ``NEO4J_URI``, ``NEO4J_USERNAME``,
    ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``.
    """

    path: str | None = None
    sample: str | None = None
    neo4j: bool = False
    neo4j_uri: str | None = None
    fmt: str | None = None
    directed: bool | None = None
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    name_property: str | None = None
    neo4j_undirected: bool = False

    def describe(self) -> str:
        """A short human-readable name of the source."""
        if self.neo4j:
            return f"neo4j:{self.neo4j_uri or os.environ.get('NEO4J_URI', '?')}"
        return self.path or f"sample:{self.sample or DEFAULT_SAMPLE}"


def open_backend(source: GraphSource) -> GraphBackend:
    """Load or connect the graph ``source`` names; typed ``GraphError``s on bad files or dead databases."""
    chosen = [name for name in ("path", "sample", "neo4j") if getattr(source, name)]
    if len(chosen) > 1:
        raise InvalidArgument(f"choose one graph source, got {' and '.join(chosen)}")
    if source.neo4j:
        from graphs.neo4j_backend import Neo4jBackend  # the driver import is only paid when used

        return Neo4jBackend.connect(
            uri=source.neo4j_uri,
            user=source.neo4j_user,
            password=source.neo4j_password,
            database=source.neo4j_database,
            name_property=source.name_property,
            directed=not source.neo4j_undirected,
        )
    if source.path:
        graph = load_graph(source.path, fmt=source.fmt, directed=source.directed)
        return NetworkxBackend(graph, name=os.path.basename(source.path))
    name = source.sample or DEFAULT_SAMPLE
    try:
        path = sample_path(name)
    except KeyError as exc:
        raise InvalidArgument(exc.args[0]) from None
    return NetworkxBackend(load_graph(path), name=name, read_only=True)
